//! The OS keyring (`io::keystore`), with git-https as git's credential helper; read and put
//! back whole, every account of a host at once.

use anyhow::{Result, bail};

use crate::core::credential::Credential;
use crate::core::realm::Realm;
use crate::io::keystore::{self, Keystore};

use super::{Before, Storage, TokenStore};

pub struct KeyringStore {
    /// `GIT_HTTPS_KEYRING`: which backend, when not the default.
    pub choice: Option<String>,
}

impl KeyringStore {
    fn open(&self) -> Result<Keystore> {
        Keystore::open(self.choice.as_deref())
    }
}

impl TokenStore for KeyringStore {
    fn storage(&self) -> Storage {
        Storage::Keyring
    }

    fn get(&self, realm: &Realm, user: Option<&str>) -> Result<Option<Credential>> {
        let found = self
            .open()?
            .find(&keystore::Place::https(realm.host()), user)?;
        Ok(found.map(|s| Credential {
            username: Some(s.username),
            password_expiry_utc: s.expiry,
            oauth_refresh_token: s.refresh,
            ..Credential::for_host(realm.host(), None, Some(&s.token))
        }))
    }

    fn put(&self, cred: &Credential) -> Result<()> {
        let (Some(host), Some(user), Some(token)) = (&cred.host, &cred.username, &cred.password)
        else {
            bail!("incomplete credential");
        };
        self.open()?.set(host, user, token)
    }

    fn erase(&self, realm: &Realm, user: Option<&str>) -> Result<()> {
        self.open()?
            .erase(&keystore::Place::https(realm.host()), user, None)
            .map(|_| ())
    }

    fn snapshot(&self, realm: &Realm, _user: Option<&str>) -> Result<Before> {
        Ok(Before::Keyring(
            self.open()?
                .accounts(&keystore::Place::https(realm.host()))?,
        ))
    }

    fn restore(&self, realm: &Realm, before: &Before) -> Result<()> {
        match before {
            Before::Keyring(accounts) => self
                .open()?
                .write(&keystore::Place::https(realm.host()), accounts),
            _ => Ok(()),
        }
    }
}
