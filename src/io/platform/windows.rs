//! The Windows implementation of the platform API: what has no Windows counterpart (modes,
//! owners, process groups, termios) is a no-op or `None`, as each item says.

use std::borrow::Cow;
use std::ffi::{OsStr, OsString};
use std::fs::{self, File, FileType, Metadata, OpenOptions};
use std::io;
use std::os::windows::ffi::{OsStrExt, OsStringExt};
use std::path::Path;
use std::process::Command;

/// No unix modes: a file's access is its ACL, which git-https does not read.
pub fn file_mode(_meta: &Metadata) -> Option<u32> {
    None
}

/// No unix modes: the ACL inherited from the folder stays (a per-user profile folder is
/// already private to its user).
pub fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// As [`set_mode`]: nothing to set.
pub fn set_file_mode(_file: &File, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// As [`set_mode`]: the new file gets its folder's ACL.
pub fn create_mode(opts: &mut OpenOptions, _mode: u32) -> &mut OpenOptions {
    opts
}

/// Windows has named pipes, but not in the file system a path names.
pub fn is_fifo_or_socket(_t: &FileType) -> bool {
    false
}

/// Windows has no O_NOFOLLOW: the link is looked at first, then the file opened (a link made
/// in between is followed; unix closes that gap).
pub fn open_read_nofollow(path: &Path) -> io::Result<Option<File>> {
    if fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Ok(None);
    }
    OpenOptions::new().read(true).open(path).map(Some)
}

/// Windows has no FIFOs in the file system: the file is opened, then checked.
pub fn open_read_regular(path: &Path) -> io::Result<File> {
    let f = OpenOptions::new().read(true).open(path)?;
    let t = f.metadata()?.file_type();
    if t.is_file() {
        Ok(f)
    } else {
        Err(super::not_regular(t))
    }
}

/// Without O_NOFOLLOW the link is looked at first, then the file opened (as in
/// [`open_read_nofollow`]).
pub fn open_lock(path: &Path) -> io::Result<File> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => return Err(super::symlink_refused()),
        Ok(m) if !m.is_file() => return Err(super::not_regular(m.file_type())),
        _ => {}
    }
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// No O_NOFOLLOW here: the path is looked at first (a link made in between is a gap).
pub fn open_own_rw(path: &Path) -> io::Result<File> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => return Err(super::symlink_refused()),
        Ok(m) if !m.is_file() => return Err(super::not_regular(m.file_type())),
        _ => {}
    }
    OpenOptions::new().read(true).write(true).open(path)
}

/// No FIFOs, devices or sockets in the file system a path names.
pub fn special_kind(_t: &FileType) -> Option<&'static str> {
    None
}

/// Needs Developer Mode or the symlink privilege, as Windows symlinks do.
#[cfg(test)]
pub fn symlink_file(original: &Path, link: &Path) -> io::Result<()> {
    std::os::windows::fs::symlink_file(original, link)
}

/// No unix owners (a file's owner is a SID).
pub fn owner(_meta: &Metadata) -> Option<(u32, u32)> {
    None
}

/// No unix owners: never needed, since [`owner`] never names one.
pub fn chown_file(_file: &File, _uid: u32, _gid: u32) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no unix owners on Windows",
    ))
}

/// No unix user ids.
pub fn euid() -> Option<u32> {
    None
}

/// No umask.
pub fn umask() -> Option<u32> {
    None
}

/// Skipped: Windows has no unix process groups; a console Ctrl-C reaches every process
/// attached to the console, the child too.
pub fn own_process_group(cmd: &mut Command) -> &mut Command {
    cmd
}

/// Nothing saved: a console's input modes are not termios, and restoring them would take the
/// console API (`SetConsoleMode`), which is not wrapped here.
pub struct TermState;

/// Skipped: see [`TermState`].
pub fn save_terminal() -> Option<TermState> {
    None
}

/// Skipped: see [`TermState`].
pub fn restore_terminal(_s: &TermState) {}

/// A Windows path is UTF-16 (possibly unpaired surrogates): its code units, little-endian,
/// are lossless.
pub fn os_str_bytes(s: &OsStr) -> Cow<'_, [u8]> {
    Cow::Owned(s.encode_wide().flat_map(u16::to_le_bytes).collect())
}

/// The reverse of [`os_str_bytes`]; an odd number of bytes is no UTF-16 path.
pub fn os_string_from_bytes(bytes: Vec<u8>) -> Option<OsString> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let wide: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    Some(OsString::from_wide(&wide))
}
