//! Installing the files git-https makes of itself (man pages, completions) under a prefix, and
//! asking `man` where it looks.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::atomic;

/// Writes `bytes` to `path` (readable by all, as installed documentation is), making its
/// folders first.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    atomic::replace(path, bytes, Some(0o644))
}

/// The folders `man` searches, as `manpath` says (it honours MANPATH, and adds `X/share/man`
/// for each `X/bin` on PATH); `None` when there is no `manpath` to ask.
pub fn man_search_path() -> Option<Vec<PathBuf>> {
    let out = Command::new("manpath")
        .arg("-q")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Some(
        text.trim()
            .split(':')
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .collect(),
    )
}

/// Whether two paths name the same folder (through symlinks, when both exist).
pub fn same_dir(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
