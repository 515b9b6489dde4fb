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
    match p.kind {
        Kind::Local if input.to_ascii_lowercase().starts_with("file://") => Err(Refusal::FileUrl),
        Kind::Local => Err(Refusal::LocalPath),
        Kind::Helper => Err(Refusal::Helper(
            input.split("::").next().unwrap_or(input).to_string(),
        )),
        Kind::Https if !p.leaks_credentials() => Ok(Conversion {
            kind: p.kind,
            https: input.to_string(),
            stripped_credentials: false,
        }),
        Kind::Https | Kind::Http => {
            let mut u = url::Url::parse(input).map_err(|e| Refusal::Invalid(e.to_string()))?;
            let strip = p.leaks_credentials();
            if strip {
                let _ = u.set_password(None);
                let _ = u.set_username("");
            }
            if p.kind == Kind::Http {
                // Only the default port maps over; a custom HTTP port keeps its number.
                let _ = u.set_scheme("https");
                if p.port == Some(443) {
                    let _ = u.set_port(None);
                }
            }
            Ok(Conversion {
                kind: p.kind,
                https: u.to_string(),
                stripped_credentials: strip,
            })
        }
        Kind::Scp | Kind::Ssh | Kind::Git | Kind::Ftp => {
            let https = ssh_to_https(p, rules)?;
            Ok(Conversion {
                kind: p.kind,
                https,
                stripped_credentials: false,
            })
        }
    }
}

fn ssh_to_https(p: &RemoteUrl, rules: &HostRules) -> Result<String, Refusal> {
    // Normalise the path to an absolute one without trailing slashes.
    let raw = p.path.as_str();
    if raw.starts_with('~') || raw.starts_with("/~") {
        return Err(Refusal::HomeRelative(raw.to_string()));
    }
    let trimmed = raw.trim_end_matches('/');
    let rel = trimmed.trim_start_matches('/');
    if rel.is_empty() {
        return Err(Refusal::EmptyPath);
    }
    if rel.starts_with('-') && p.kind == Kind::Scp {
        return Err(Refusal::DashPath(rel.to_string()));
    }
    let target = rules.resolve(&p.host, rel)?;
    build_https(&target.base, &target.path)
}

/// Joins an HTTPS base (`https://host[:port][/prefix]`) and a repository path, percent-encoding
/// what must be.
pub fn build_https(base: &str, rel_path: &str) -> Result<String, Refusal> {
    let mut u = url::Url::parse(base).map_err(|e| Refusal::BadHost {
        host: base.to_string(),
        reason: e.to_string(),
    })?;
    if u.cannot_be_a_base() || u.host_str().is_none() {
        return Err(Refusal::BadHost {
            host: base.to_string(),
            reason: "not a base URL".into(),
        });
    }
    let prefix = u.path().trim_end_matches('/').to_string();
    let mut path = String::with_capacity(prefix.len() + rel_path.len() + 1);
    path.push_str(&prefix);
    path.push('/');
    // `url` leaves '%' alone; encode it first so a literal '%' survives the round trip.
    path.push_str(&rel_path.replace('%', "%25"));
    u.set_path(&path);
    Ok(u.to_string())
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
            conv("ssh://git@host:2222/owner/repo.git").unwrap(),
            "https://host/owner/repo.git"
        );
        assert_eq!(conv("git+ssh://host/o/r").unwrap(), "https://host/o/r");
        assert_eq!(conv("ssh+git://host/o/r").unwrap(), "https://host/o/r");
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
        assert!(matches!(conv("ssh://-u@host/r"), Err(Refusal::DashUser(_))));
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
            conv("git@host:my org/my repo.git").unwrap(),
            "https://host/my%20org/my%20repo.git"
        );
        assert_eq!(conv("ssh://host/a%20b/c").unwrap(), "https://host/a%20b/c");
        assert_eq!(
            conv("git@host:o/100%.git").unwrap(),
            "https://host/o/100%25.git"
        );
    }
}
