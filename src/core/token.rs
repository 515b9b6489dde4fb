//! Pure: what a personal access token looks like, and a type that keeps one secret.

use std::fmt;

/// The token families GitHub issues, by prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenKind {
    /// `ghp_`: personal access token (classic).
    Classic,
    /// `github_pat_`: fine-grained personal access token.
    FineGrained,
    /// `gho_`: OAuth app token.
    OAuth,
    /// `ghu_`: GitHub App user-to-server token.
    AppUser,
    /// `ghs_`: GitHub App installation (server-to-server) token.
    AppInstallation,
    /// `ghr_`: GitHub App refresh token (not usable for git).
    Refresh,
    /// 40 hex digits: a classic token from before 2021.
    LegacyHex,
    Unknown,
}

impl TokenKind {
    pub fn of(token: &str) -> TokenKind {
        let word = |p: &str| {
            token.strip_prefix(p).is_some_and(|rest| {
                rest.len() >= 30 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            })
        };
        if word("github_pat_") {
            TokenKind::FineGrained
        } else if word("ghp_") {
            TokenKind::Classic
        } else if word("gho_") {
            TokenKind::OAuth
        } else if word("ghu_") {
            TokenKind::AppUser
        } else if word("ghs_") {
            TokenKind::AppInstallation
        } else if word("ghr_") {
            TokenKind::Refresh
        } else if token.len() == 40 && token.bytes().all(|b| b.is_ascii_hexdigit()) {
            TokenKind::LegacyHex
        } else {
            TokenKind::Unknown
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            TokenKind::Classic => "personal access token (classic)",
            TokenKind::FineGrained => "fine-grained personal access token",
            TokenKind::OAuth => "OAuth app token",
            TokenKind::AppUser => "GitHub App user token",
            TokenKind::AppInstallation => "GitHub App installation token",
            TokenKind::Refresh => "GitHub App refresh token",
            TokenKind::LegacyHex => "legacy 40-hex personal access token",
            TokenKind::Unknown => "token of an unknown shape",
        }
    }
}

/// Whether a URL's user part (percent-decoded) is a token rather than a login. A 40-hex user
/// part counts: no forge login is 40 hex digits, and pre-2021 GitHub tokens are.
pub fn user_is_token(user: &str) -> bool {
    TokenKind::of(user) != TokenKind::Unknown || is_secret_word(user)
}

/// Whether `text` holds a token anywhere: a known prefix, or a run of 40 hex digits (a name,
/// an alias, a path segment that should never carry one).
pub fn holds_secret(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if SECRET_PREFIXES
        .iter()
        .any(|p| lower.contains(&p.to_ascii_lowercase()))
    {
        return true;
    }
    let mut run = 0;
    for b in lower.bytes() {
        run = if b.is_ascii_hexdigit() { run + 1 } else { 0 };
        if run >= 40 {
            return true;
        }
    }
    false
}

/// Where a token-shaped word can start (every kind [`is_secret_word`] knows).
pub const SECRET_PREFIXES: &[&str] = &[
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "gloas-",
    "gldt-",
    "glrt-",
    "glptt-",
    "ATBB",
    "ATATT",
];

/// Prefixes of tokens other forges issue, each followed by at least 20 more characters:
/// GitLab (`glpat-` personal, `gloas-` OAuth secret, `gldt-` deploy, `glrt-` runner, `glptt-`
/// pipeline trigger), Bitbucket (`ATBB` app password, `ATATT` API token).
const OTHER_PREFIXES: &[&str] = &[
    "glpat-", "gloas-", "gldt-", "glrt-", "glptt-", "ATBB", "ATATT",
];

