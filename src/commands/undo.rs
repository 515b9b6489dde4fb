//! `git-https undo`: restore the URLs a migration replaced — the last one of the repository you
//! stand in, a whole run (`--run ID`), or the most recent run not yet undone (`--last`). It runs
//! through the same apply protocol as `migrate`, journaled as a run of its own.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::cli::UndoArgs;
use crate::core::change::{FileEdits, FileKind};
use crate::core::redact::Redacted;
use crate::engine::{self, Confirm, Finished, Spool};
use crate::env::Env;
use crate::error;
use crate::io::journal::{Journal, Record, Run, StoredPath, now};
use crate::io::repo;
use crate::ui::output;
use crate::ui::progress::Progress;
use crate::ui::report::{self, Line};

pub fn run(args: UndoArgs, env: &Env) -> Result<u8> {
    let workers = engine::Workers::new(args.jobs)?;
    let journal = Journal::new(&env.state_dir());
    let (run, only_repo) = pick_run(&args, env, &journal)?;
    let Some(run) = run else {
        output::note("nothing to undo");
        return Ok(error::OK);
    };
    if run.command == "undo" {
        bail!(
            "run {} is itself an undo; undo the migration it reverted instead",
            run.id
        );
    }
    if !run.applying {
        output::note(format!("run {} changed nothing: nothing to undo", run.id));
        return Ok(error::OK);
    }
    let roots: Vec<PathBuf> = run.paths.iter().map(PathBuf::from).collect();
    let mut spool = Spool::begin(env, "undo", &roots, Some(&run.id), args.dry_run)?;
    let mut out = output::stdout();
    let mut lost = 0;
    let mut refused = Vec::new();
    for ((repo_root, file), changes) in run.by_file() {
        if only_repo
            .as_ref()
            .is_some_and(|files| !files.contains(&canonical(&file)))
            || run.repo_undone(&repo_root)
            || run.failed_files.contains(&file)
        {
            continue;
        }
        // A journal names the files it changed; undo writes only what is a repository's
        // config or .gitmodules — or, for removed insteadOf rules, a config file git reads —
        // whatever a (hand-edited) journal says.
        let rules_file = changes[0].file_kind == FileKind::Rules
            && config_files(env)?.contains(&canonical(&file));
        if !repo::is_repository_file(&file) && !rules_file {
            refused.push(format!(
                "{}: not a repository's config or .gitmodules; not changed",
                Redacted::path(&file)
            ));
            continue;
        }
        let mut edits = Vec::new();
        if let Some(c) = changes.iter().find(|c| !c.edit.is_ours()) {
            refused.push(format!(
                "{}: the journal names {}, which git-https never changes; not changed",
                Redacted::path(&file),
                Redacted::new(&c.key)
            ));
            continue;
        }
        // Newest first, so a value changed twice in one run comes back to the first old one.
        for c in changes.iter().rev() {
            if c.redacted {
                lost += 1;
                output::warn(format!(
                    "{}: {} held credentials, which were not kept; left as {}",
                    Redacted::path(&repo_root),
                    Redacted::new(&c.key),
                    Redacted::new(&c.edit.new)
                ));
                continue;
            }
            edits.push(c.edit.reversed());
        }
        if edits.is_empty() {
            continue;
        }
        let f = FileEdits {
            repo: repo_root,
            kind: changes[0].file_kind,
            path: file,
            edits,
        };
        for e in &f.edits {
            let line = restore_line("planned", &f, e, None);
            if args.json && args.dry_run {
                report::json(&mut out, &Line::Restore(line))?;
            } else if !args.json {
                line.human(&mut out)?;
            }
        }
        spool.add(&f)?;
    }
    out.flush()?;
    for r in &refused {
        output::error_line(r);
    }
    let refused_exit = if refused.is_empty() {
        error::OK
    } else {
        error::FAILURE
    };
    if spool.files == 0 {
        output::note(if run.fully_undone() || lost == 0 {
            format!("run {} is already undone", run.id)
        } else {
            "nothing that can be restored".to_string()
        });
        return Ok(refused_exit);
    }
    let n = spool.edits;
    if args.dry_run {
        if args.json {
            report::json(&mut out, &summary(None, &run.id, true, n, 0, 0, 0))?;
        } else {
            output::note(format!(
                "dry run: would restore {} from run {}",
                output::count(n, "URL", "URLs"),
                run.id
            ));
        }
        out.flush()?;
        return Ok(error::OK);
    }
    let confirm = Confirm {
        env,
        yes: args.yes,
        question: format!(
            "Restore {} from run {}?",
            output::count(n, "URL", "URLs"),
            run.id
        ),
        verb: "undo",
        hint: "pass --yes to undo, or --dry-run to see what it would restore",
        progress: "restoring",
    };
    let progress = Progress::new(env.stderr_tty && !args.json && spool.files > 1);
    let finished = spool.apply(&confirm, &[], &workers, &progress, |o| {
        if args.json {
            let error = o.error();
            let f = FileEdits {
                repo: o.repo.to_path_buf(),
                kind: crate::core::change::FileKind::Config,
                path: o.path.to_path_buf(),
                edits: Vec::new(),
            };
            for e in o.edits {
                let status = if error.is_none() {
                    "restored"
                } else {
                    "failed"
                };
                let line = restore_line(status, &f, e, error.as_deref());
                report::json(&mut out, &Line::Restore(line))?;
            }
        }
        Ok(())
    })?;
    let Finished::Applied(tally) = finished else {
        output::note("nothing changed");
        return Ok(error::FAILURE);
    };
    let restored = tally.written;
    // Mark what came back on the original run, so `--last` and `runs` see it.
    if tally.clean() && only_repo.is_none() {
        journal.append(
            &run.id,
            &Record::Undone {
                time: now(),
                by: tally.run.clone(),
                repo: None,
            },
        )?;
    } else {
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
    }
    if args.json {
        report::json(
            &mut out,
            &summary(
                Some(&tally.run),
                &run.id,
                false,
                n,
                restored,
                tally.failed.len(),
                tally.interrupted,
            ),
        )?;
    }
    out.flush()?;
    for f in &tally.failed {
        output::error_line(crate::core::redact::printable(f));
    }
    if !args.json {
        let already = if tally.already > 0 {
            format!(
                "; {} already had the old value",
                output::count(tally.already, "value", "values")
            )
        } else {
            String::new()
        };
        let rules = if tally.rules_written > 0 {
            format!(
                " and {}",
                output::count(tally.rules_written, "insteadOf rule", "insteadOf rules")
            )
        } else {
            String::new()
        };
        output::note(format!(
            "restored {}{rules} from run {}{already} (undo run {})",
            output::count(restored, "value", "values"),
            run.id,
            tally.run
        ));
        if tally.interrupted > 0 {
            output::warn(format!(
                "interrupted: {} not restored; run the undo again to finish",
                output::count(tally.interrupted, "file", "files")
            ));
        }
    }
    Ok(if tally.clean() && refused.is_empty() {
        error::OK
    } else {
        error::FAILURE
    })
}

