//! Pure: git's credential protocol — `key=value` lines, a blank line ends — read and written.

use crate::core::token::Secret;

/// A credential request or answer. Unknown keys are kept out; the password is a [`Secret`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credential {
    pub protocol: Option<String>,
    pub host: Option<String>,
    pub path: Option<String>,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// When the password stops working (Unix seconds), as git passes it along.
    pub password_expiry_utc: Option<String>,
    /// An OAuth refresh token, kept beside the password.
    pub oauth_refresh_token: Option<Secret>,
}

impl Credential {
    /// Parses helper-protocol input: `key=value` lines up to a blank line or EOF; unknown keys
    /// (and `key[]=` arrays this helper has no use for) are ignored.
    pub fn parse(input: &str) -> Credential {
        let mut c = Credential::default();
        for line in input.lines() {
            if line.is_empty() {
                break;
            }
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            match k {
                "protocol" => c.protocol = Some(v.to_string()),
                "host" => c.host = Some(v.to_string()),
                "path" => c.path = Some(v.to_string()),
                "username" => c.username = Some(v.to_string()),
                "password" => c.password = Some(Secret::new(v.to_string())),
                "password_expiry_utc" => c.password_expiry_utc = Some(v.to_string()),
                "oauth_refresh_token" => c.oauth_refresh_token = Some(Secret::new(v.to_string())),
                "url" => {
                    if let Ok(u) = url::Url::parse(v) {
                        c.protocol = Some(u.scheme().to_string());
                        c.host = u.host_str().map(|h| match u.port() {
                            Some(p) => format!("{h}:{p}"),
                            None => h.to_string(),
                        });
                    }
                }
                _ => {}
            }
        }
        c
    }

    /// A credential for `https://SCOPE`, where the scope is `host[:port]`, or `host/ORG` for a
    /// credential narrowed to an organization (the path lets git pick that scope's config).
    pub fn for_host(host: &str, username: Option<&str>, password: Option<&Secret>) -> Credential {
        let (host, path) = match host.split_once('/') {
            Some((h, p)) => (h, Some(p.to_string())),
            None => (host, None),
        };
        Credential {
            protocol: Some("https".into()),
            host: Some(host.to_string()),
            path,
            username: username.map(str::to_string),
            password: password.cloned(),
            ..Credential::default()
        }
    }

    /// Whether git's protocol can carry this credential: no value may hold a newline or NUL
    /// (they would end the value, or the request, early).
    pub fn check(&self) -> Result<(), String> {
        let fields = [
            ("protocol", self.protocol.as_deref()),
            ("host", self.host.as_deref()),
            ("path", self.path.as_deref()),
            ("username", self.username.as_deref()),
            ("password", self.password.as_ref().map(Secret::expose)),
            ("password_expiry_utc", self.password_expiry_utc.as_deref()),
            (
                "oauth_refresh_token",
                self.oauth_refresh_token.as_ref().map(Secret::expose),
            ),
        ];
        for (k, v) in fields {
            if v.is_some_and(|v| v.contains(['\n', '\0'])) {
                return Err(format!("the credential's {k} holds a newline or NUL"));
            }
        }
        Ok(())
    }

    /// The protocol text, ending with the blank line. Holds the password: write it only to a
    /// pipe.
    pub fn to_protocol(&self) -> zeroize::Zeroizing<String> {
        let mut s = zeroize::Zeroizing::new(String::new());
        for (k, v) in [
            ("protocol", &self.protocol),
            ("host", &self.host),
            ("path", &self.path),
            ("username", &self.username),
        ] {
            if let Some(v) = v {
                s.push_str(&format!("{k}={v}\n"));
            }
        }
        if let Some(p) = &self.password {
            s.push_str("password=");
            s.push_str(p.expose());
            s.push('\n');
        }
        if let Some(e) = &self.password_expiry_utc {
            s.push_str(&format!("password_expiry_utc={e}\n"));
        }
        if let Some(r) = &self.oauth_refresh_token {
            s.push_str("oauth_refresh_token=");
            s.push_str(r.expose());
            s.push('\n');
        }
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_ignores_unknown_keys_and_stops_at_blank() {
        let c = Credential::parse(
            "protocol=https\nhost=h:8443\nwwwauth[]=Basic\ncapability[]=authtype\nusername=u\npassword=p\n\nhost=ignored\n",
        );
        assert_eq!(c.host.as_deref(), Some("h:8443"));
        assert_eq!(c.username.as_deref(), Some("u"));
        assert_eq!(c.password.unwrap().expose(), "p");
        let c = Credential::parse("url=https://x.example:444/o/r.git\n");
        assert_eq!(
            (c.protocol.as_deref(), c.host.as_deref()),
            (Some("https"), Some("x.example:444"))
        );
    }

    #[test]
    fn protocol_round_trip_and_debug_redacts() {
        let c = Credential::for_host("h", Some("u"), Some(&Secret::new("CANARY".into())));
        let text = c.to_protocol();
        assert_eq!(
            text.as_str(),
            "protocol=https\nhost=h\nusername=u\npassword=CANARY\n\n"
        );
        assert_eq!(Credential::parse(&text), c);
        assert!(!format!("{c:?}").contains("CANARY"));
    }
}
