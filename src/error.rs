//! Error kinds and exit codes: 0 ok, 1 error or partial failure, 2 usage, 130 interrupted.

use std::fmt;

/// A mistake in how the command was called: exit status 2.
#[derive(Debug)]
pub struct Usage(pub String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Usage(msg.into()))
}

/// A suggestion printed after an error.
#[derive(Debug)]
pub struct Hint {
    pub message: String,
    pub hint: String,
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Hint {}

pub fn with_hint(message: impl Into<String>, hint: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Hint {
        message: message.into(),
        hint: hint.into(),
    })
}

pub const OK: u8 = 0;
pub const FAILURE: u8 = 1;
pub const USAGE: u8 = 2;
/// Ctrl-C or SIGTERM: stopped; what was done is kept (and undoable), the rest was not begun.
/// 128 + SIGINT, as shells report a process killed by Ctrl-C.
pub const INTERRUPTED: u8 = 130;

/// Every exit status with what it means: the man pages' EXIT STATUS section.
pub const EXIT_CODES: &[(u8, &str)] = &[
    (OK, "Done (or nothing to do)."),
    (
        FAILURE,
        "An error, or a partial failure: some repositories or places could not be changed (the others were), a check failed, a logout found nothing to remove, or git still answers with a token after logout.",
    ),
    (
        USAGE,
        "A usage error: a bad flag or value, or an answer missing where there is no terminal to ask on. Nothing was changed.",
    ),
    (
        INTERRUPTED,
        "Interrupted by Ctrl-C or SIGTERM: what was done is kept and can be undone; the rest was not begun.",
    ),
];

/// The exit code an error maps to.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<Usage>().is_some() {
        USAGE
    } else {
        FAILURE
    }
}

/// True when the error is a read cut short by Ctrl-C (a prompt's).
pub fn is_interrupted(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::Interrupted)
    })
}

/// True when the error is a closed stdout (`| head`): exit quietly.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