fn restore_line(
    status: &'static str,
    f: &FileEdits,
    e: &crate::core::change::Edit,
    error: Option<&str>,
) -> report::Restore {
    report::Restore {
        status,
        repo: report::path(&f.repo),
        file: report::path(&f.path),
        key: Redacted::new(&e.key.to_string()),
        from: Redacted::new(&e.old),
        to: Redacted::new(&e.new),
        error: error.map(Redacted::new),
    }
}

fn summary(
    run: Option<&str>,
    reverts: &str,
    dry_run: bool,
    planned: usize,
    restored: usize,
    failed: usize,
    interrupted: usize,
) -> Line {
    Line::Summary(report::Summary::Undo(report::UndoSummary {
        run: run.map(str::to_string),
        reverts: reverts.to_string(),
        dry_run,
        planned,
        restored,
        failed,
        interrupted,
    }))
}

/// The global and system config files git reads (includes followed), canonical; read once.
fn config_files(env: &Env) -> Result<&'static [PathBuf]> {
    static FILES: std::sync::OnceLock<Vec<PathBuf>> = std::sync::OnceLock::new();
    if let Some(f) = FILES.get() {
        return Ok(f);
    }
    let git = crate::io::git::Git::new(env, crate::io::git::Scope::Global)?;
    let mut files = git.config_files("--global")?;
    if !env.git_config_nosystem {
        files.extend(git.config_files("--system")?);
    }
    Ok(FILES.get_or_init(|| files.iter().map(|f| canonical(f)).collect()))
}

/// A path with its symlinks and `.`/`..` resolved (as written when it no longer exists).
fn canonical(p: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The run to undo, and (PATH mode) the files of the one repository to limit it to: its
/// config and `.gitmodules`, canonical, so a run made through `-r .`, a symlinked folder or a
/// linked worktree of the repository is found.
fn pick_run(
    args: &UndoArgs,
    env: &Env,
    journal: &Journal,
) -> Result<(Option<Run>, Option<Vec<PathBuf>>)> {
    if let Some(id) = &args.run {
        return Ok((Some(journal.load(id)?), None));
    }
    let (runs, bad) = journal.runs()?;
    for b in bad {
        output::warn(crate::core::redact::printable(&b));
    }
    let migrations = runs
        .into_iter()
        .rev()
        // A run whose plan was never confirmed changed nothing.
        .filter(|r| r.command != "undo" && r.applying && !r.changes.is_empty());
    if args.last {
        // A run whose every file failed has nothing to restore: look past it.
        return Ok((
            migrations
                .into_iter()
                .find(|r| !r.fully_undone() && r.restorable() > 0),
            None,
        ));
    }
    let start = args
        .path
        .as_deref()
        .map_or_else(|| env.cwd.clone(), |p| env.abs(p));
    let repo = repo::discover(&start)?;
    let mut files = vec![canonical(&repo.config)];
    files.extend(repo.gitmodules().map(|g| canonical(&g)));
    let found = migrations.into_iter().find(|r| {
        r.changes
            .iter()
            .any(|c| files.contains(&canonical(&c.file.0)) && !r.repo_undone(&c.repo.0))
    });
    Ok((found, Some(files)))
}
