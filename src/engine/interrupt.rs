//! Ctrl-C and SIGTERM, one handler for the whole process: what they do depends on the phase.
//!
//! - while a run's plan awaits confirmation: the unconfirmed plan is deleted and the process
//!   exits 130 ([`watch_confirmation`]);
//! - while questions are asked: the terminal is put back as it was, the cursor shown, what is
//!   left said, and the process exits 130 ([`asking`]);
//! - otherwise (applying, or a transaction that must finish): a flag is raised and the work in
//!   hand is finished ([`stop_on_signals`], [`defer_signals`]).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use crate::error::INTERRUPTED;
use crate::io::platform::{self, TermState};

/// Set by Ctrl-C or SIGTERM during apply: files not yet started are left alone.
static STOP: AtomicBool = AtomicBool::new(false);

/// What Ctrl-C and SIGTERM do: raise [`STOP`] (the default), or, at the confirmation
/// question, delete the unconfirmed plan, show the cursor and exit.
static PHASE: AtomicU8 = AtomicU8::new(DEFER);
const DEFER: u8 = 0;
const CONFIRMING: u8 = 1;
const ASKING: u8 = 2;
static SPOOL: Mutex<Option<PathBuf>> = Mutex::new(None);
/// What an interrupted question leaves, said on the way out.
static LEFT: Mutex<&'static str> = Mutex::new("nothing changed");
/// The terminal's settings before the questions: a hidden-input prompt turns echo off, and
/// an exit from the handler would leave it off.
static TERMIOS: Mutex<Option<TermState>> = Mutex::new(None);

/// Set by the first thread that leaves at a question: the handler's thread and the main
/// thread (whose prompt returns "interrupted" at the same Ctrl-C) must not both leave.
static LEAVING: AtomicBool = AtomicBool::new(false);

/// Leaves at a question or the confirmation: the unconfirmed plan is deleted, the terminal put
/// back, the cursor shown, what is left said, and the process exits 130. Once, whichever
/// thread comes first; the other waits for the exit.
fn leave(phase: u8) -> ! {
    if LEAVING.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    let left = if phase == CONFIRMING {
        if let Some(p) = SPOOL.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = std::fs::remove_file(p);
        }
        "nothing changed"
    } else {
        if let Some(t) = &*TERMIOS.lock().unwrap_or_else(|e| e.into_inner()) {
            platform::restore_terminal(t);
        }
        *LEFT.lock().unwrap_or_else(|e| e.into_inner())
    };
    let term = console::Term::stderr();
    let _ = term.show_cursor();
    let _ = term.write_line(&format!("\ninterrupted: {left}"));
    std::process::exit(INTERRUPTED.into());
}

fn install_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(|| match PHASE.load(Ordering::SeqCst) {
            phase @ (ASKING | CONFIRMING) => leave(phase),
            _ => STOP.store(true, Ordering::SeqCst),
        });
    });
}

/// A prompt returned "interrupted" (the terminal library reads Ctrl-C as a key in raw mode,
/// raises SIGINT and returns an error at once): at a question or the confirmation, leave as
/// the handler does, here, instead of racing it with an error line and exit status 1.
/// Elsewhere it returns, and the error is the caller's.
pub fn interrupted_prompt() {
    if let phase @ (ASKING | CONFIRMING) = PHASE.load(Ordering::SeqCst) {
        leave(phase);
    }
}

/// Until the plan at `spool` is confirmed, Ctrl-C and SIGTERM delete it and exit: an
/// unconfirmed run leaves nothing behind.
pub(crate) fn watch_confirmation(spool: &Path) {
    *SPOOL.lock().unwrap_or_else(|e| e.into_inner()) = Some(spool.to_path_buf());
    PHASE.store(CONFIRMING, Ordering::SeqCst);
    install_handler();
}

/// The confirmation question is answered: from here Ctrl-C and SIGTERM only raise the flag,
/// whatever the answer (a refusal still returns through the caller).
pub(crate) fn after_confirmation() {
    PHASE.store(DEFER, Ordering::SeqCst);
}

/// While questions are asked: Ctrl-C and SIGTERM bring the cursor back (a menu hides it),
/// say what is `left` as it is, and exit 130.
pub fn asking(left: &'static str) {
    *LEFT.lock().unwrap_or_else(|e| e.into_inner()) = left;
    let mut saved = TERMIOS.lock().unwrap_or_else(|e| e.into_inner());
    if saved.is_none() {
        *saved = platform::save_terminal();
    }
    drop(saved);
    PHASE.store(ASKING, Ordering::SeqCst);
    install_handler();
}

/// From here on, Ctrl-C and SIGTERM finish the files being written and skip the rest, so no
/// lock file is left behind and the journal records what happened (SIGKILL cannot be caught:
/// each file is still old or new, but a lock may remain).
pub(crate) fn stop_on_signals() {
    PHASE.store(DEFER, Ordering::SeqCst);
    install_handler();
}

/// From here on Ctrl-C and SIGTERM only raise the returned flag: the caller finishes what it
/// started (a login's store-prove-or-roll-back) and may then report it.
pub fn defer_signals() -> &'static AtomicBool {
    stop_on_signals();
    &STOP
}

/// Whether Ctrl-C or SIGTERM came since [`stop_on_signals`]: work not yet started is skipped.
pub(crate) fn stopped() -> bool {
    STOP.load(Ordering::SeqCst)
}
