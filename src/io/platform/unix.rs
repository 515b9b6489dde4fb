//! The unix implementation of the platform API (Linux, macOS, the BSDs).

use std::borrow::Cow;
use std::ffi::{OsStr, OsString};
use std::fs::{self, File, FileType, Metadata, OpenOptions};
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use rustix::termios::{OptionalActions, Termios, tcgetattr, tcsetattr};

pub fn file_mode(meta: &Metadata) -> Option<u32> {
    // `mode()` carries the file type bits too; callers want the permissions.
    Some(meta.permissions().mode() & 0o7777)
}

pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

pub fn set_file_mode(file: &File, mode: u32) -> io::Result<()> {
    file.set_permissions(fs::Permissions::from_mode(mode))
}

pub fn create_mode(opts: &mut OpenOptions, mode: u32) -> &mut OpenOptions {
    opts.mode(mode)
}

pub fn is_fifo_or_socket(t: &FileType) -> bool {
    t.is_fifo() || t.is_socket()
}

/// Flags for opening a file that may be hostile: a FIFO opens at once instead of waiting for
/// a writer (the caller then sees it is no regular file), and a terminal is never taken on.
fn never_block() -> i32 {
    (rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY).bits() as i32
}

pub fn open_read_nofollow(path: &Path) -> io::Result<Option<File>> {
    let flags = rustix::fs::OFlags::NOFOLLOW.bits() as i32 | never_block();
    match OpenOptions::new().read(true).custom_flags(flags).open(path) {
        Ok(f) => Ok(Some(f)),
        // O_NOFOLLOW on a symlink fails with ELOOP.
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn open_read_regular(path: &Path) -> io::Result<File> {
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(never_block())
        .open(path)?;
    regular_only(f)
}

pub fn open_lock(path: &Path) -> io::Result<File> {
    let flags = rustix::fs::OFlags::NOFOLLOW.bits() as i32 | never_block();
    let opened = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(flags)
        .open(path);
    match opened {
        Ok(f) => regular_only(f),
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
            Err(super::symlink_refused())
        }
        // A FIFO without a reader, opened for writing without blocking.
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error()) => {
            Err(super::not_regular(fs::symlink_metadata(path)?.file_type()))
        }
        Err(e) => Err(e),
    }
}

pub fn open_own_rw(path: &Path) -> io::Result<File> {
    let flags = rustix::fs::OFlags::NOFOLLOW.bits() as i32 | never_block();
    match OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(flags)
        .open(path)
    {
        Ok(f) => regular_only(f),
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
            Err(super::symlink_refused())
        }
        Err(e) => Err(e),
    }
}

/// `f` if it is a regular file (read, written, locked as one), else the error saying not.
fn regular_only(f: File) -> io::Result<File> {
    let t = f.metadata()?.file_type();
    if t.is_file() {
        Ok(f)
    } else {
        Err(super::not_regular(t))
    }
}

/// A named pipe, a device or a socket, said as such.
pub fn special_kind(t: &FileType) -> Option<&'static str> {
    if t.is_fifo() {
        Some("a named pipe")
    } else if t.is_char_device() || t.is_block_device() {
        Some("a device")
    } else if t.is_socket() {
        Some("a socket")
    } else {
        None
    }
}

#[cfg(test)]
pub fn symlink_file(original: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(original, link)
}

pub fn owner(meta: &Metadata) -> Option<(u32, u32)> {
    Some((meta.uid(), meta.gid()))
}

pub fn chown_file(file: &File, uid: u32, gid: u32) -> io::Result<()> {
    std::os::unix::fs::fchown(file, Some(uid), Some(gid))
}

/// The process umask and effective user id, from `/proc/self/status` (read once; `None`
/// where that is not there). The umask is read, not set-and-restored: that would race with
/// threads creating files.
fn process_status() -> (Option<u32>, Option<u32>) {
    static STATUS: std::sync::OnceLock<(Option<u32>, Option<u32>)> = std::sync::OnceLock::new();
    *STATUS.get_or_init(|| {
        let Ok(status) = fs::read_to_string("/proc/self/status") else {
            return (None, None);
        };
        let field = |name: &str| status.lines().find_map(|l| l.strip_prefix(name));
        let umask = field("Umask:").and_then(|v| u32::from_str_radix(v.trim(), 8).ok());
        // `Uid:` lists real, effective, saved and filesystem ids.
        let euid = field("Uid:")
            .and_then(|v| v.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok());
        (umask, euid)
    })
}

pub fn euid() -> Option<u32> {
    process_status().1
}

pub fn umask() -> Option<u32> {
    process_status().0
}

pub fn own_process_group(cmd: &mut Command) -> &mut Command {
    cmd.process_group(0)
}

/// Which stream the settings were read from, so they go back to the same terminal.
pub struct TermState {
    stdin: bool,
    termios: Termios,
}

pub fn save_terminal() -> Option<TermState> {
    tcgetattr(io::stdin())
        .map(|termios| TermState {
            stdin: true,
            termios,
        })
        .or_else(|_| {
            tcgetattr(io::stderr()).map(|termios| TermState {
                stdin: false,
                termios,
            })
        })
        .ok()
}

pub fn restore_terminal(s: &TermState) {
    let now = OptionalActions::Now;
    let _ = if s.stdin {
        tcsetattr(io::stdin(), now, &s.termios)
    } else {
        tcsetattr(io::stderr(), now, &s.termios)
    };
}

pub fn os_str_bytes(s: &OsStr) -> Cow<'_, [u8]> {
    Cow::Borrowed(s.as_bytes())
}

pub fn os_string_from_bytes(bytes: Vec<u8>) -> Option<OsString> {
    Some(OsString::from_vec(bytes))
}
