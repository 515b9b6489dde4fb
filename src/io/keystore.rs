//! The OS keyring: Secret Service on Linux desktops, the kernel keyutils keyring where no Secret
//! Service answers, macOS Keychain, Windows Credential Manager. One entry per place git asks
//! about (`protocol://host[/path]`) holds every account stored there — user name, token, and
//! the attributes git passes along (`password_expiry_utc`, `oauth_refresh_token`) — matched the
//! way git's own helpers match (`credential_match`).

use anyhow::{Result, anyhow};

use crate::core::token::Secret;

const SERVICE: &str = "git-https";

/// Which store holds the entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    SecretService,
    Keyutils,
    /// macOS Keychain or Windows Credential Manager.
    Native,
}

impl Backend {
    pub fn describe(self) -> &'static str {
        match self {
            Backend::SecretService => "the Secret Service keyring",
            Backend::Keyutils => "the kernel keyring (keyutils)",
            Backend::Native => "the system keychain",
        }
    }
}

/// One account read back from (or put in) the keyring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub username: String,
    pub token: Secret,
    pub expiry: Option<String>,
    pub refresh: Option<Secret>,
}

impl Stored {
    pub fn new(username: &str, token: &Secret) -> Stored {
        Stored {
            username: username.to_string(),
            token: token.clone(),
            expiry: None,
            refresh: None,
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Account {
    username: String,
    token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expiry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh: Option<String>,
}

/// What an entry holds: several accounts, or (as written before) one.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum Blob {
    Accounts { accounts: Vec<Account> },
    One(Account),
}

/// Where git asks: `protocol://host[/path]` names one keyring entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub protocol: String,
    pub host: String,
    pub path: Option<String>,
}

impl Place {
    pub fn https(host: &str) -> Place {
        Place {
            protocol: "https".into(),
            host: host.to_string(),
            path: None,
        }
    }

    fn key(&self) -> String {
        match &self.path {
            Some(p) => format!("{}://{}/{p}", self.protocol, self.host),
            None => format!("{}://{}", self.protocol, self.host),
        }
    }
}

#[derive(Debug)]
pub struct Keystore {
    pub backend: Backend,
    /// Why the Secret Service was not used, when the kernel keyring was picked instead of it.
    pub fallback: Option<String>,
}

fn entry(key: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, key).map_err(|e| anyhow!("keyring: {e}"))
}

/// Only the Linux stores are probed (elsewhere the one native store is used as it is).
#[cfg(target_os = "linux")]
fn usable(e: &keyring::Error) -> bool {
    matches!(e, keyring::Error::NoEntry)
}

