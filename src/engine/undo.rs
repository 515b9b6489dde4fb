//! Undo's journal work: which run to undo, the edits that turn its changes back (refusing
//! what a journal may not change), their confirmed restore, and the records that mark the run
//! undone.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::apply::FileOutcome;
use super::{Confirm, Finished, Spool, Tally, Workers};
use crate::core::change::{FileEdits, FileKind};
use crate::core::redact::Redacted;
use crate::env::Env;
use crate::io::git::{Git, Scope};
use crate::io::journal::{ChangeRecord, Journal, Record, Run, StoredPath, now};
use crate::io::repo;
use crate::ui::output;
use crate::ui::progress::Progress;

/// Which run to undo.
pub enum Which<'a> {
    /// This run, whole (`--run ID`).
    Run(&'a str),
    /// The most recent run not yet undone (`--last`).
    Last,
    /// The last run that changed the repository at this path (default: the one stood in).
    Repo(Option<&'a Path>),
}

/// The run picked, if any.
pub struct Picked {
    pub run: Option<Run>,
    /// For [`Which::Repo`]: the repository's config and `.gitmodules`, canonical — only
    /// their changes are undone.
    pub only_repo: Option<Vec<PathBuf>>,
}

/// The run to undo. A repository's files are matched canonical, so a run made through
/// `-r .`, a symlinked folder or a linked worktree of the repository is found.
pub fn pick_run(which: &Which<'_>, env: &Env, journal: &Journal) -> Result<Picked> {
    if let Which::Run(id) = which {
        return Ok(Picked {
            run: Some(journal.load(id)?),
            only_repo: None,
        });
    }
    let (runs, bad) = journal.runs()?;
    for b in bad {
        output::warn(crate::core::redact::printable(&b));
    }
    let migrations = runs
        .into_iter()
        .rev()
        // A run whose plan was never confirmed changed nothing; nor did one that found every
        // value already new (another run, at the same time, wrote them): neither is "last".
        .filter(|r| r.command != "undo" && !r.wrote_nothing());
    let Which::Repo(path) = which else {
        // A run whose every file failed has nothing to restore: look past it.
        return Ok(Picked {
            run: migrations
                .into_iter()
                .find(|r| !r.fully_undone() && r.restorable() > 0),
            only_repo: None,
        });
    };
    let start = path.map_or_else(|| env.cwd.clone(), |p| env.abs(p));
    let repo = repo::discover(&start)?;
    let mut files = vec![canonical(&repo.config)];
    files.extend(repo.gitmodules().map(|g| canonical(&g)));
    let found = migrations.into_iter().find(|r| {
        r.written_changes()
            .any(|c| files.contains(&canonical(&c.file.0)) && !r.repo_undone(&c.repo.0))
    });
    Ok(Picked {
        run: found,
        only_repo: Some(files),
    })
}

/// Whether `run` can be undone: an undo cannot (the error says what to do instead); a run
/// that wrote nothing has nothing to undo (`false`).
pub fn undoable(run: &Run) -> Result<bool> {
    if run.command == "undo" {
        bail!(
            "run {} is itself an undo; undo the migration it reverted instead",
            run.id
        );
    }
    Ok(!run.wrote_nothing())
}

/// The global and system config files git reads (includes followed), canonical: asked of
/// git once, when a journal first names a removed rule, and kept for the rest of the undo.
pub struct ConfigFiles<'a> {
    env: &'a Env,
    files: Option<Vec<PathBuf>>,
}

impl<'a> ConfigFiles<'a> {
    pub fn new(env: &'a Env) -> ConfigFiles<'a> {
        ConfigFiles { env, files: None }
    }

    /// Whether git reads `file` (canonical) as a global or system config.
    pub fn contains(&mut self, file: &Path) -> Result<bool> {
        if self.files.is_none() {
            let git = Git::new(self.env, Scope::Global)?;
            let mut files = git.config_files("--global")?;
            if !self.env.git_config_nosystem {
                files.extend(git.config_files("--system")?);
            }
            self.files = Some(files.iter().map(|f| canonical(f)).collect());
        }
        Ok(self.files.iter().flatten().any(|f| f == file))
    }
}

/// One step of turning a run back, file by file in the journal's order.
pub enum Step<'r> {
    /// A value whose old value held credentials, which the journal did not keep: it stays.
    Lost {
        repo: &'r Path,
        change: &'r ChangeRecord,
    },
    /// One file's edits putting its old values back.
    Restore(FileEdits),
}

