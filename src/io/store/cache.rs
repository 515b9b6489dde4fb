//! git's in-memory credential cache (`git credential-cache`), talked to directly.

use anyhow::Result;

use crate::core::credential::Credential;
use crate::core::helper::HelperLine;
use crate::core::realm::Realm;
use crate::io::git::Git;

use super::{Before, Storage, TokenStore};

/// Bounds reading the cache one answer at a time: a helper that does not erase would answer
/// the same one forever.
const MAX_ANSWERS: usize = 64;

pub struct CacheStore<'a> {
    pub git: &'a Git<'a>,
    /// Seconds a token put in is kept.
    pub timeout: u64,
}

impl CacheStore<'_> {
    fn line(&self) -> HelperLine {
        HelperLine::Cache {
            timeout: self.timeout,
        }
    }

    /// Takes every answer out, in the order the cache gives them (each erased by user and
    /// password to reach the next).
    fn take_all(&self, realm: &Realm, all: &mut Vec<Credential>) -> Result<()> {
        while all.len() < MAX_ANSWERS {
            let Some(c) = self.get(realm, None)? else {
                break;
            };
            if all.contains(&c) {
                break;
            }
            self.git.helper_direct(&self.line(), "erase", &c)?;
            all.push(c);
        }
        Ok(())
    }
}

impl TokenStore for CacheStore<'_> {
    fn storage(&self) -> Storage {
        Storage::Memory
    }

    fn get(&self, realm: &Realm, user: Option<&str>) -> Result<Option<Credential>> {
        super::helper_get(self.git, &self.line(), realm, user)
    }

    fn put(&self, cred: &Credential) -> Result<()> {
        self.git
            .helper_direct(&self.line(), "store", cred)
            .map(|_| ())
    }

    fn erase(&self, realm: &Realm, user: Option<&str>) -> Result<()> {
        let erase = Credential::for_host(realm.as_str(), user, None);
        self.git
            .helper_direct(&self.line(), "erase", &erase)
            .map(|_| ())
    }

    /// The cache can only be read one answer at a time: one user's entry is read without
    /// touching the others (their tokens and expiry stay as they are); everyone's are taken
    /// out and filled again at once, in the same order.
    fn snapshot(&self, realm: &Realm, user: Option<&str>) -> Result<Before> {
        if user.is_some() {
            return Ok(Before::Cache(
                user.map(str::to_string),
                self.get(realm, user)?.into_iter().collect(),
            ));
        }
        let mut all = Vec::new();
        let taken = self.take_all(realm, &mut all);
        let before = Before::Cache(None, all);
        // Filled again at once, also when reading stopped half-way.
        let put_back = self.restore(realm, &before);
        taken?;
        put_back?;
        Ok(before)
    }

    fn restore(&self, realm: &Realm, before: &Before) -> Result<()> {
        let Before::Cache(user, all) = before else {
            return Ok(());
        };
        super::erase(self, realm, user.as_deref())?;
        for c in all {
            self.put(c)?;
        }
        Ok(())
    }
}
