//! The engine: select repositories, read and plan them in parallel batches, and apply changes
//! through one protocol (journal, confirmation, batched apply, records) shared by every command
//! that writes. `migrate` and `undo` are those commands' work (setup runs `migrate` too),
//! `auth` the tokens' (login, logout, their transaction), `setup` and `doctor` theirs, and
//! `accounts` the logins and credential helpers reports show.

pub mod accounts;
pub mod apply;
pub mod auth;
pub mod doctor;
pub mod interrupt;
pub mod migrate;
pub mod observe;
pub mod select;
pub mod setup;
pub mod status;
pub mod undo;

use anyhow::Result;

use crate::error::usage;

pub use apply::{Confirm, Finished, Spool, Tally};
pub use observe::{Ctx, Observed, edits_of, for_each_planned};
pub use select::{Selected, Selection, select};

/// Repositories planned (and files applied) per batch: memory stays flat however many
/// repositories a run has.
pub const BATCH: usize = 512;

/// More worker threads than this is a mistake, not a speed-up (and the OS may refuse them).
const MAX_JOBS: usize = 256;

/// The worker threads of one command, made once and used by every batch.
pub struct Workers(rayon::ThreadPool);

impl Workers {
    /// `jobs` threads, or one per core.
    pub fn new(jobs: Option<usize>) -> Result<Workers> {
        let threads = thread_count(jobs)?;
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map(Workers)
            .map_err(|e| usage(format!("--jobs {threads}: cannot start the threads: {e}")))
    }

    pub fn run<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        self.0.install(work)
    }
}

/// `--jobs N`: 1 to 256; default one per core.
pub fn thread_count(jobs: Option<usize>) -> Result<usize> {
    match jobs {
        Some(0) => Err(usage("--jobs must be at least 1")),
        Some(j) if j > MAX_JOBS => Err(usage(format!("--jobs {j}: at most {MAX_JOBS}"))),
        Some(j) => Ok(j),
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}