/// What could not be turned back.
pub struct Inverted {
    /// One line per file refused (not a file git-https changes, or a key it never changes).
    pub refused: Vec<String>,
    /// Values whose old value was not kept.
    pub lost: usize,
}

/// Turns `run`'s changes back into edits, handing each [`Step`] to `visit` in order: files
/// already undone, or that the run failed on, are left out, and so are values the run found
/// already new (another run wrote them: undoing this one must not take them back);
/// `only_repo` limits it to those files. A value changed since the run wrote it is found when
/// the edits are applied: its file is left and reported.
pub fn invert(
    run: &Run,
    only_repo: Option<&[PathBuf]>,
    config: &mut ConfigFiles<'_>,
    mut visit: impl FnMut(Step<'_>) -> Result<()>,
) -> Result<Inverted> {
    let mut done = Inverted {
        refused: Vec::new(),
        lost: 0,
    };
    for ((repo_root, file), changes) in run.by_file() {
        if only_repo.is_some_and(|files| !files.contains(&canonical(&file)))
            || run.repo_undone(&repo_root)
            || run.failed_files.contains(&file)
        {
            continue;
        }
        if let Some(refusal) = refusal(&file, &changes, config)? {
            done.refused.push(refusal);
            continue;
        }
        let mut edits = Vec::new();
        // Newest first, so a value changed twice in one run comes back to the first old one.
        for c in changes.iter().rev() {
            if c.already {
                continue;
            }
            if c.redacted {
                done.lost += 1;
                visit(Step::Lost {
                    repo: &repo_root,
                    change: c,
                })?;
                continue;
            }
            edits.push(c.edit.reversed());
        }
        if edits.is_empty() {
            continue;
        }
        visit(Step::Restore(FileEdits {
            repo: repo_root,
            kind: changes[0].file_kind,
            path: file,
            edits,
        }))?;
    }
    Ok(done)
}

/// Why the journal's changes to `file` are not undone, if they are not. A journal names the
/// files it changed; undo writes only what is a repository's config or .gitmodules — or, for
/// removed insteadOf rules, a config file git reads — whatever a (hand-edited) journal says.
fn refusal(
    file: &Path,
    changes: &[&ChangeRecord],
    config: &mut ConfigFiles<'_>,
) -> Result<Option<String>> {
    let rules_file =
        changes[0].file_kind == FileKind::Rules && config.contains(&canonical(file))?;
    if !repo::is_repository_file(file) && !rules_file {
        return Ok(Some(format!(
            "{}: not a repository's config or .gitmodules; not changed",
            Redacted::path(file)
        )));
    }
    Ok(changes.iter().find(|c| !c.edit.is_ours()).map(|c| {
        format!(
            "{}: the journal names {}, which git-https never changes; not changed",
            Redacted::path(file),
            Redacted::new(&c.key)
        )
    }))
}

/// Asks (or takes `yes`), then restores what `spool` holds of `run`, handing each file's
/// outcome to `on_outcome`; `None` when not confirmed.
pub fn restore(
    env: &Env,
    spool: Spool,
    run: &Run,
    yes: bool,
    workers: &Workers,
    progress: &Progress,
    on_outcome: impl FnMut(&FileOutcome<'_>) -> Result<()>,
) -> Result<Option<Tally>> {
    let urls = output::count(spool.edits, "URL", "URLs");
    let confirm = Confirm {
        env,
        yes,
        question: format!("Restore {urls} from run {}?", run.id),
        verb: "undo",
        hint: "pass --yes to undo, or --dry-run to see what it would restore",
        progress: "restoring",
    };
    Ok(
        match spool.apply(&confirm, &[], workers, progress, on_outcome)? {
            Finished::Applied(tally) => Some(tally),
            Finished::Declined => None,
        },
    )
}

/// Marks on the undone run what came back, so `--last` and `runs` see it: the whole run when
/// all of it (`whole_run`) was restored, else each repository whose files all were.
pub fn record_undone(journal: &Journal, run: &Run, tally: &Tally, whole_run: bool) -> Result<()> {
    if tally.clean() && whole_run {
        return journal.append(
            &run.id,
            &Record::Undone {
                time: now(),
                by: tally.run.clone(),
                repo: None,
            },
        );
    }
    let mut ok = tally.ok_repos.clone();
    ok.dedup();
    for r in ok {
        journal.append(
            &run.id,
            &Record::Undone {
                time: now(),
                by: tally.run.clone(),
                repo: Some(StoredPath(r)),
            },
        )?;
    }
    Ok(())
}

/// A path with its symlinks and `.`/`..` resolved (as written when it no longer exists).
fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}
