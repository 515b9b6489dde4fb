//! `git-https undo`: restore the URLs a migration replaced — the last one of the repository you
//! stand in, a whole run (`--run ID`), or the most recent run not yet undone (`--last`). The
//! engine (`engine::undo`) picks the run and turns its changes back; they go through the same
//! apply protocol as `migrate`, journaled as a run of their own. This file reports.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::UndoArgs;
use crate::core::change::Edit;
use crate::core::redact::Redacted;
use crate::engine::apply::FileOutcome;
use crate::engine::undo::{self, ConfigFiles, Inverted, Step, Which};
use crate::engine::{self, Spool, Tally};
use crate::env::Env;
use crate::error;
use crate::io::journal::{Journal, Run};
use crate::ui::output;
use crate::ui::progress::Progress;
use crate::ui::report::{self, Line};

pub fn run(args: UndoArgs, env: &Env) -> Result<u8> {
    let workers = engine::Workers::new(args.jobs)?;
    let journal = Journal::new(&env.state_dir());
    let which = match (&args.run, args.last) {
        (Some(id), _) => Which::Run(id),
        (None, true) => Which::Last,
        (None, false) => Which::Repo(args.path.as_deref()),
    };
    let picked = undo::pick_run(&which, env, &journal)?;
    let Some(run) = picked.run else {
        env.out.note("nothing to undo");
        return Ok(error::OK);
    };
    if !undo::undoable(&run)? {
        env.out.note(if run.applying {
            format!(
                "run {} wrote nothing (its values were already new, or its files failed): nothing to undo",
                run.id
            )
        } else {
            format!("run {} changed nothing: nothing to undo", run.id)
        });
        return Ok(error::OK);
    }
    let mut out = output::stdout();
    let (spool, inverted) = plan(&args, env, &run, picked.only_repo.as_deref(), &mut out)?;
    let refused_exit = exit(inverted.refused.is_empty());
    if spool.files == 0 {
        env.out.note(if run.fully_undone() || inverted.lost == 0 {
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
            env.out.note(format!(
                "dry run: would restore {} from run {}",
                output::count(n, "URL", "URLs"),
                run.id
            ));
        }
        out.flush()?;
        return Ok(error::OK);
    }
    let progress = Progress::new(env.stderr_tty && !args.json && spool.files > 1);
    let restored = undo::restore(env, spool, &run, args.yes, &workers, &progress, |o| {
        show_outcome(&mut out, o, args.json)
    })?;
    let Some(tally) = restored else {
        env.out.note("nothing changed");
        return Ok(error::FAILURE);
    };
    undo::record_undone(&journal, &run, &tally, picked.only_repo.is_none())?;
    show_restored(env, &args, &run, &tally, n, &mut out)?;
    Ok(exit(tally.clean() && inverted.refused.is_empty()))
}

fn exit(ok: bool) -> u8 {
    if ok { error::OK } else { error::FAILURE }
}

/// Spools the edits that turn `run` back, showing each as planned (and each value that
/// cannot come back), then the files refused.
fn plan(
    args: &UndoArgs,
    env: &Env,
    run: &Run,
    only_repo: Option<&[PathBuf]>,
    out: &mut impl Write,
) -> Result<(Spool, Inverted)> {
    let roots: Vec<PathBuf> = run.paths.iter().map(PathBuf::from).collect();
    let mut spool = Spool::begin(env, "undo", &roots, Some(&run.id), args.dry_run)?;
    let mut config = ConfigFiles::new(env);
    let inverted = undo::invert(run, only_repo, &mut config, |step| match step {
        Step::Lost { repo, change } => {
            output::warn(format!(
                "{}: {} held credentials, which were not kept; left as {}",
                Redacted::path(repo),
                Redacted::new(&change.key),
                Redacted::new(&change.edit.new)
            ));
            Ok(())
        }
        Step::Restore(f) => {
            for e in &f.edits {
                let line = restore_line("planned", &f.repo, &f.path, e, None);
                if args.json && args.dry_run {
                    report::json(out, &Line::Restore(line))?;
                } else if !args.json {
                    line.human(out)?;
                }
            }
            spool.add(&f)
        }
    })?;
    out.flush()?;
    for r in &inverted.refused {
        output::error_line(r);
    }
    Ok((spool, inverted))
}

/// One file restored: a JSON line per value (nothing on a terminal, which gets the total).
fn show_outcome(out: &mut impl Write, o: &FileOutcome<'_>, json: bool) -> Result<()> {
    if !json {
        return Ok(());
    }
    let error = o.error();
    let status = if error.is_none() {
        "restored"
    } else {
        "failed"
    };
    for e in o.edits {
        let line = restore_line(status, o.repo, o.path, e, error.as_deref());
        report::json(out, &Line::Restore(line))?;
    }
    Ok(())
}

/// The end of an undo applied: the JSON summary, or what was restored and what was not.
fn show_restored(
    env: &Env,
    args: &UndoArgs,
    run: &Run,
    tally: &Tally,
    planned: usize,
    out: &mut impl Write,
) -> Result<()> {
    if args.json {
        let (failed, interrupted) = (tally.failed.len(), tally.interrupted);
        let line = summary(
            Some(&tally.run),
            &run.id,
            false,
            planned,
            tally.written,
            failed,
            interrupted,
        );
        report::json(out, &line)?;
    }
    out.flush()?;
    for f in &tally.failed {
        output::error_line(crate::core::redact::printable(f));
    }
    if args.json {
        return Ok(());
    }
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
    env.out.note(format!(
        "restored {}{rules} from run {}{already} (undo run {})",
        output::count(tally.written, "value", "values"),
        run.id,
        tally.run
    ));
    if tally.interrupted > 0 {
        output::warn(format!(
            "interrupted: {} not restored; run the undo again to finish",
            output::count(tally.interrupted, "file", "files")
        ));
    }
    Ok(())
}

fn restore_line(
    status: &'static str,
    repo: &Path,
    file: &Path,
    e: &Edit,
    error: Option<&str>,
) -> report::Restore {
    report::Restore {
        status,
        repo: report::path(repo),
        file: report::path(file),
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
