//! git's plain-text store file (`git credential-store --file=F`), talked to directly; the file
//! made and kept owner-only (0600), and put back whole, atomically, on a rollback.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use crate::core::credential::Credential;
use crate::core::helper::HelperLine;
use crate::core::realm::Realm;
use crate::io::git::Git;
use crate::io::{atomic, platform};

use super::{Before, Storage, TokenStore};

pub struct FileStore<'a> {
    pub git: &'a Git<'a>,
    /// Absolute.
    pub file: PathBuf,
}

impl FileStore<'_> {
    fn line(&self) -> HelperLine {
        HelperLine::Store {
            file: Some(self.file.clone()),
        }
    }
}

impl TokenStore for FileStore<'_> {
    fn storage(&self) -> Storage {
        Storage::Store(self.file.clone())
    }

    fn get(&self, realm: &Realm, user: Option<&str>) -> Result<Option<Credential>> {
        if !self.file.is_file() {
            return Ok(None);
        }
        super::helper_get(self.git, &self.line(), realm, user)
    }

    fn put(&self, cred: &Credential) -> Result<()> {
        self.git
            .helper_direct(&self.line(), "store", cred)
            .map(|_| ())
    }

    fn erase(&self, realm: &Realm, user: Option<&str>) -> Result<()> {
        if !self.file.is_file() {
            return Ok(());
        }
        let erase = Credential::for_host(realm.as_str(), user, None);
        self.git
            .helper_direct(&self.line(), "erase", &erase)
            .map(|_| ())
    }

    /// The whole file, bytes and mode: put back as it was, whatever the login changed.
    fn snapshot(&self, _realm: &Realm, _user: Option<&str>) -> Result<Before> {
        let f = &self.file;
        Ok(Before::File(match fs::read(f) {
            // Where the OS has no modes, the file is put back owner-only.
            Ok(bytes) => Some((
                zeroize::Zeroizing::new(bytes),
                platform::file_mode(&fs::metadata(f)?).unwrap_or(0o600),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(anyhow!("cannot read {}: {e}", f.display())),
        }))
    }

    fn restore(&self, _realm: &Realm, before: &Before) -> Result<()> {
        let f = &self.file;
        match before {
            Before::File(None) => match fs::remove_file(f) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    Err(anyhow!("cannot remove {}: {e}", f.display()))
                }
                _ => Ok(()),
            },
            // The file is old or new, never half (through a symlink, the file it names).
            Before::File(Some((bytes, mode))) => atomic::replace(f, bytes, Some(*mode))
                .map_err(|e| anyhow!("cannot put back {}: {e}", f.display())),
            _ => Ok(()),
        }
    }
}

/// A `--file` for the store: a regular file, or a path where one can be made (created 0600).
/// Returns whether it was created.
pub fn prepare(file: &Path) -> Result<bool> {
    match fs::symlink_metadata(file) {
        Ok(m) if m.is_file() => Ok(false),
        Ok(m) if m.file_type().is_symlink() => match fs::metadata(file) {
            Ok(t) if t.is_file() => Ok(false),
            _ => bail!(
                "{}: a symlink to something that is not a regular file",
                file.display()
            ),
        },
        Ok(m) => {
            let what = if m.is_dir() {
                "a directory"
            } else if platform::is_fifo_or_socket(&m.file_type()) {
                "a pipe or socket"
            } else {
                "not a regular file"
            };
            bail!(
                "{}: {what}; --file names the file to store the token in",
                file.display()
            )
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            platform::create_new_private(file)
                .with_context(|| format!("cannot create {}", file.display()))?;
            Ok(true)
        }
        Err(e) => Err(e).with_context(|| format!("cannot use {}", file.display())),
    }
}

/// The file's permission bits (rwx for owner, group, others), if it can be read and the OS
/// has them.
pub fn mode(file: &Path) -> Option<u32> {
    fs::metadata(file)
        .ok()
        .and_then(|m| platform::file_mode(&m))
        .map(|m| m & 0o777)
}

/// Makes the store file 0600; returns its looser mode when it had one. Where the OS has no
/// unix modes there is nothing to tighten here.
pub fn secure(file: &Path) -> Result<Option<u32>> {
    let meta = fs::metadata(file)
        .with_context(|| format!("git credential-store did not write {}", file.display()))?;
    let Some(mode) = platform::file_mode(&meta).map(|m| m & 0o777) else {
        return Ok(None);
    };
    if mode == 0o600 {
        return Ok(None);
    }
    platform::set_mode(file, 0o600).with_context(|| format!("cannot chmod {}", file.display()))?;
    Ok(Some(mode))
}

/// Removes a store file made for a login that failed, if nothing was left in it.
pub fn remove_if_empty(file: &Path) {
    if fs::metadata(file).is_ok_and(|m| m.len() == 0) {
        // Best effort, on the way out of a rollback: a file left empty holds no token.
        let _ = fs::remove_file(file);
    }
}
