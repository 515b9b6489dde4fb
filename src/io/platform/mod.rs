//! Every OS-specific call git-https makes, behind one small API: `unix.rs` implements it, and
//! `windows.rs` fills the same slot with what Windows can honestly offer (no modes, no owners,
//! no process groups, no termios: those calls are no-ops or answer `None`, and say so).
//!
//! Nothing outside this module names `std::os::unix` or `rustix`: a port touches these files.
//! The API is written out here once, so both implementations must match it.

use std::borrow::Cow;
use std::ffi::{OsStr, OsString};
use std::fs::{File, FileType, Metadata, OpenOptions};
use std::io;
use std::path::Path;
use std::process::Command;

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as sys;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as sys;

// ---- File modes ----

/// The permission bits of a file (`0o7777`: rwx for owner, group, others, and the setuid,
/// setgid and sticky bits); `None` where the OS has no unix modes.
pub fn file_mode(meta: &Metadata) -> Option<u32> {
    sys::file_mode(meta)
}

/// Sets the permission bits of the file at `path` (following a symlink, as chmod does).
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    sys::set_mode(path, mode)
}

/// Sets the permission bits of an open file.
pub fn set_file_mode(file: &File, mode: u32) -> io::Result<()> {
    sys::set_file_mode(file, mode)
}

/// The mode a file created through `opts` gets (the umask still takes its bits away).
pub fn create_mode(opts: &mut OpenOptions, mode: u32) -> &mut OpenOptions {
    sys::create_mode(opts, mode)
}

/// Creates a new file at `path` for writing, readable by its owner only (0600); fails if
/// something is there already.
pub fn create_new_private(path: &Path) -> io::Result<File> {
    create_mode(OpenOptions::new().write(true).create_new(true), 0o600).open(path)
}

/// A named pipe or a socket: something that is neither a file nor a folder to write a token to.
pub fn is_fifo_or_socket(file_type: &FileType) -> bool {
    sys::is_fifo_or_socket(file_type)
}

// ---- Symlinks ----

/// Opens `path` for reading without following it when it is a symlink: `Ok(None)` then, so
/// the caller can write through the link's target deliberately. A FIFO opens without
/// blocking: the caller checks that what it opened is a regular file.
pub fn open_read_nofollow(path: &Path) -> io::Result<Option<File>> {
    sys::open_read_nofollow(path)
}

// ---- Files that may be hostile ----

/// Opens `path` (following links) for reading only if it is a regular file: a FIFO, a device
/// (`/dev/zero`), a socket or a folder is an error saying so, and opening never blocks.
pub fn open_read_regular(path: &Path) -> io::Result<File> {
    sys::open_read_regular(path)
}

/// The bytes of the regular file at `path`, at most `limit` of them: a longer file is an
/// error naming the limit, so no file read takes the memory with it.
pub fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let f = open_read_regular(path)?;
    let mut bytes = Vec::new();
    f.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {} KiB", limit / 1024),
        ));
    }
    Ok(bytes)
}

/// Opens (creating it 0600 from the start, never truncating) the lock file at `path`, which
/// must be a regular file git-https may lock: a symlink planted there is refused, never
/// followed, so no file elsewhere is created or opened through it; a FIFO never blocks.
pub fn open_lock(path: &Path) -> io::Result<File> {
    sys::open_lock(path)
}

/// Opens an existing file of git-https's own (a journal run) to read and append to it: never
/// through a symlink planted at its path (refused, naming it), never a FIFO or device.
pub fn open_own_rw(path: &Path) -> io::Result<File> {
    sys::open_own_rw(path)
}

/// The error for a symlink found where git-https makes a file of its own.
pub fn symlink_refused() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "a symbolic link, not followed (git-https makes this file itself; remove the link)",
    )
}

/// What a path that is no regular file is, in the error that says so.
pub fn not_regular(file_type: FileType) -> io::Error {
    let what = if file_type.is_dir() {
        "a folder"
    } else {
        sys::special_kind(&file_type).unwrap_or("not a file")
    };
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("not a regular file ({what})"),
    )
}

/// Makes `link` a symlink to the file `original` (tests build symlinked configs with it).
#[cfg(test)]
pub fn symlink_file(original: &Path, link: &Path) -> io::Result<()> {
    sys::symlink_file(original, link)
}

// ---- Ownership ----

/// The user and group ids owning a file; `None` where the OS has no unix owners.
pub fn owner(meta: &Metadata) -> Option<(u32, u32)> {
    sys::owner(meta)
}

/// Gives an open file to user `uid` and group `gid` (a lock file that replaces a file owned by
/// someone else keeps that owner).
pub fn chown_file(file: &File, uid: u32, gid: u32) -> io::Result<()> {
    sys::chown_file(file, uid, gid)
}

