//! The record of where `login` put each host's token (never the token): which cache mode, which
//! store file, which scope. `logout` and a later `login` read it to remove the token from every
//! place git-https may have put it, whatever the helper lines say by then.
//!
//! One JSON file, `$XDG_STATE_HOME/git-https/logins.json`, mode 0600, replaced atomically.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::core::cache::CacheMode;

use super::platform;

/// One place a token was stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub host: String,
    /// `global`, or the repository's path for `--local`.
    pub scope: String,
    /// How git remembers the token there.
    pub mode: Mode,
    /// The store file (`store` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    pub user: String,
    pub time: String,
}

/// A record's cache mode: one this version knows, or another (a hand edit, a later version's
/// store), kept as written and matched to no place, so that one such record does not make the
/// whole file unreadable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Mode {
    Known(CacheMode),
    Other(String),
}

pub struct Logins {
    path: PathBuf,
}

impl Logins {
    pub fn new(state_dir: &Path) -> Logins {
        Logins {
            path: state_dir.join("logins.json"),
        }
    }

    /// Takes the lock every login and logout holds for its whole transaction, so two at once
    /// cannot interleave their helper lines and records (waits for the other to finish).
    pub fn lock(&self) -> Result<fs::File> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = self.path.with_extension("lock");
        // Created 0600 from the start; a symlink planted there is refused, never followed.
        let f = platform::open_lock(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        f.lock()
            .with_context(|| format!("cannot lock {}", path.display()))?;
        Ok(f)
    }

    /// Every recorded place; an unreadable record is an error naming the file.
    pub fn load(&self) -> Result<Vec<Place>> {
        match read_record(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).with_context(|| {
                format!(
                    "{}: not a git-https login record (remove it; it holds no secret)",
                    self.path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", self.path.display())),
        }
    }

    /// Places for `host` in `scope`.
    pub fn for_host(&self, host: &str, scope: &str) -> Result<Vec<Place>> {
        Ok(self
            .load()?
            .into_iter()
            .filter(|p| p.host == host && p.scope == scope)
            .collect())
    }

    /// Replaces the places of (`host`, `scope`) with `now`.
    pub fn set(&self, host: &str, scope: &str, now: Vec<Place>) -> Result<()> {
        let mut all = self.load()?;
        all.retain(|p| !(p.host == host && p.scope == scope));
        all.extend(now);
        self.save(&all)
    }

    fn save(&self, all: &[Place]) -> Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        // The record is git-https's own file: a link planted at its path is replaced, never
        // written through (and `load` has refused it already).
        crate::io::atomic::replace_here(&self.path, &serde_json::to_vec_pretty(all)?, Some(0o600))
            .with_context(|| format!("cannot write {}", self.path.display()))
    }
}

/// A record larger than this is no record of git-https's (one is a few hundred bytes a host).
const RECORD_LIMIT: u64 = 16 << 20;

/// The record's bytes: a regular file at `path` itself, never a link's target.
fn read_record(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let Some(f) = platform::open_read_nofollow(path)? else {
        return Err(platform::symlink_refused());
    };
    let t = f.metadata()?.file_type();
    if !t.is_file() {
        return Err(platform::not_regular(t));
    }
    let mut bytes = Vec::new();
    f.take(RECORD_LIMIT).read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_replaces_one_host_and_scope() {
        let dir = tempfile::tempdir().unwrap();
        let l = Logins::new(dir.path());
        use crate::core::cache::CacheMode;
        let place = |host: &str, mode: CacheMode| Place {
            host: host.into(),
            scope: "global".into(),
            mode: Mode::Known(mode),
            file: None,
            user: "u".into(),
            time: "t".into(),
        };
        l.set("a", "global", vec![place("a", CacheMode::Store)])
            .unwrap();
        l.set("b", "global", vec![place("b", CacheMode::Memory)])
            .unwrap();
        l.set("a", "global", vec![place("a", CacheMode::Keyring)])
            .unwrap();
        assert_eq!(
            l.for_host("a", "global").unwrap(),
            vec![place("a", CacheMode::Keyring)]
        );
        l.set("a", "global", vec![]).unwrap();
        assert_eq!(l.load().unwrap(), vec![place("b", CacheMode::Memory)]);
        #[cfg(unix)]
        assert_eq!(
            platform::file_mode(&fs::metadata(dir.path().join("logins.json")).unwrap()),
            Some(0o600)
        );
    }

    #[test]
    fn a_mode_this_version_does_not_know_is_kept_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let l = Logins::new(dir.path());
        fs::write(
            dir.path().join("logins.json"),
            r#"[{"host":"a","scope":"global","mode":"vault","user":"u","time":"t"},
               {"host":"b","scope":"global","mode":"store","file":"/f","user":"u","time":"t"}]"#,
        )
        .unwrap();
        let all = l.load().unwrap();
        assert_eq!(all[0].mode, Mode::Other("vault".into()));
        assert_eq!(all[1].mode, Mode::Known(CacheMode::Store));
        l.set("b", "global", vec![]).unwrap();
        let raw = fs::read_to_string(dir.path().join("logins.json")).unwrap();
        assert!(raw.contains(r#""mode": "vault""#), "{raw}");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_record_or_the_lock_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let l = Logins::new(dir.path());
        let victim = dir.path().join("victim");
        fs::write(&victim, "[]").unwrap();
        platform::symlink_file(&victim, &dir.path().join("logins.json")).unwrap();
        let e = format!("{:#}", l.set("a", "global", vec![]).unwrap_err());
        assert!(
            e.contains("logins.json") && e.contains("symbolic link"),
            "{e}"
        );
        platform::symlink_file(&dir.path().join("nothing"), &dir.path().join("logins.lock"))
            .unwrap();
        let e = format!("{:#}", l.lock().unwrap_err());
        assert!(
            e.contains("logins.lock") && e.contains("symbolic link"),
            "{e}"
        );
        assert!(!dir.path().join("nothing").exists());
        assert_eq!(fs::read_to_string(&victim).unwrap(), "[]");
    }
}
