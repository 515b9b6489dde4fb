//! Pure: which account an HTTPS URL authenticates as, given the accounts logged in on its
//! host. git asks its helpers for the user name the URL carries; without one, a helper
//! answers with whichever of the host's accounts it finds first.

use crate::core::hosts::{url_account, url_host};
use crate::core::realm::Realm;

/// A login: the realm it is for and the account's name.
pub type Login = (Realm, String);

/// The account a URL will authenticate as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// The URL names the user (`https://alice@github.com/…`); `logged_in` says whether that
    /// account is one of the host's.
    Named { login: String, logged_in: bool },
    /// No user in the URL, and the host has this one account.
    Only(String),
    /// No user in the URL, and the host has several accounts: a helper picks one.
    Unnamed(Vec<String>),
    /// No account is logged in on the host.
    None,
}

impl Account {
    /// `accounts`: (realm, login) of every login, in any order, repeats allowed.
    /// A URL that holds a password, or a token as its user name, names no account: its
    /// user name is a secret, never shown.
    pub fn of(url: &str, accounts: &[Login]) -> Option<Account> {
        Account::with_scope(url, accounts).map(|(a, _)| a)
    }

    /// The realm a URL falls under: an organization's (`dev.azure.com/ORG`) when one is
    /// logged in and the URL is below it, else its host.
    pub fn scope_of(url: &str, accounts: &[Login]) -> Option<Realm> {
        let u = url::Url::parse(url).ok()?;
        Some(scope(&u, accounts))
    }

    /// [`Account::of`] and [`Account::scope_of`] from one reading of the URL.
    pub fn with_scope(url: &str, accounts: &[Login]) -> Option<(Account, Realm)> {
        if crate::core::url::parse(url).map_or(true, |p| p.leaks_credentials()) {
            return None;
        }
        let u = url::Url::parse(url).ok()?;
        let host = url_host(&u)?;
        let mut on_host: Vec<String> = accounts
            .iter()
            .filter(|(scope, l)| applies(scope, &host, u.path()) && !l.is_empty())
            .map(|(_, l)| l.clone())
            .collect();
        on_host.sort();
        on_host.dedup();
        let account = match url_account(&u) {
            Some(login) => Account::Named {
                logged_in: on_host.contains(&login),
                login,
            },
            None => match on_host.len() {
                0 => Account::None,
                1 => Account::Only(on_host.remove(0)),
                _ => Account::Unnamed(on_host),
            },
        };
        Some((account, scope(&u, accounts)))
    }

    /// The login, when it is known.
    pub fn login(&self) -> Option<&str> {
        match self {
            Account::Named { login, .. } | Account::Only(login) => Some(login),
            _ => None,
        }
    }

    pub fn how(&self) -> &'static str {
        match self {
            Account::Named {
                logged_in: true, ..
            } => "named",
            Account::Named { .. } => "named, not logged in",
            Account::Only(_) => "only",
            Account::Unnamed(_) => "unnamed",
            Account::None => "none",
        }
    }

    /// A warning to show about this remote, if any.
    pub fn warning(&self, realm: &Realm) -> Option<String> {
        let host = realm.as_str();
        match self {
            Account::Unnamed(all) => Some(format!(
                "{host} has several accounts ({}) and this URL names none: git gets whichever its helper answers first; name one with https://LOGIN@{host}/… (`git-https login --alias`, or `--map ALIAS=https://LOGIN@{host}`)",
                all.join(", ")
            )),
            Account::Named {
                login,
                logged_in: false,
            } => Some(format!(
                "the URL names {login}, who is not logged in on {host}: `git-https login --host {host}` with {login}'s token"
            )),
            _ => None,
        }
    }
}

/// The recorded organization a URL is below, else its host.
fn scope(u: &url::Url, accounts: &[Login]) -> Realm {
    let host = url_host(u).unwrap_or_default();
    accounts
        .iter()
        .find(|(realm, _)| realm.org().is_some() && applies(realm, &host, u.path()))
        .map_or_else(|| Realm::new(&host, None), |(realm, _)| realm.clone())
}