/// The effective user id of this process, where the OS tells it.
pub fn euid() -> Option<u32> {
    sys::euid()
}

/// The process umask (the mode bits a new file does not get), where the OS tells it.
pub fn umask() -> Option<u32> {
    sys::umask()
}

// ---- Child processes ----

/// Starts the child in a process group of its own: a Ctrl-C at the terminal reaches only
/// git-https, which decides how the child's work ends.
pub fn own_process_group(cmd: &mut Command) -> &mut Command {
    sys::own_process_group(cmd)
}

// ---- Terminal ----

/// The terminal's settings (echo, line mode) at one moment, to put back later.
pub struct TermState(sys::TermState);

/// The settings of the terminal on stdin, else on stderr; `None` without a terminal.
pub fn save_terminal() -> Option<TermState> {
    sys::save_terminal().map(TermState)
}

/// Puts back settings taken by [`save_terminal`] (a hidden-input prompt turns echo off, and an
/// exit mid-prompt would leave it off). Best effort: it runs on the way out.
pub fn restore_terminal(state: &TermState) {
    sys::restore_terminal(&state.0)
}

// ---- Paths as bytes ----

/// A path's exact bytes, for a path that is not UTF-8 (the journal keeps them so).
pub fn os_str_bytes(s: &OsStr) -> Cow<'_, [u8]> {
    sys::os_str_bytes(s)
}

/// The path [`os_str_bytes`] gave these bytes for; `None` if no path encodes to them.
pub fn os_string_from_bytes(bytes: Vec<u8>) -> Option<OsString> {
    sys::os_string_from_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_bytes_round_trip() {
        let p = OsStr::new("dir/naïve");
        let bytes = os_str_bytes(p).into_owned();
        assert_eq!(os_string_from_bytes(bytes).as_deref(), Some(p));
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_bytes_are_kept() {
        let bytes = vec![b'a', 0xff, b'b'];
        let s = os_string_from_bytes(bytes.clone()).unwrap();
        assert_eq!(os_str_bytes(&s).as_ref(), &bytes[..]);
    }

    #[cfg(unix)]
    #[test]
    fn modes_and_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        let f = create_new_private(&file).unwrap();
        assert!(create_new_private(&file).is_err());
        assert_eq!(file_mode(&f.metadata().unwrap()), Some(0o600));
        set_mode(&file, 0o640).unwrap();
        assert_eq!(file_mode(&std::fs::metadata(&file).unwrap()), Some(0o640));
        set_file_mode(&f, 0o604).unwrap();
        assert_eq!(file_mode(&f.metadata().unwrap()), Some(0o604));
        let link = dir.path().join("l");
        symlink_file(&file, &link).unwrap();
        assert!(open_read_nofollow(&link).unwrap().is_none());
        assert!(open_read_nofollow(&file).unwrap().is_some());
        assert!(open_read_nofollow(&dir.path().join("none")).is_err());
        assert!(owner(&f.metadata().unwrap()).is_some());
        assert!(!is_fifo_or_socket(&f.metadata().unwrap().file_type()));
    }

    #[cfg(unix)]
    #[test]
    fn hostile_files_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()));
        let why = |r: io::Result<Vec<u8>>| r.unwrap_err().to_string();
        assert_eq!(
            why(read_regular(&fifo, 10)),
            "not a regular file (a named pipe)"
        );
        assert_eq!(
            why(read_regular(Path::new("/dev/zero"), 10)),
            "not a regular file (a device)"
        );
        assert!(why(read_regular(dir.path(), 10)).contains("a folder"));
        let file = dir.path().join("f");
        std::fs::write(&file, b"0123456789").unwrap();
        assert_eq!(read_regular(&file, 10).unwrap(), b"0123456789");
        assert!(why(read_regular(&file, 9)).contains("larger than"));
        // A lock: a FIFO there is refused at once, with or without a reader.
        assert!(why(open_lock(&fifo).map(|_| Vec::new())).contains("named pipe"));
    }

    #[cfg(unix)]
    #[test]
    fn a_lock_is_made_private_never_through_a_link_and_never_truncated() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("x.lock");
        let f = open_lock(&lock).unwrap();
        assert_eq!(file_mode(&f.metadata().unwrap()).unwrap() & 0o077, 0);
        std::fs::write(&lock, b"kept").unwrap();
        drop(open_lock(&lock).unwrap());
        assert_eq!(std::fs::read(&lock).unwrap(), b"kept");
        let victim = dir.path().join("victim");
        let link = dir.path().join("link.lock");
        symlink_file(&victim, &link).unwrap();
        let e = open_lock(&link).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(!victim.exists());
    }
}
