//! `git-https undo`: restore the URLs a migration replaced — the last one of the repository you
//! stand in, a whole run (`--run ID`), or the most recent run not yet undone (`--last`).

use std::io::Write;

use anyhow::{Result, bail};
use serde_json::json;

use crate::cli::UndoArgs;
use crate::engine::{self, FileEdits};
use crate::env::Env;
use crate::error::{self, with_hint};
use crate::journal::{ChangeRecord, Journal, Record, Run, now};
use crate::output;
use crate::prompt;
use crate::repo::{self, Edit};

pub fn run(args: UndoArgs, env: &Env) -> Result<u8> {
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
    let mut files: Vec<FileEdits> = Vec::new();
    let mut lost = 0;
    for ((repo_root, file), changes) in run.by_file() {
        if only_repo.as_ref().is_some_and(|r| *r != repo_root)
            || run.repo_undone(&repo_root)
            || run.failed_files.contains(&file)
        {
            continue;
        }
        let mut edits = Vec::new();
        // Newest first, so a value changed twice in one run comes back to the first old one.
        for c in changes.iter().rev() {
            if c.redacted {
                lost += 1;
                output::warn(format!(
                    "{repo_root}: {} held credentials, which were not kept; left as {}",
                    c.key, c.edit.new
                ));
                continue;
            }
            edits.push(Edit {
                old: c.edit.new.clone(),
                new: c.edit.old.clone(),
                ..c.edit.clone()
            });
        }
        if !edits.is_empty() {
            files.push(FileEdits {
                repo: repo_root.into(),
                kind: changes[0].file_kind,
                path: file.into(),
                edits,
            });
        }
    }
    if files.is_empty() {
        output::note(if run.fully_undone() || lost == 0 {
            format!("run {} is already undone", run.id)
        } else {
            "nothing that can be restored".to_string()
        });
        return Ok(error::OK);
    }

    let mut out = output::stdout();
    for f in &files {
        for e in &f.edits {
            let key = format!("{}.{}.{}", e.section, e.subsection, e.name);
            if args.json && args.dry_run {
                output::json_line(
                    &mut out,
                    &json!({"type": "restore", "status": "planned", "repo": f.repo, "file": f.path, "key": key, "from": e.old, "to": e.new}),
                )?;
            } else if !args.json {
                writeln!(
                    out,
                    "{}  {key}  {} → {}",
                    f.repo.display(),
                    output::old(&e.old),
                    output::new(&e.new)
                )?;
            }
        }
    }
    out.flush()?;
    let n: usize = files.iter().map(|f| f.edits.len()).sum();
    if args.dry_run {
        output::note(format!(
            "dry run: would restore {} from run {}",
            output::count(n, "URL", "URLs"),
            run.id
        ));
        return Ok(error::OK);
    }
    let question = format!(
        "Restore {} from run {}?",
        output::count(n, "URL", "URLs"),
        run.id
    );
    if !args.yes && !prompt::confirm(env, &question)? {
        if !env.interactive() {
            return Err(with_hint(
                "refusing to undo without confirmation: no terminal to ask on",
                "pass --yes to undo, or --dry-run to see what it would restore",
            ));
        }
        output::note("nothing changed");
        return Ok(error::FAILURE);
    }

    engine::stop_on_signals();
    let mut undo = journal.begin("undo", &run.paths, Some(&run.id))?;
    undo.keep();
    let time = now();
    for f in &files {
        for e in &f.edits {
            undo.record(&Record::Change(ChangeRecord {
                run: undo.id.clone(),
                time: time.clone(),
                repo: f.repo.display().to_string(),
                file: f.path.display().to_string(),
                file_kind: f.kind,
                key: format!("{}.{}.{}", e.section, e.subsection, e.name),
                edit: e.clone(),
                redacted: false,
            }))?;
        }
    }
    undo.sync()?;
    let outcomes = engine::apply_all(
        &files,
        &engine::Workers::new(engine::thread_count(None)),
        &|_| {},
    );
    let mut restored = 0;
    let mut failed = Vec::new();
    let mut ok_repos = Vec::new();
    for o in &outcomes {
        let error = o.result.as_ref().err().map(ToString::to_string);
        undo.record(&o.record())?;
        match &o.result {
            Ok(a) => {
                restored += a.written + a.already;
                ok_repos.push(o.repo.display().to_string());
            }
            Err(e) => failed.push(e.to_string()),
        }
        if args.json {
            for e in o.edits {
                let key = format!("{}.{}.{}", e.section, e.subsection, e.name);
                output::json_line(
                    &mut out,
                    &json!({"type": "restore", "status": if error.is_none() {"restored"} else {"failed"}, "repo": o.repo, "file": o.path, "key": key, "from": e.old, "to": e.new, "error": error}),
                )?;
            }
        }
    }
    undo.record(&Record::End {
        time: now(),
        changed: restored,
        failed: failed.len(),
    })?;
    undo.sync()?;
    // Mark what came back on the original run, so `--last` and `runs` see it.
    if failed.is_empty() && only_repo.is_none() {
        journal.append(
            &run.id,
            &Record::Undone {
                time: now(),
                by: undo.id.clone(),
                repo: None,
            },
        )?;
    } else {
        ok_repos.dedup();
        for r in ok_repos {
            journal.append(
                &run.id,
                &Record::Undone {
                    time: now(),
                    by: undo.id.clone(),
                    repo: Some(r),
                },
            )?;
        }
    }
    if args.json {
        output::json_line(
            &mut out,
            &json!({"type": "summary", "run": undo.id, "reverts": run.id, "restored": restored, "failed": failed.len()}),
        )?;
    }
    out.flush()?;
    for f in &failed {
        output::error_line(f);
    }
    if !args.json {
        output::note(format!(
            "restored {} from run {} (undo run {})",
            output::count(restored, "URL", "URLs"),
            run.id,
            undo.id
        ));
    }
    Ok(if failed.is_empty() {
        error::OK
    } else {
        error::FAILURE
    })
}

/// The run to undo, and the one repository to limit it to (PATH mode).
fn pick_run(
    args: &UndoArgs,
    env: &Env,
    journal: &Journal,
) -> Result<(Option<Run>, Option<String>)> {
    if let Some(id) = &args.run {
        return Ok((Some(journal.load(id)?), None));
    }
    let runs = journal.runs()?;
    let migrations = runs
        .into_iter()
        .rev()
        .filter(|r| r.command != "undo" && !r.changes.is_empty());
    if args.last {
        return Ok((migrations.into_iter().find(|r| !r.fully_undone()), None));
    }
    let start = args
        .path
        .as_deref()
        .map_or_else(|| env.cwd.clone(), |p| env.abs(p));
    let repo = repo::discover(&start)?;
    let root = repo.root.display().to_string();
    let mut migrations = migrations.peekable();
    if migrations.peek().is_none() {
        return Ok((None, None));
    }
    let found = migrations
        .into_iter()
        .find(|r| !r.repo_undone(&root) && r.changes.iter().any(|c| c.repo == root));
    Ok((found, Some(root)))
}
