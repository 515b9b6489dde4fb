//! Pure: the one way a value from a config, a URL or a rule reaches any output. [`Redacted`]
//! can only be made by redacting, so a report type holding one cannot hold a secret.
//!
//! Redacted: the password of any `scheme://user:password@` userinfo, a user part that looks
//! like a token (every known token kind, legacy 40-hex included; also in scp-like
//! `token@host:path`), and any token-shaped word anywhere in the text. `Display` also escapes
//! control characters, so a config value cannot drive the terminal.

use std::fmt;

use crate::core::token;
use crate::core::url::percent_decode;

/// A string with its secrets replaced by `***`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Redacted(String);

impl Redacted {
    pub fn new(s: &str) -> Redacted {
        Redacted(redact(s))
    }

    /// A path, shown as text.
    pub fn path(p: &std::path::Path) -> Redacted {
        Redacted::new(&p.display().to_string())
    }

    /// The redacted text, control characters unescaped (for JSON, which escapes them itself).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether redaction removed anything.
    pub fn differs_from(&self, original: &str) -> bool {
        self.0 != original
    }
}

impl From<&str> for Redacted {
    fn from(s: &str) -> Redacted {
        Redacted::new(s)
    }
}

impl From<&String> for Redacted {
    fn from(s: &String) -> Redacted {
        Redacted::new(s)
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        escape_controls(&self.0, f)
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

/// Writes `s` with control characters (C0, DEL, C1) as `\n`, `\x1b`, `\u{9b}`…
fn escape_controls(s: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for c in s.chars() {
        if c.is_control() {
            write!(f, "{}", c.escape_default())?;
        } else {
            fmt::Write::write_char(f, c)?;
        }
    }
    Ok(())
}

/// Text for a terminal: control characters escaped (for values that hold no secret).
pub fn printable(s: &str) -> String {
    struct P<'a>(&'a str);
    impl fmt::Display for P<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            escape_controls(self.0, f)
        }
    }
    P(s).to_string()
}

fn user_is_token(user: &str) -> bool {
    token::user_is_token(&percent_decode(user))
}

/// Where one URL's authority ends, as curl reads it: `/`, `?`, `#`, or the end of the line. A
/// password may hold spaces and quotes, so those do not end it (more is redacted, not less).
fn authority_end(s: &str, start: usize) -> usize {
    s[start..]
        .find(['/', '?', '#', '\n'])
        .map_or(s.len(), |i| start + i)
}

/// The redacted form of `s` (see the module docs).
pub fn redact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    // Every `scheme://userinfo@` in the text.
    while let Some(i) = rest.find("://") {
        let start = i + 3;
        out.push_str(&rest[..start]);
        let end = authority_end(rest, start);
        match rest[start..end].rfind('@').map(|a| start + a) {
            Some(at) => {
                out.push_str(&redact_userinfo(&rest[start..at]));
                rest = &rest[at..];
            }
            None => rest = &rest[start..],
        }
    }
    out.push_str(rest);
    let out = redact_scp_user(&out);
    redact_words(&out)
}

fn redact_userinfo(userinfo: &str) -> String {
    match userinfo.split_once(':') {
        Some((user, _)) if user_is_token(user) => "***:***".to_string(),
        Some((user, _)) => format!("{user}:***"),
        None if user_is_token(userinfo) => "***".to_string(),
        None => userinfo.to_string(),
    }
}

/// scp-like `TOKEN@host:path` (no scheme): the user part is a token.
fn redact_scp_user(s: &str) -> String {
    if s.contains("://") {
        return s.to_string();
    }
    match s.split_once('@') {
        Some((user, rest)) if !user.contains(['/', ':']) && user_is_token(user) => {
            format!("***@{rest}")
        }
        _ => s.to_string(),
    }
}

/// Any token-shaped word (`ghp_…`, `github_pat_…`, `glpat-…`) anywhere in the text.
fn redact_words(s: &str) -> String {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut out = String::with_capacity(s.len());
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        match (start, is_word(c) && i < s.len()) {
            (None, true) => start = Some(i),
            (Some(b), false) => {
                let w = &s[b..i];
                // A token may follow other text in one word (`r.git%3Fghp_…`).
                match (0..w.len())
                    .filter(|&k| {
                        w.is_char_boundary(k)
                            && token::SECRET_PREFIXES.iter().any(|p| w[k..].starts_with(p))
                    })
                    .find(|&k| token::is_secret_word(&w[k..]))
                {
                    Some(k) => {
                        out.push_str(&w[..k]);
                        out.push_str("***");
                    }
                    None => out.push_str(w),
                }
                start = None;
                if i < s.len() {
                    out.push(c);
                }
            }
            (None, false) if i < s.len() => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GHP: &str = "ghp_CANARYcanaryCANARYcanaryCANARY012345";
    const HEX: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn passwords_and_token_users() {
        assert_eq!(redact("https://me:s3cret@h/o/r"), "https://me:***@h/o/r");
        assert_eq!(redact(&format!("https://{GHP}@h/o")), "https://***@h/o");
        assert_eq!(redact(&format!("https://{HEX}@h/o")), "https://***@h/o");
        assert_eq!(
            redact(&format!("https://{HEX}:x-oauth-basic@h/o")),
            "https://***:***@h/o"
        );
        assert_eq!(redact("git@h:o/r"), "git@h:o/r");
        assert_eq!(redact("https://alice@h/o/r"), "https://alice@h/o/r");
        assert_eq!(
            redact(&format!("{GHP}@github.com:o/r")),
            "***@github.com:o/r"
        );
    }

    #[test]
    fn every_url_in_a_text_and_helper_urls() {
        let s = format!(
            "url.https://x-access-token:{GHP}@github.com/.insteadof = https://a:b@c/ and hg::https://u:pw@h/r"
        );
        let r = redact(&s);
        assert!(
            !r.contains(GHP) && !r.contains(":b@") && !r.contains("pw"),
            "{r}"
        );
        assert!(r.contains("https://x-access-token:***@github.com/"), "{r}");
        assert!(r.contains("hg::https://u:***@h/r"), "{r}");
    }

    #[test]
    fn passwords_with_spaces_and_quotes_and_glued_tokens() {
        assert_eq!(redact("https://u:pa ss\"x@h/o"), "https://u:***@h/o");
        assert_eq!(redact("https://u:pa<ss@h/o"), "https://u:***@h/o");
        assert_eq!(
            redact(&format!("https://h/o/r.git%3F{GHP}")),
            "https://h/o/r.git%3F***"
        );
    }

    #[test]
    fn token_words_anywhere() {
        let r = redact(&format!(
            "value changed: now {GHP}, glpat-abcdefghij0123456789"
        ));
        assert_eq!(r, "value changed: now ***, ***");
    }

    #[test]
    fn control_characters_are_escaped_when_shown() {
        let r = Redacted::new("https://h/o\x1b[31m/r\n");
        assert_eq!(r.to_string(), "https://h/o\\u{1b}[31m/r\\n");
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            "\"https://h/o\\u001b[31m/r\\n\""
        );
    }
}