/// Whether a login's realm (`host`, or `host/ORG`, matched as git matches `credential.<url>`:
/// the path by whole segments) covers a URL on `host` with `path`.
fn applies(realm: &Realm, host: &str, path: &str) -> bool {
    realm.host().eq_ignore_ascii_case(host)
        && realm.org().is_none_or(|org| {
            path.strip_prefix('/')
                .and_then(|p| p.strip_prefix(org))
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accts(list: &[(&str, &str)]) -> Vec<Login> {
        list.iter()
            .map(|(h, l)| (Realm::from_record(h), l.to_string()))
            .collect()
    }

    #[test]
    fn the_url_user_wins() {
        let a = accts(&[("github.com", "alice"), ("github.com", "bob")]);
        assert_eq!(
            Account::of("https://bob@github.com/o/r.git", &a),
            Some(Account::Named {
                login: "bob".into(),
                logged_in: true
            })
        );
        assert_eq!(
            Account::of("https://carol@github.com/o/r.git", &a),
            Some(Account::Named {
                login: "carol".into(),
                logged_in: false
            })
        );
    }

    #[test]
    fn a_login_with_reserved_characters_is_decoded() {
        let a = accts(&[("bitbucket.org", "me@example.com")]);
        // As login --alias builds a tie.
        let mut base = url::Url::parse("https://bitbucket.org").unwrap();
        base.set_username("me@example.com").unwrap();
        assert_eq!(base.as_str(), "https://me%40example.com@bitbucket.org/");
        assert_eq!(
            Account::of(&format!("{base}o/r.git"), &a).unwrap().login(),
            Some("me@example.com")
        );
    }

    #[test]
    fn without_a_user_one_account_is_clear_and_two_are_not() {
        let one = accts(&[
            ("github.com", "alice"),
            ("gitlab.com", "bob"),
            ("github.com", "alice"),
        ]);
        assert_eq!(
            Account::of("https://github.com/o/r", &one),
            Some(Account::Only("alice".into()))
        );
        let two = accts(&[("github.com", "bob"), ("github.com", "alice")]);
        let got = Account::of("https://github.com/o/r", &two).unwrap();
        assert_eq!(got, Account::Unnamed(vec!["alice".into(), "bob".into()]));
        assert!(
            got.warning(&Realm::new("github.com", None))
                .unwrap()
                .contains("alice, bob")
        );
        assert_eq!(
            Account::of("https://example.com/o/r", &two),
            Some(Account::None)
        );
        assert_eq!(Account::of("not a url", &two), None);
        // A token as the user name, or a password: no account is shown.
        let legacy = "https://cafe0000cafe0000cafe0000cafe0000cafe0000@github.com/o/r";
        assert_eq!(Account::of(legacy, &two), None);
        assert_eq!(Account::of("https://u:pw@github.com/o/r", &two), None);
    }

    #[test]
    fn an_organization_covers_its_own_repositories() {
        let a = accts(&[
            ("dev.azure.com/contoso", "contoso"),
            ("dev.azure.com/fab", "fab"),
        ]);
        let url = "https://dev.azure.com/contoso/P/_git/r";
        assert_eq!(Account::of(url, &a), Some(Account::Only("contoso".into())));
        assert_eq!(
            Account::scope_of(url, &a),
            Some(Realm::new("dev.azure.com", Some("contoso")))
        );
        assert_eq!(
            Account::of("https://contoso@dev.azure.com/contoso/P/_git/r", &a),
            Some(Account::Named {
                login: "contoso".into(),
                logged_in: true
            })
        );
        let other = "https://dev.azure.com/contosox/P/_git/r";
        assert_eq!(Account::of(other, &a), Some(Account::None));
        assert_eq!(
            Account::scope_of(other, &a),
            Some(Realm::new("dev.azure.com", None))
        );
    }

    #[test]
    fn ports_are_part_of_the_host() {
        let a = accts(&[("ghe.corp:8443", "alice")]);
        assert_eq!(
            Account::of("https://ghe.corp:8443/o/r", &a),
            Some(Account::Only("alice".into()))
        );
        assert_eq!(Account::of("https://ghe.corp/o/r", &a), Some(Account::None));
    }
}
