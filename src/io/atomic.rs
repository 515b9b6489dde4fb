//! One atomic file replace: the new content is written beside the file and renamed over it.
//!
//! A reader sees the old file or the new one, never half of either: the bytes go to a temp
//! file in the same folder (a rename does not cross file systems), are synced, and the temp
//! file is renamed over the target. Through a symlink (a dotfiles checkout), the file it names
//! is replaced and the link stays.
//!
//! Repository configs do not come here: they follow git's own `config.lock` protocol (lock,
//! re-read under the lock, rename), in `io::repo`.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::platform;

/// Replaces the file at `path` with `bytes`. `mode`: the new file's permission bits; `None`
/// keeps the permissions of the file replaced, or, for a new file, makes it its owner's only
/// (0600 on unix: settings and records may name private things).
pub fn replace(path: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    replace_here(&target(path), bytes, mode)
}

/// As [`replace`], but a symlink at `path` is itself replaced, never written through: for
/// git-https's own files, where a link can only have been planted.
pub fn replace_here(path: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    // A temp file starts owner-only, so the content is never more readable than it will be.
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    match mode {
        Some(m) => platform::set_file_mode(tmp.as_file(), m)?,
        None => {
            // A link's target's mode is not this file's.
            if let Ok(meta) = fs::symlink_metadata(path)
                && meta.is_file()
            {
                tmp.as_file().set_permissions(meta.permissions())?;
            }
        }
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The file a write to `path` lands in: a symlink's target (resolved), else `path` itself.
fn target(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg_attr(not(unix), allow(dead_code))]
    fn mode(p: &Path) -> Option<u32> {
        platform::file_mode(&fs::metadata(p).unwrap())
    }

    #[test]
    fn replaces_keeping_or_setting_the_mode() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        replace(&f, b"one", None).unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"one");
        #[cfg(unix)]
        assert_eq!(mode(&f), Some(0o600));
        platform::set_mode(&f, 0o640).unwrap();
        replace(&f, b"two", None).unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"two");
        #[cfg(unix)]
        assert_eq!(mode(&f), Some(0o640));
        replace(&f, b"three", Some(0o604)).unwrap();
        #[cfg(unix)]
        assert_eq!(mode(&f), Some(0o604));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn writes_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        let link = dir.path().join("link");
        fs::write(&real, b"old").unwrap();
        platform::symlink_file(&real, &link).unwrap();
        replace(&link, b"new", None).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"new");
    }

    #[test]
    fn replace_here_replaces_a_link_not_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        let link = dir.path().join("record");
        fs::write(&victim, b"[]").unwrap();
        platform::symlink_file(&victim, &link).unwrap();
        replace_here(&link, b"new", Some(0o600)).unwrap();
        assert!(
            !fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&link).unwrap(), b"new");
        assert_eq!(fs::read(&victim).unwrap(), b"[]");
    }
}
