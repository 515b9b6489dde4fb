//! Pure: the HTTPS form of a parsed remote URL, through the host rules.

use crate::core::hosts::HostRules;
use crate::core::url::{Kind, Refusal, RemoteUrl, parse};

/// The HTTPS form of a remote URL and what was done to get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    pub kind: Kind,
    pub https: String,
    /// The input was an HTTP(S) URL with credentials in it; `https` is it without them.
    pub stripped_credentials: bool,
}

/// Converts `input` to the HTTPS URL a personal access token works with.
pub fn to_https(input: &str, rules: &HostRules) -> Result<Conversion, Refusal> {
    let parsed = parse(input)?;
    convert_parsed(input, &parsed, rules)
}

pub fn convert_parsed(
    input: &str,
    p: &RemoteUrl,
    rules: &HostRules,
) -> Result<Conversion, Refusal> {
    let done = |https: String| {
        Ok(Conversion {
            kind: p.kind,
            https,
            stripped_credentials: p.leaks_credentials(),
        })
    };
    match p.kind {
        Kind::Local if input.to_ascii_lowercase().starts_with("file://") => Err(Refusal::FileUrl),
        Kind::Local => Err(Refusal::LocalPath),
        Kind::Helper => Err(Refusal::Helper(
            input.split("::").next().unwrap_or(input).to_string(),
        )),
        Kind::Https if !p.leaks_credentials() => done(input.to_string()),
        // Where readers of a URL could disagree on its authority (extra slashes, backslashes,
        // blanks, control characters), nothing is guessed.
        Kind::Https | Kind::Http | Kind::Ftp if unusual(input) => Err(Refusal::Invalid(
            "an unusual URL (extra slashes, backslashes or blanks in it); fix it by hand".into(),
        )),
        Kind::Https => checked(p, strip_userinfo(input)),
        Kind::Http | Kind::Ftp => {
            let (scheme, rest) = input.split_once("://").unwrap_or(("", input));
            let rest = strip_userinfo(rest);
            let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, after) = rest.split_at(auth_end);
            // curl needs a host: `http:///o/r` has none (a browser would read `o` as one).
            if authority.is_empty() || authority.starts_with(':') {
                return Err(Refusal::EmptyHost);
            }
            let path = rest
                .find(['/', '?', '#'])
                .map_or("", |i| &rest[i..])
                .trim_start_matches('/');
            if let Some(base) = rules.mapped_base(&p.host) {
                return done(format!("{base}/{path}"));
            }
            match (p.kind, p.port) {
                // The default port: the same host over HTTPS.
                (Kind::Http, None) => {
                    let host = authority
                        .strip_suffix(":80")
                        .or_else(|| authority.strip_suffix(':'))
                        .unwrap_or(authority);
                    checked(p, format!("https://{host}{after}"))
                }
                (Kind::Http, Some(port)) => Err(Refusal::PlainHttpPort(p.host.clone(), port)),
                _ => Err(Refusal::Ftp(scheme.to_string(), p.host.clone())),
            }
        }
        Kind::Scp | Kind::Ssh | Kind::Git => done(ssh_to_https(p, rules)?),
    }
}

