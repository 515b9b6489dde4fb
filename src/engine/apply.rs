//! The one apply protocol, for every command that changes files (migrate, undo):
//!
//! 1. the plan is spooled into a new run's journal as it is made ([`Spool::add`]), not kept
//!    in memory; a plan never confirmed leaves no run behind;
//! 2. confirmation, or a refusal when there is no terminal to ask on and no `--yes`;
//! 3. an `applying` record, synced, before the first file is touched;
//! 4. the plan read back from the journal and applied in parallel batches, one atomic write a
//!    file, with progress; Ctrl-C or SIGTERM skip the files not yet started;
//! 5. a `result` record per file, an `end` record with the counts, the tally for the report.

use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;

use super::interrupt::{after_confirmation, stop_on_signals, stopped, watch_confirmation};
use super::{BATCH, Workers};
#[allow(unused_imports)]
use crate::core::change::Op;
use crate::core::change::{Edit, FileEdits, FileKind};
use crate::env::Env;
use crate::error::with_hint;
use crate::io::discover::Failure;
use crate::io::journal::{ChangeRecord, Journal, Record, RunWriter, StoredPath, now};
use crate::io::repo::{self, Applied, ApplyError};
use crate::ui::progress::Progress;
use crate::ui::prompt;

/// A run being planned: its journal file, or nothing for a dry run.
pub struct Spool {
    journal: Journal,
    run: Option<RunWriter>,
    time: String,
    /// Files and values planned so far.
    pub files: usize,
    pub edits: usize,
}

impl Spool {
    /// Starts a run of `command` over `roots` (a dry run writes nothing).
    pub fn begin(
        env: &Env,
        command: &str,
        roots: &[PathBuf],
        reverts: Option<&str>,
        dry_run: bool,
    ) -> Result<Spool> {
        let journal = Journal::new(&env.state_dir());
        let run = if dry_run {
            None
        } else {
            let run = journal.begin(command, roots, reverts)?;
            // From here until the plan is confirmed, Ctrl-C or SIGTERM leaves no run behind.
            watch_confirmation(run.path());
            Some(run)
        };
        Ok(Spool {
            journal,
            run,
            time: now(),
            files: 0,
            edits: 0,
        })
    }

    /// Adds one file's edits to the plan.
    pub fn add(&mut self, f: &FileEdits) -> Result<()> {
        self.files += 1;
        self.edits += f.edits.len();
        if let Some(run) = &mut self.run {
            for e in &f.edits {
                run.record(&Record::Change(ChangeRecord::new(
                    &run.id, &self.time, f, e,
                )))?;
            }
        }
        Ok(())
    }

    /// Asks (or takes `--yes`), then applies the plan. `unreadable` are repositories that
    /// could not be read while planning: they count as the run's failures.
    pub fn apply(
        self,
        confirm: &Confirm<'_>,
        unreadable: &[Failure],
        workers: &Workers,
        progress: &Progress,
        mut on_outcome: impl FnMut(&FileOutcome<'_>) -> Result<()>,
    ) -> Result<Finished> {
        let Some(mut run) = self.run else {
            return Ok(Finished::Declined);
        };
        let answer = confirm.yes || prompt::confirm(confirm.env.interactive(), &confirm.question)?;
        after_confirmation();
        if !answer {
            if !confirm.env.interactive() {
                return Err(with_hint(
                    format!(
                        "refusing to {} without confirmation: no terminal to ask on",
                        confirm.verb
                    ),
                    confirm.hint,
                ));
            }
            return Ok(Finished::Declined);
        }
        stop_on_signals();
        run.keep();
        for f in unreadable {
            run.record(&Record::Result {
                repo: StoredPath(f.path.clone()),
                file: StoredPath(f.path.clone()),
                ok: false,
                written: 0,
                already: Vec::new(),
                interrupted: false,
                error: Some(crate::core::redact::redact(&f.line())),
            })?;
        }
        // Every change is on disk before the first file is touched.
        let plan_end = run.sync()?;
        run.record(&Record::Applying { time: now() })?;
        run.sync()?;

        progress.bar(self.files as u64, confirm.progress);
        let mut tally = Tally {
            run: run.id.clone(),
            unreadable: unreadable.len(),
            ..Tally::default()
        };
        let mut plan = self.journal.read_plan(&run.id, plan_end)?.peekable();
        while plan.peek().is_some() {
            let batch = plan
                .by_ref()
                .take(BATCH)
                .collect::<Result<Vec<FileEdits>>>()?;
            let outcomes = apply_all(&batch, workers, &|failed| progress.inc(failed));
            for o in &outcomes {
                run.record(&o.record())?;
                tally.add(o);
                on_outcome(o)?;
            }
        }
        progress.clear();
        run.record(&Record::End {
            time: now(),
            changed: tally.written,
            failed: tally.failed.len() + tally.unreadable,
            interrupted: tally.interrupted,
        })?;
        run.sync()?;
        Ok(Finished::Applied(tally))
    }
}

/// How to ask before applying.
pub struct Confirm<'a> {
    pub env: &'a Env,
    /// Skip the question (`--yes`).
    pub yes: bool,
    pub question: String,
    /// For the refusal without a terminal: "change remotes", "undo".
    pub verb: &'static str,
    pub hint: &'static str,
    /// The progress bar's label.
    pub progress: &'static str,
}

