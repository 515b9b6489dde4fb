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

/// Whether a URL's user part is a token rather than a login (`https://ghp_…@github.com/`).
pub fn looks_like_token(user: &str) -> bool {
    !matches!(
        TokenKind::of(user),
        TokenKind::Unknown | TokenKind::LegacyHex
    )
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