/// Whether a word is shaped like a token of any known kind (legacy 40-hex excepted: such a
/// word is only a token where a user name or password belongs).
pub fn is_secret_word(word: &str) -> bool {
    !matches!(
        TokenKind::of(word),
        TokenKind::Unknown | TokenKind::LegacyHex
    ) || OTHER_PREFIXES.iter().any(|p| {
        word.strip_prefix(p).is_some_and(|rest| {
            rest.len() >= 20
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
    })
}

/// A token. `Debug` and `Display` print `(redacted)`; the bytes are zeroed on drop; the one
/// way to the value is [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(zeroize::Zeroizing<String>);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(zeroize::Zeroizing::new(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> TokenKind {
        TokenKind::of(self.expose())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret((redacted))")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let body = "A".repeat(36);
        assert_eq!(TokenKind::of(&format!("ghp_{body}")), TokenKind::Classic);
        assert_eq!(
            TokenKind::of(&format!("github_pat_{body}_{body}")),
            TokenKind::FineGrained
        );
        assert_eq!(TokenKind::of(&format!("gho_{body}")), TokenKind::OAuth);
        assert_eq!(
            TokenKind::of(&format!("ghs_{body}")),
            TokenKind::AppInstallation
        );
        assert_eq!(TokenKind::of(&"a1".repeat(20)), TokenKind::LegacyHex);
        assert_eq!(TokenKind::of("ghp_short"), TokenKind::Unknown);
        assert_eq!(TokenKind::of(&format!("ghp_{body} ")), TokenKind::Unknown);
    }

    #[test]
    fn secret_never_formats() {
        let s = Secret::new("ghp_canary".into());
        assert!(!format!("{s:?} {s}").contains("canary"));
        assert_eq!(s.expose(), "ghp_canary");
    }
}

/// Where a token came from, in the order they are tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    Env(&'static str),
    Keyring,
    GitHelper,
    Prompt,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Stdin => f.write_str("standard input"),
            Source::Env(var) => write!(f, "${var}"),
            Source::Keyring => f.write_str("the OS keyring"),
            Source::GitHelper => f.write_str("git's credential helper"),
            Source::Prompt => f.write_str("the prompt"),
        }
    }
}

/// Every variable that may hold a token for some forge, each forge's own CLI's (which serves
/// which: `Forge::env_vars`). Read once; never handed to a child.
pub const TOKEN_VARS: &[&str] = &[
    "GH_TOKEN",
    "GITHUB_TOKEN",
    "GH_ENTERPRISE_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GITLAB_TOKEN",
    "AZURE_DEVOPS_EXT_PAT",
];

/// Cleans a pasted token: surrounding whitespace is dropped (with a warning); whitespace inside
/// or an unknown shape gives a warning too.
pub fn clean(raw: &str) -> (Secret, Vec<String>) {
    let mut warnings = Vec::new();
    let trimmed = raw.trim();
    if trimmed.len() != raw.len() {
        warnings.push("the token had whitespace around it; it was trimmed".to_string());
    }
    if trimmed.contains(char::is_whitespace) {
        warnings.push("the token has whitespace inside it; was it pasted whole?".to_string());
    }
    let secret = Secret::new(trimmed.to_string());
    match secret.kind() {
        TokenKind::Unknown => warnings.push("the token does not look like a GitHub token (ghp_, github_pat_, gho_, ghu_, ghs_ or 40 hex digits)".to_string()),
        TokenKind::Refresh => warnings.push("a ghr_ refresh token cannot authenticate git; use the access token".to_string()),
        _ => {}
    }
    (secret, warnings)
}

#[cfg(test)]
mod source_tests {
    use super::*;

    #[test]
    fn cleaning_warns() {
        let tok = format!("ghp_{}", "a".repeat(36));
        let (s, w) = clean(&format!("  {tok}\n"));
        assert_eq!(s.expose(), tok);
        assert_eq!(w.len(), 1);
        let (_, w) = clean("hunter2");
        assert!(w[0].contains("does not look like"));
    }

    #[test]
    fn a_token_inside_a_name_is_found() {
        assert!(holds_secret("x-ghp_abc"));
        assert!(holds_secret("ATBBx0123456789abcdef0123"));
        assert!(holds_secret(&format!("y{}", "cafe0000".repeat(5))));
        assert!(!holds_secret("github-work"));
        assert!(!holds_secret(&"a1".repeat(19)));
    }
}