/// An http(s)/ftp URL whose authority not every reader finds in the same place.
fn unusual(input: &str) -> bool {
    let after = input.split_once("://").map_or("", |(_, a)| a);
    after.starts_with('/')
        || input.contains('\\')
        || input.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The HTTPS form, checked: it parses, names the same host, and holds no credentials.
fn checked(p: &RemoteUrl, https: String) -> Result<Conversion, Refusal> {
    match url::Url::parse(&https) {
        Ok(u)
            if u.username().is_empty()
                && u.password().is_none()
                && u.host_str()
                    .is_some_and(|h| h.trim_matches(['[', ']']).eq_ignore_ascii_case(&p.host)) =>
        {
            Ok(Conversion {
                kind: p.kind,
                https,
                stripped_credentials: p.leaks_credentials(),
            })
        }
        _ => Err(Refusal::Invalid(
            "its HTTPS form would not name the same host without credentials; fix it by hand"
                .into(),
        )),
    }
}

/// The URL without its `user[:password]@` part, as curl reads the authority (up to the first
/// `/`, `?` or `#`). Nothing else is touched.
fn strip_userinfo(s: &str) -> String {
    let start = s.find("://").map_or(0, |i| i + 3);
    let end = s[start..]
        .find(['/', '?', '#'])
        .map_or(s.len(), |i| start + i);
    match s[start..end].rfind('@') {
        Some(at) => format!("{}{}", &s[..start], &s[start + at + 1..]),
        None => s.to_string(),
    }
}

fn ssh_to_https(p: &RemoteUrl, rules: &HostRules) -> Result<String, Refusal> {
    let raw = p.raw_path.as_slice();
    if raw.starts_with(b"~") || raw.starts_with(b"/~") {
        return Err(Refusal::HomeRelative(p.path.clone()));
    }
    let start = raw.iter().position(|&b| b != b'/').unwrap_or(raw.len());
    let end = raw
        .iter()
        .rposition(|&b| b != b'/')
        .map_or(start, |i| i + 1);
    let rel = &raw[start..end.max(start)];
    if rel.is_empty() {
        return Err(Refusal::EmptyPath);
    }
    if rel
        .split(|&b| b == b'/')
        .any(|seg| seg == b"." || seg == b"..")
    {
        return Err(Refusal::DotSegments(p.path.clone()));
    }
    let target = rules.resolve(&p.host, rel)?;
    let https = format!("{}/{}", target.base.trim_end_matches('/'), target.path);
    // HTTPS clients must accept it as written (an `xn--` label that is no punycode, say).
    url::Url::parse(&https).map_err(|e| Refusal::BadHost {
        host: p.host.clone(),
        reason: format!("not usable in an HTTPS URL ({e})"),
    })?;
    Ok(https)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::url::parse;

    fn conv(s: &str) -> Result<String, Refusal> {
        to_https(s, &HostRules::default()).map(|c| c.https)
    }

    #[test]
    fn scp_like() {
        assert_eq!(
            conv("git@github.com:owner/repo.git").unwrap(),
            "https://github.com/owner/repo.git"
        );
        assert_eq!(
            conv("GitHub.COM:owner/repo").unwrap(),
            "https://github.com/owner/repo"
        );
        assert_eq!(
            conv("git@github.com:owner/repo/").unwrap(),
            "https://github.com/owner/repo"
        );
    }

    #[test]
    fn ssh_url_drops_user_and_port() {
        assert_eq!(
            conv("ssh://git@host.xz:2222/owner/repo.git").unwrap(),
            "https://host.xz/owner/repo.git"
        );
        assert_eq!(
            conv("git+ssh://host.xz/o/r").unwrap(),
            "https://host.xz/o/r"
        );
        assert_eq!(
            conv("ssh+git://host.xz/o/r").unwrap(),
            "https://host.xz/o/r"
        );
    }

    #[test]
    fn ipv6() {
        assert_eq!(
            conv("ssh://git@[2001:db8::1]:2222/o/r.git").unwrap(),
            "https://[2001:db8::1]/o/r.git"
        );
        assert_eq!(conv("[::1]:o/r.git").unwrap(), "https://[::1]/o/r.git");
        assert_eq!(conv("git@[::1]:o/r.git").unwrap(), "https://[::1]/o/r.git");
    }

    #[test]
    fn local_and_helpers() {
        assert_eq!(conv("./foo:bar"), Err(Refusal::LocalPath));
        assert_eq!(conv("/srv/git/r.git"), Err(Refusal::LocalPath));
        assert_eq!(conv("file:///srv/r.git"), Err(Refusal::FileUrl));
        assert!(matches!(conv("hg::https://x/y"), Err(Refusal::Helper(_))));
        assert!(matches!(conv("s3://bucket/repo"), Err(Refusal::Helper(_))));
        assert_eq!(conv("C:/work/repo"), Err(Refusal::LocalPath));
    }

    #[test]
    fn refusals() {
        assert!(matches!(
            conv("host:~user/repo"),
            Err(Refusal::HomeRelative(_))
        ));
        assert!(matches!(
            conv("ssh://host/~/repo"),
            Err(Refusal::HomeRelative(_))
        ));
        assert_eq!(conv("host:"), Err(Refusal::EmptyPath));
        assert_eq!(conv("ssh://host/"), Err(Refusal::EmptyPath));
        assert!(matches!(
            conv("ssh://-oProxyCommand=x/r"),
            Err(Refusal::DashHost(_))
        ));
        assert!(matches!(conv("ssh://-u@host/r"), Err(Refusal::DashHost(_))));
        assert!(matches!(
            conv("ssh://host:99999/r"),
            Err(Refusal::BadPort(_))
        ));
    }

    #[test]
    fn https_with_credentials_is_stripped() {
        let c = to_https(
            "https://me:s3cret@github.com/o/r.git",
            &HostRules::default(),
        )
        .unwrap();
        assert_eq!(c.https, "https://github.com/o/r.git");
        assert!(c.stripped_credentials);
        let p = parse("https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r").unwrap();
        assert!(p.leaks_credentials());
        assert!(!format!("{p:?}").contains("ghp_"));
    }

    #[test]
    fn percent_encoding() {
        assert_eq!(
            conv("git@host.xz:my org/my repo.git").unwrap(),
            "https://host.xz/my%20org/my%20repo.git"
        );
        assert_eq!(
            conv("ssh://host.xz/a%20b/c").unwrap(),
            "https://host.xz/a%20b/c"
        );
        assert_eq!(
            conv("git@host.xz:o/100%.git").unwrap(),
            "https://host.xz/o/100%25.git"
        );
    }

    /// What git itself does with each of these (see scripts/differential.py), and so must we.
    #[test]
    fn git_fidelity() {
        let ok = |s: &str, want: &str| assert_eq!(conv(s).as_deref(), Ok(want), "{s}");
        let refused = |s: &str| assert!(conv(s).is_err(), "{s} converted to {:?}", conv(s));
        // scp paths are not percent-decoded; URL paths are, byte for byte.
        ok("git@github.com:o/%41.git", "https://github.com/o/%2541.git");
        ok("ssh://h.xz/o/%41", "https://h.xz/o/A");
        ok("ssh://h.xz/o/%09x", "https://h.xz/o/%09x");
        ok("ssh://h.xz/o/%FFx", "https://h.xz/o/%FFx");
        ok("ssh://h.xz/o/%00x", "https://h.xz/o/%2500x");
        ok("ssh://h.xz/o/%+2e/r", "https://h.xz/o/%25+2e/r");
        ok("git@github.com:o/r\\x", "https://github.com/o/r%5Cx");
        ok("ssh://h.xz/o/r%3Fq", "https://h.xz/o/r%3Fq");
        // The whole URL is decoded, host included: `%2f` ends the host.
        ok("ssh://h.xz%2fo/r", "https://h.xz/o/r");
        // Numeric hosts stay as written.
        ok("git@127.1:o/r", "https://127.1/o/r");
        ok("ssh://1234/o/r", "https://1234/o/r");
        // git's second-byte `~` check makes `a~b/r` home-relative.
        refused("git@github.com:a~b/r");
        ok("git@github.com:ab~/r", "https://github.com/ab~/r");
        // Digits start schemes and helper names; `://` after a non-scheme is unsupported.
        refused("9p://github.com/o/r.git");
        refused("3com::x");
        refused("git@github.com://o/r");
        refused("host.xz:o/r?u=https://x");
        refused("rsync://host.xz/r");
        // What ssh or git:// would not reach.
        refused("git://git@host.xz/o/r");
        refused("@host.xz:o/r");
        refused("h;x.xz:o/r");
        refused("git@h%2Ex:o/r");
        refused("ssh://u@github.com:99999/o/r");
        refused("git@github.com:o/../r");
        refused("git@github.com:.");
        refused("git@work:o/r");
        // http on another port is plain HTTP there; ftp is FTP.
        ok("http://h.xz/o/r", "https://h.xz/o/r");
        refused("http://h.xz:8080/o/r");
        refused("ftp://h.xz/o/r");
    }

    #[test]
    fn credentials_in_any_url_are_reported() {
        for s in [
            "ssh://u:pw@h.xz/o/r",
            "ftp://u:pw@h.xz/o/r",
            "https://u:pw@h.xz/o/r",
        ] {
            let p = parse(s).unwrap();
            assert!(p.leaks_credentials(), "{s}");
        }
        let c = to_https("ssh://u:pw@h.xz/o/r", &HostRules::default()).unwrap();
        assert!(c.stripped_credentials);
        assert_eq!(c.https, "https://h.xz/o/r");
        // The password is cut out as written, nothing else normalised.
        let c = to_https("https://u:pw@127.1/a/../b", &HostRules::default()).unwrap();
        assert_eq!(c.https, "https://127.1/a/../b");
    }
}