impl Keystore {
    /// Picks the store: `choice` (`secret-service` or `keyutils`, from `GIT_HTTPS_KEYRING`)
    /// if given, else the Secret Service when one answers, else keyutils.
    pub fn open(choice: Option<&str>) -> Result<Keystore> {
        #[cfg(target_os = "linux")]
        {
            let try_backend = |b: Backend| -> Result<Keystore> {
                let builder = match b {
                    Backend::SecretService => keyring::secret_service::default_credential_builder(),
                    _ => keyring::keyutils::default_credential_builder(),
                };
                keyring::set_default_credential_builder(builder);
                // A read of an entry that is not there proves the store answers.
                match entry("probe.invalid")?.get_password() {
                    Err(e) if !usable(&e) => Err(anyhow!("{} is not usable: {e}", b.describe())),
                    _ => Ok(Keystore {
                        backend: b,
                        fallback: None,
                    }),
                }
            };
            match choice {
                Some("secret-service") => try_backend(Backend::SecretService),
                Some("keyutils") => try_backend(Backend::Keyutils),
                Some(other) => Err(anyhow!(
                    "GIT_HTTPS_KEYRING={other:?}: expected secret-service or keyutils"
                )),
                None => try_backend(Backend::SecretService).or_else(|ss| {
                    match try_backend(Backend::Keyutils) {
                        Ok(k) => Ok(Keystore {
                            fallback: Some(format!("{ss:#}")),
                            ..k
                        }),
                        Err(ku) => Err(anyhow!("no OS keyring: {ss}; {ku}")),
                    }
                }),
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = choice;
            Ok(Keystore {
                backend: Backend::Native,
                fallback: None,
            })
        }
    }

    /// Every account stored at `place`, newest first.
    pub fn accounts(&self, place: &Place) -> Result<Vec<Stored>> {
        let key = place.key();
        match entry(&key)?.get_password() {
            Ok(text) => {
                let text = zeroize::Zeroizing::new(text);
                let blob: Blob = serde_json::from_str(text.as_str())
                    .map_err(|_| anyhow!("keyring entry for {key} is not one of git-https's"))?;
                let accounts = match blob {
                    Blob::Accounts { accounts } => accounts,
                    Blob::One(a) => vec![a],
                };
                Ok(accounts
                    .into_iter()
                    .map(|a| Stored {
                        username: a.username,
                        token: Secret::new(a.token),
                        expiry: a.expiry,
                        refresh: a.refresh.map(Secret::new),
                    })
                    .collect())
            }
            Err(keyring::Error::NoEntry) => Ok(Vec::new()),
            Err(e) => Err(anyhow!(
                "cannot read {} for {key}: {e}",
                self.backend.describe()
            )),
        }
    }

    /// Replaces what `place` holds with `accounts` (none: the entry goes).
    pub fn write(&self, place: &Place, accounts: &[Stored]) -> Result<()> {
        let key = place.key();
        if accounts.is_empty() {
            return match entry(&key)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(anyhow!(
                    "cannot delete from {} for {key}: {e}",
                    self.backend.describe()
                )),
            };
        }
        let blob = Blob::Accounts {
            accounts: accounts
                .iter()
                .map(|a| Account {
                    username: a.username.clone(),
                    token: a.token.expose().to_string(),
                    expiry: a.expiry.clone(),
                    refresh: a.refresh.as_ref().map(|r| r.expose().to_string()),
                })
                .collect(),
        };
        let text = zeroize::Zeroizing::new(serde_json::to_string(&blob)?);
        entry(&key)?
            .set_password(&text)
            .map_err(|e| anyhow!("cannot write to {} for {key}: {e}", self.backend.describe()))
    }

    /// The account at `place` for `username` (any user's, the first stored, without one).
    pub fn find(&self, place: &Place, username: Option<&str>) -> Result<Option<Stored>> {
        Ok(self
            .accounts(place)?
            .into_iter()
            .find(|a| username.is_none_or(|u| u == a.username)))
    }

    /// Stores `account` at `place`, replacing the same user's; the newest comes first, so a
    /// request without a user name gets it (as with git's store helper).
    pub fn store(&self, place: &Place, account: Stored) -> Result<()> {
        let mut all = self.accounts(place)?;
        all.retain(|a| a.username != account.username);
        all.insert(0, account);
        self.write(place, &all)
    }

    /// Removes the accounts at `place` that match (a user, a token: each only when given);
    /// how many went.
    pub fn erase(
        &self,
        place: &Place,
        username: Option<&str>,
        token: Option<&Secret>,
    ) -> Result<usize> {
        let all = self.accounts(place)?;
        let before = all.len();
        let keep: Vec<Stored> = all
            .into_iter()
            .filter(|a| {
                !(username.is_none_or(|u| u == a.username) && token.is_none_or(|t| *t == a.token))
            })
            .collect();
        let gone = before - keep.len();
        if gone > 0 {
            self.write(place, &keep)?;
        }
        Ok(gone)
    }

    /// Stores a token for `user` at `https://host`, first (another user's stays).
    pub fn set(&self, host: &str, username: &str, token: &Secret) -> Result<()> {
        self.store(&Place::https(host), Stored::new(username, token))
    }
}
