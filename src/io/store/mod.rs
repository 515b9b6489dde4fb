//! The places a token is kept for git, behind one trait: git's cache daemon (`cache`), git's
//! store file (`file`) and the OS keyring (`keyring`). The login transaction works over
//! `dyn TokenStore`, so another store (a helper of its own) is one more file here and one
//! variant of [`Storage`], which names it in the login record.

pub mod cache;
pub mod file;
pub mod keyring;

use std::path::PathBuf;

use anyhow::Result;

use crate::core::cache::CacheMode;
use crate::core::credential::Credential;
use crate::core::helper::HelperLine;
use crate::core::realm::Realm;
use crate::env::Env;
use crate::io::git::{Git, default_store_file};
use crate::io::keystore::Stored;
use crate::io::logins::{Mode, Place};

/// Which place a token is kept in: what the login record says and messages name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// git's credential-cache daemon.
    Memory,
    /// git's credential-store file (absolute).
    Store(PathBuf),
    Keyring,
}

impl Storage {
    pub fn mode(&self) -> CacheMode {
        match self {
            Storage::Memory => CacheMode::Memory,
            Storage::Store(_) => CacheMode::Store,
            Storage::Keyring => CacheMode::Keyring,
        }
    }

    /// The place a helper line stores into (the `Reset` line stores nowhere).
    pub fn of_line(line: &HelperLine, env: &Env) -> Option<Storage> {
        match line {
            HelperLine::Reset => None,
            HelperLine::Cache { .. } => Some(Storage::Memory),
            HelperLine::Store { file } => Some(Storage::Store(
                file.clone().unwrap_or_else(|| default_store_file(env)),
            )),
            HelperLine::Keyring { .. } => Some(Storage::Keyring),
        }
    }

    /// The place a login record names (a store record without its file names none).
    pub fn of_place(p: &Place) -> Option<Storage> {
        let Mode::Known(mode) = &p.mode else {
            return None;
        };
        match (mode, &p.file) {
            (CacheMode::Memory, _) => Some(Storage::Memory),
            (CacheMode::Store, Some(f)) => Some(Storage::Store(f.clone())),
            (CacheMode::Store, None) => None,
            (CacheMode::Keyring, _) => Some(Storage::Keyring),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Storage::Memory => "git's credential cache".to_string(),
            Storage::Store(f) => f.display().to_string(),
            Storage::Keyring => "the OS keyring".to_string(),
        }
    }

    /// The store itself. `helper` is the line the login writes: the cache keeps a token for
    /// its timeout (900 seconds, git's default, when the line is another one's).
    pub fn open<'a>(
        &self,
        git: &'a Git<'a>,
        env: &'a Env,
        helper: &HelperLine,
    ) -> Box<dyn TokenStore + 'a> {
        match self {
            Storage::Memory => Box::new(cache::CacheStore {
                git,
                timeout: match helper {
                    HelperLine::Cache { timeout } => *timeout,
                    _ => 900,
                },
            }),
            Storage::Store(f) => Box::new(file::FileStore {
                git,
                file: f.clone(),
            }),
            Storage::Keyring => Box::new(keyring::KeyringStore {
                choice: env.keyring_choice.clone(),
            }),
        }
    }
}

/// Everything a store held for one realm before a login, to put back exactly.
pub enum Before {
    /// Every account at `https://host`.
    Keyring(Vec<Stored>),
    /// The store file's bytes and mode (`None`: there was no file).
    File(Option<(zeroize::Zeroizing<Vec<u8>>, u32)>),
    /// What git's cache answered: for one user (`Some`), or every answer for the host, in the
    /// order it gives them.
    Cache(Option<String>, Vec<Credential>),
}

/// One place that keeps tokens for git.
pub trait TokenStore {
    fn storage(&self) -> Storage;

    /// What it holds for the realm and `user` (whoever's it finds first without one).
    fn get(&self, realm: &Realm, user: Option<&str>) -> Result<Option<Credential>>;

    /// Puts `cred` (protocol, host, user name and token) in.
    fn put(&self, cred: &Credential) -> Result<()>;

    /// Removes the realm's token for `user`, or whoever's without one (callers name an
    /// organization's own user, see [`erase`]).
    fn erase(&self, realm: &Realm, user: Option<&str>) -> Result<()>;

    /// Takes what it holds for the realm (for `user` alone, or for everyone), to be put back
    /// by [`TokenStore::restore`].
    fn snapshot(&self, realm: &Realm, user: Option<&str>) -> Result<Before>;

    /// Puts back exactly what [`TokenStore::snapshot`] took (what is there now goes).
    fn restore(&self, realm: &Realm, before: &Before) -> Result<()>;
}

/// Removes the realm's token for `user` from `store`. An organization shares its host with
/// other organizations: only its own user name (the organization) is ever removed there.
pub fn erase(store: &dyn TokenStore, realm: &Realm, user: Option<&str>) -> Result<()> {
    store.erase(realm, user.or(realm.org()))
}

/// What `store` holds for the realm and `user`, asked as [`erase`] removes it.
pub fn get(
    store: &dyn TokenStore,
    realm: &Realm,
    user: Option<&str>,
) -> Result<Option<Credential>> {
    store.get(realm, user.or(realm.org()))
}

/// What one of git's own helpers (`line`) answers to `get` for the realm and user, or `None`
/// without a token. Helpers answer without the protocol and host: they are put back, so that
/// what was held can be stored again on a rollback.
fn helper_get(
    git: &Git,
    line: &HelperLine,
    realm: &Realm,
    user: Option<&str>,
) -> Result<Option<Credential>> {
    let out = git.helper_direct(
        line,
        "get",
        &Credential::for_host(realm.as_str(), user, None),
    )?;
    let c = Credential::parse(&out);
    Ok(c.password.is_some().then(|| Credential {
        protocol: Some("https".into()),
        host: Some(realm.host().to_string()),
        path: None,
        ..c
    }))
}