/// How a run ended.
pub enum Finished {
    /// Not confirmed (or a dry run): nothing changed, no run kept.
    Declined,
    Applied(Tally),
}

/// What applying came to, file by file.
#[derive(Debug, Default)]
pub struct Tally {
    pub run: String,
    /// Repositories with at least one value written.
    pub repos_written: usize,
    pub written: usize,
    /// Values that already had their new value.
    pub already: usize,
    /// `insteadOf` rules removed (or, for an undo, put back).
    pub rules_written: usize,
    /// Files not reached (Ctrl-C, SIGTERM).
    pub interrupted: usize,
    /// One line per file that failed.
    pub failed: Vec<String>,
    /// Repositories that could not be read while planning.
    pub unreadable: usize,
    /// Repositories whose files all applied.
    pub ok_repos: Vec<PathBuf>,
}

impl Tally {
    fn add(&mut self, o: &FileOutcome<'_>) {
        match &o.result {
            Ok(a) => {
                // Rules removed (or put back) are counted apart from URLs.
                self.rules_written += a.rules;
                self.repos_written += usize::from(a.written > 0 && o.kind != FileKind::Rules);
                self.written += a.written;
                self.already += a.already;
                if self.ok_repos.last().is_none_or(|r| r != o.repo) {
                    self.ok_repos.push(o.repo.to_path_buf());
                }
            }
            Err(ApplyError::Interrupted) => self.interrupted += 1,
            Err(ApplyError::Other(e)) => self.failed.push(crate::core::redact::redact(&format!(
                "{}: {e:#}",
                o.repo.display()
            ))),
            Err(e) => self
                .failed
                .push(crate::core::redact::redact(&e.to_string())),
        }
    }

    /// Whether everything planned was applied.
    pub fn clean(&self) -> bool {
        self.failed.is_empty() && self.interrupted == 0 && self.unreadable == 0
    }
}

/// What applying one file's edits came to.
pub struct FileOutcome<'a> {
    pub kind: crate::core::change::FileKind,
    pub repo: &'a Path,
    pub path: &'a Path,
    pub edits: &'a [Edit],
    pub result: Result<Applied, ApplyError>,
}

impl FileOutcome<'_> {
    /// The journal's record of it.
    pub fn record(&self) -> Record {
        let error = self.error();
        Record::Result {
            repo: StoredPath(self.repo.to_path_buf()),
            file: StoredPath(self.path.to_path_buf()),
            ok: error.is_none(),
            written: self.result.as_ref().map_or(0, |a| a.written),
            already: self
                .result
                .as_ref()
                .map_or_else(|_| Vec::new(), |a| a.already_at.clone()),
            interrupted: matches!(self.result, Err(ApplyError::Interrupted)),
            error,
        }
    }

    /// The failure, redacted (it may quote a config value).
    pub fn error(&self) -> Option<String> {
        self.result
            .as_ref()
            .err()
            .map(|e| crate::core::redact::redact(&e.to_string()))
    }
}

/// Applies every file's edits in parallel, each file in one atomic write. `tick(failed)`
/// after each file reached (a file skipped after an interrupt is not a failure).
fn apply_all<'a>(
    files: &'a [FileEdits],
    workers: &Workers,
    tick: &(dyn Fn(bool) + Sync),
) -> Vec<FileOutcome<'a>> {
    workers.run(|| {
        files
            .par_iter()
            .map(|f| {
                let result = if stopped() {
                    Err(ApplyError::Interrupted)
                } else {
                    let r = repo::apply(&f.path, &f.edits);
                    tick(r.is_err());
                    r
                };
                FileOutcome {
                    kind: f.kind,
                    repo: &f.repo,
                    path: &f.path,
                    edits: &f.edits,
                    result,
                }
            })
            .collect()
    })
}
