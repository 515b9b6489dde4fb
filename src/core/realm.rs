//! Where a credential applies: an HTTPS host with its port and, for an Azure DevOps
//! organization, the organization (its tokens are per organization). Parsed once, from
//! `--host`, a login record or a URL, and compared by value.

use std::fmt;

use crate::core::forge::Forge;
use crate::core::net;

/// `host[:port][/org]` over HTTPS (git's credential helpers key on protocol, host and path;
/// every credential git-https keeps is an `https` one).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Realm {
    /// `host[:port][/org]`, normalised: the form records, helper keys and messages use.
    full: String,
    /// Where `host[:port]` ends in `full`.
    host_end: usize,
}

impl Realm {
    /// `--host HOST[:PORT][/ORG]` as typed (a scheme and a trailing `/` allowed).
    pub fn parse(input: &str) -> Result<Realm, String> {
        let (host, org) = net::split_scope(input)?;
        Ok(Realm::new(&host, org.as_deref()))
    }

    /// A host (already normalised) and an optional organization.
    pub fn new(host: &str, org: Option<&str>) -> Realm {
        let full = match org {
            Some(o) => format!("{host}/{o}"),
            None => host.to_string(),
        };
        Realm {
            host_end: host.len(),
            full,
        }
    }

    /// A realm as a login record or a report holds it (`host[:port][/org]`, written by this
    /// type).
    pub fn from_record(scope: &str) -> Realm {
        let host = net::scope_host(scope);
        Realm::new(host, net::scope_org(scope))
    }

    /// `host[:port]`.
    pub fn host(&self) -> &str {
        &self.full[..self.host_end]
    }

    /// The host name alone (no port, no brackets around an IPv6 address).
    pub fn name(&self) -> &str {
        net::host_only(self.host())
    }

    /// The organization, which is also the user name its token is kept under.
    pub fn org(&self) -> Option<&str> {
        self.full.get(self.host_end + 1..)
    }

    /// The realm without its organization (the host that shares git's helpers with it).
    pub fn bare(&self) -> Realm {
        Realm::new(self.host(), None)
    }

    /// `https://host[:port][/org]`.
    pub fn url(&self) -> String {
        format!("https://{}", self.full)
    }

    pub fn as_str(&self) -> &str {
        &self.full
    }

    /// The realm a forge keeps tokens in: an organization only on Azure DevOps, and
    /// `dev.azure.com` only with one.
    pub fn for_forge(&self, forge: Option<Forge>) -> Result<(), String> {
        let azure = forge == Some(Forge::Azure);
        let host = self.host();
        match self.org() {
            Some(_) if !azure => Err(format!(
                "--host {host}/…: an organization goes with Azure DevOps (--forge azure) only"
            )),
            None if azure && host == "dev.azure.com" => Err(
                "Azure DevOps tokens are per organization: --host dev.azure.com/ORGANIZATION"
                    .to_string(),
            ),
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Realm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_host_port_and_organization_once() {
        let r = Realm::parse("https://GHE.corp:8443/").unwrap();
        assert_eq!(
            (r.host(), r.name(), r.org()),
            ("ghe.corp:8443", "ghe.corp", None)
        );
        let r = Realm::parse("dev.azure.com/contoso").unwrap();
        assert_eq!(
            (r.host(), r.org(), r.as_str()),
            ("dev.azure.com", Some("contoso"), "dev.azure.com/contoso")
        );
        assert_eq!(r.bare(), Realm::parse("dev.azure.com").unwrap());
        assert_eq!(r.url(), "https://dev.azure.com/contoso");
        assert_eq!(Realm::from_record(r.as_str()), r);
    }

    #[test]
    fn ipv6_name_drops_brackets() {
        let r = Realm::parse("[::1]:8443").unwrap();
        assert_eq!((r.host(), r.name()), ("[::1]:8443", "::1"));
    }

    #[test]
    fn refuses_what_is_not_a_host() {
        assert!(Realm::parse("a b").is_err());
        assert!(Realm::parse("github.com/-x").is_err());
    }

    #[test]
    fn a_token_as_the_host_is_refused_unshown() {
        let canary = "ghp_CANARYcanaryCANARYcanary0123456789ab";
        for input in [
            canary.to_string(),
            format!("{canary}/x"),
            format!("{canary}:8443"),
        ] {
            let e = Realm::parse(&input).unwrap_err();
            assert!(!e.to_ascii_lowercase().contains("canary"), "{e}");
        }
    }

    #[test]
    fn organizations_only_on_azure() {
        let org = Realm::parse("ghe.corp/team").unwrap();
        assert!(org.for_forge(Some(Forge::GitHub)).is_err());
        assert!(org.for_forge(Some(Forge::Azure)).is_ok());
        let bare = Realm::parse("dev.azure.com").unwrap();
        assert!(bare.for_forge(Some(Forge::Azure)).is_err());
        assert!(bare.for_forge(None).is_ok());
    }
}
