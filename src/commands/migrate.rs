//! `git-https migrate`: switch SSH remotes to HTTPS in one repository, or in every repository
//! under folders with `--recursive`. Plan, confirm, journal, apply, report.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Result;
use serde_json::json;

use crate::cli::MigrateArgs;
use crate::engine::{self, Ctx, FileEdits, FileOutcome, Observed};
use crate::env::Env;
use crate::error::{self, with_hint};
use crate::journal::{ChangeRecord, Journal, Record, now};
use crate::output;
use crate::plan::{self, Outcome};
use crate::prompt;
use crate::repo::{self, ApplyError, Edit};
use crate::settings;
use crate::url::{self, redact};

pub fn run(args: MigrateArgs, env: &Env) -> Result<u8> {
    let hosts = settings::load_host_rules(env, &args.map.maps)?;
    let global_rules = repo::global_rules(env)?;
    let recursive = args.selection.recursive;
    let progress = prompt::Progress::new(env.stderr_tty && recursive && !args.json);
    progress.spin("searching for repositories");
    let selected = engine::select(env, &args.selection)?;
    let opts = plan::Options {
        remote: args.remote.clone(),
        hosts: args.hosts.clone(),
        submodules: args.submodules || args.gitmodules,
        gitmodules: args.gitmodules,
        strip_credentials: args.strip_credentials,
    };
    let ctx = Ctx {
        hosts,
        global_rules,
        opts,
    };
    let workers = engine::Workers::new(engine::thread_count(args.selection.jobs));
    progress.spin(&format!(
        "planning {}",
        output::count(selected.repos.len(), "repository", "repositories")
    ));

    // The plan goes into the run's journal as it is made (not into memory); the file is
    // deleted again unless the plan is confirmed.
    let journal = Journal::new(&env.state_dir());
    let paths: Vec<String> = selected
        .roots
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut spool = if args.dry_run {
        None
    } else {
        Some(journal.begin("migrate", &paths, None)?)
    };
    let mut failures = selected.failures;
    let mut summary = Summary::default();
    let mut out = output::stdout();
    for f in &failures {
        output::failure(&mut out, f, args.json)?;
    }
    let time = now();
    engine::for_each_planned(selected.repos, &ctx, &workers, recursive, |result| {
        let o = match result {
            Ok(o) => o,
            Err(f) => {
                output::failure(&mut out, &f, args.json)?;
                failures.push(f);
                return Ok(());
            }
        };
        summary.add(&o);
        show_plan(&mut out, &o, &args, recursive)?;
        if let Some(run) = &mut spool {
            for f in engine::edits_of(&o) {
                summary.files += 1;
                for e in f.edits {
                    run.record(&change_record(&run.id, &time, &f.repo, &f.path, f.kind, e))?;
                }
            }
        }
        Ok(())
    })?;
    summary.failed = failures.len();
    progress.clear();
    out.flush()?;
    if !args.json {
        summary.print_plan(recursive);
    }
    let failed_exit = if failures.is_empty() {
        error::OK
    } else {
        error::FAILURE
    };
    let planned = summary.planned();
    if planned == 0 || args.dry_run {
        if args.json {
            output::json_line(
                &mut out,
                &summary.json(None, args.dry_run, &Tally::default()),
            )?;
        } else if planned == 0 {
            output::note("nothing to change");
        } else {
            output::note("dry run: nothing changed");
        }
        out.flush()?;
        return Ok(failed_exit);
    }
    let question = format!(
        "Rewrite {} in {}?",
        output::count(planned, "URL", "URLs"),
        output::count(summary.repos_to_change, "repository", "repositories")
    );
    if !args.yes && !prompt::confirm(env, &question)? {
        if !env.interactive() {
            return Err(with_hint(
                "refusing to change remotes without confirmation: no terminal to ask on",
                "pass --yes to apply the plan, or --dry-run to only show it",
            ));
        }
        output::note("nothing changed");
        return Ok(error::FAILURE);
    }

    engine::stop_on_signals();
    let mut run = spool.expect("a plan is spooled unless --dry-run");
    run.keep();
    // Repositories that could not be read belong in the run's count of failures too.
    for f in &failures {
        let path = f.path.display().to_string();
        run.record(&Record::Result {
            repo: path.clone(),
            file: path,
            ok: false,
            error: Some(f.line()),
        })?;
    }
    // Every change is on disk before the first config is touched.
    let plan_end = run.sync()?;
    run.record(&Record::Applying { time: now() })?;
    run.sync()?;

    progress.bar(summary.files as u64, "migrating");
    let mut tally = Tally::default();
    let mut plan = journal.read_plan(&run.id, plan_end)?.peekable();
    while plan.peek().is_some() {
        let batch = plan
            .by_ref()
            .take(engine::BATCH)
            .collect::<Result<Vec<FileEdits>>>()?;
        let outcomes = engine::apply_all(&batch, &workers, &|ok| progress.inc(ok));
        for o in &outcomes {
            run.record(&o.record())?;
            tally.add(o);
            report_outcome(&mut out, o, args.json)?;
        }
    }
    progress.clear();
    run.record(&Record::End {
        time: now(),
        changed: tally.written,
        failed: tally.failed.len() + failures.len(),
    })?;
    run.sync()?;
    if args.json {
        output::json_line(&mut out, &summary.json(Some(&run.id), false, &tally))?;
    }
    out.flush()?;
    if !args.json {
        tally.print(failures.len(), summary.repos_unchanged);
        output::note(format!(
            "run {} (undo it with: git-https undo --run {})",
            run.id, run.id
        ));
    }
    Ok(
        if failures.is_empty() && tally.failed.is_empty() && tally.interrupted == 0 {
            error::OK
        } else {
            error::FAILURE
        },
    )
}

/// The journal's record of one planned change. An old value that held credentials is kept
/// redacted (so it cannot be restored, and the journal never holds a secret).
fn change_record(
    run: &str,
    time: &str,
    repo: &Path,
    file: &Path,
    kind: plan::FileKind,
    mut edit: Edit,
) -> Record {
    let redacted = url::parse(&edit.old).is_ok_and(|p| p.leaks_credentials());
    edit.old = redact(&edit.old);
    Record::Change(ChangeRecord {
        run: run.to_string(),
        time: time.to_string(),
        repo: repo.display().to_string(),
        file: file.display().to_string(),
        file_kind: kind,
        key: format!("{}.{}.{}", edit.section, edit.subsection, edit.name),
        edit,
        redacted,
    })
}

/// What applying came to, file by file.
#[derive(Default)]
struct Tally {
    repos_migrated: usize,
    written: usize,
    already: usize,
    interrupted: usize,
    failed: Vec<String>,
}

impl Tally {
    fn add(&mut self, o: &FileOutcome<'_>) {
        match &o.result {
            Ok(a) => {
                self.repos_migrated += usize::from(a.written > 0);
                self.written += a.written;
                self.already += a.already;
            }
            Err(ApplyError::Interrupted) => self.interrupted += 1,
            Err(ApplyError::Other(e)) => self.failed.push(format!("{}: {e:#}", o.repo.display())),
            Err(e) => self.failed.push(e.to_string()),
        }
    }

    /// The final table by outcome, then one line per failure.
    fn print(&self, unreadable: usize, unchanged: usize) {
        output::note(format!("{:<14} {:>7}", "outcome", "repos"));
        let row = |name: &str, n: String, extra: String| {
            output::note(format!("{name:<14} {n:>7}  {}", output::dim(&extra)))
        };
        if self.repos_migrated > 0 {
            row(
                "migrated",
                self.repos_migrated.to_string(),
                output::count(self.written, "URL", "URLs") + " rewritten",
            );
        }
        if self.already > 0 {
            row(
                "already done",
                "-".into(),
                output::count(self.already, "URL", "URLs") + " already had the new value",
            );
        }
        if unchanged > 0 {
            row("nothing to do", unchanged.to_string(), String::new());
        }
        if !self.failed.is_empty() || unreadable > 0 {
            row(
                "failed",
                (self.failed.len() + unreadable).to_string(),
                String::new(),
            );
        }
        if self.interrupted > 0 {
            row(
                "not reached",
                self.interrupted.to_string(),
                "(interrupted)".into(),
            );
        }
        for f in &self.failed {
            output::error_line(f);
        }
        if self.interrupted > 0 {
            output::warn(format!(
                "interrupted: {} not changed; rerun to finish, or undo the run",
                output::count(self.interrupted, "file", "files")
            ));
        }
    }
}

/// Counts for the plan summary.
#[derive(Default)]
struct Summary {
    repos: usize,
    repos_to_change: usize,
    repos_unchanged: usize,
    by_host: BTreeMap<String, usize>,
    already_https: usize,
    skipped: BTreeMap<String, usize>,
    leaks: usize,
    listed: usize,
    warnings: usize,
    /// Rules that would undo the migration, with how many URLs each turns back.
    undoing_rules: BTreeMap<String, usize>,
    failed: usize,
    /// Files with planned changes.
    files: usize,
}

impl Summary {
    fn add(&mut self, o: &Observed) {
        self.repos += 1;
        if o.plan.change_count() > 0 {
            self.repos_to_change += 1;
        } else {
            self.repos_unchanged += 1;
        }
        self.warnings += o.plan.warnings.len();
        for w in &o.plan.warnings {
            *self.undoing_rules.entry(w.rule.clone()).or_default() += 1;
        }
        for i in &o.plan.items {
            match &i.outcome {
                Outcome::Change { new } => {
                    let host = ::url::Url::parse(new)
                        .ok()
                        .and_then(|u| u.host_str().map(str::to_string))
                        .unwrap_or_default();
                    *self.by_host.entry(host).or_default() += 1;
                }
                Outcome::AlreadyHttps => self.already_https += 1,
                Outcome::Skipped { reason } => {
                    *self.skipped.entry(reason.clone()).or_default() += 1
                }
                Outcome::Leak { .. } => self.leaks += 1,
                Outcome::Listed { .. } => self.listed += 1,
                Outcome::Filtered => {}
            }
        }
    }

    fn planned(&self) -> usize {
        self.by_host.values().sum()
    }

    fn print_plan(&self, recursive: bool) {
        let hosts: Vec<String> = self
            .by_host
            .iter()
            .map(|(h, n)| format!("{h}: {n}"))
            .collect();
        let to_change: usize = self.by_host.values().sum();
        let mut line = format!("plan: {} to HTTPS", output::count(to_change, "URL", "URLs"));
        if !hosts.is_empty() {
            line.push_str(&format!(" ({})", hosts.join(", ")));
        }
        if recursive {
            let repos = output::count(self.repos_to_change, "repository", "repositories");
            line.push_str(&format!(" in {repos} of {} found", self.repos));
        }
        line.push_str(&format!("; {} already HTTPS", self.already_https));
        let skipped: usize = self.skipped.values().sum();
        if skipped > 0 {
            line.push_str(&format!("; {skipped} left alone"));
        }
        if self.failed > 0 {
            line.push_str(&format!(
                "; {} unreadable",
                output::count(self.failed, "repository", "repositories")
            ));
        }
        output::note(line);
        if recursive {
            for (reason, n) in &self.skipped {
                output::note(format!("  left alone ×{n}: {reason}"));
            }
        }
        if recursive {
            for (rule, n) in &self.undoing_rules {
                output::warn(format!(
                    "{rule} turns {} back into non-HTTPS URLs",
                    output::count(*n, "migrated URL", "migrated URLs")
                ));
            }
        }
        if self.leaks > 0 {
            output::warn(format!(
                "{} hold credentials in plain text; --strip-credentials removes them (then revoke those tokens)",
                output::count(self.leaks, "HTTPS URL", "HTTPS URLs")
            ));
        }
        if self.listed > 0 {
            output::note(format!(
                "{} in .gitmodules still use SSH; --gitmodules rewrites the tracked file",
                self.listed
            ));
        }
    }

    fn json(&self, run: Option<&str>, dry_run: bool, tally: &Tally) -> serde_json::Value {
        json!({
            "type": "summary",
            "run": run,
            "dry_run": dry_run,
            "repos": self.repos,
            "repos_to_change": self.repos_to_change,
            "planned": self.planned(),
            "by_host": self.by_host,
            "changed": tally.written,
            "already": tally.already,
            "already_https": self.already_https,
            "skipped": self.skipped.values().sum::<usize>(),
            "leaks": self.leaks,
            "warnings": self.warnings,
            "failed": self.failed + tally.failed.len(),
            "interrupted": tally.interrupted,
        })
    }
}

fn show_plan(
    out: &mut impl Write,
    o: &Observed,
    args: &MigrateArgs,
    recursive: bool,
) -> std::io::Result<()> {
    {
        let repo = o.repo.root.display().to_string();
        if args.json {
            for i in &o.plan.items {
                let rec = match &i.outcome {
                    Outcome::Change { new } if args.dry_run => {
                        json!({"type": "change", "status": "planned", "repo": repo, "file": i.slot.file, "key": i.slot.key(), "old": redact(&i.slot.value), "new": new})
                    }
                    Outcome::Skipped { reason } => {
                        json!({"type": "skip", "repo": repo, "key": i.slot.key(), "value": redact(&i.slot.value), "reason": reason})
                    }
                    Outcome::Leak { new } => {
                        json!({"type": "leak", "repo": repo, "key": i.slot.key(), "value": redact(&i.slot.value), "https": new})
                    }
                    Outcome::Listed { new } => {
                        json!({"type": "listed", "repo": repo, "key": i.slot.key(), "value": i.slot.value, "https": new})
                    }
                    _ => continue,
                };
                output::json_line(out, &rec)?;
            }
            for w in &o.plan.warnings {
                output::json_line(
                    out,
                    &json!({"type": "warning", "repo": repo, "message": w.to_string()}),
                )?;
            }
            return Ok(());
        }
        let interesting: Vec<_> = o
            .plan
            .items
            .iter()
            .filter(|i| !matches!(i.outcome, Outcome::Filtered | Outcome::AlreadyHttps))
            .collect();
        if (recursive && !args.dry_run) || interesting.is_empty() && o.plan.warnings.is_empty() {
            return Ok(());
        }
        writeln!(out, "{}", output::heading(&repo))?;
        for i in interesting {
            let key = format!("{}.{}", i.slot.subsection, i.slot.name);
            let key = if i.slot.section == "submodule" {
                format!("submodule.{key}")
            } else {
                key
            };
            let file = if i.slot.file == plan::FileKind::Gitmodules {
                " (.gitmodules)"
            } else {
                ""
            };
            match &i.outcome {
                Outcome::Change { new } => writeln!(
                    out,
                    "  {key}{file}  {} → {}",
                    output::old(&redact(&i.slot.value)),
                    output::new(new)
                )?,
                Outcome::Leak { new } => writeln!(
                    out,
                    "  {key}{file}  {} → {}  {}",
                    output::old(&redact(&i.slot.value)),
                    new,
                    output::dim("(holds credentials; --strip-credentials)")
                )?,
                Outcome::Listed { new } => writeln!(
                    out,
                    "  {key}{file}  {} → {}  {}",
                    i.slot.value,
                    new,
                    output::dim("(with --gitmodules)")
                )?,
                Outcome::Skipped { reason } => writeln!(
                    out,
                    "  {key}{file}  {}  {}",
                    redact(&i.slot.value),
                    output::dim(&format!("left alone: {reason}"))
                )?,
                _ => {}
            }
        }
        out.flush()?;
        for w in &o.plan.warnings {
            output::warn(format!("{repo}: {w}"));
        }
    }
    Ok(())
}

fn report_outcome(out: &mut impl Write, o: &FileOutcome<'_>, json: bool) -> std::io::Result<()> {
    if !json {
        return Ok(());
    }
    let status = match &o.result {
        Ok(_) => "changed",
        Err(_) => "failed",
    };
    let error = o.result.as_ref().err().map(ToString::to_string);
    for e in o.edits {
        output::json_line(
            out,
            &json!({
                "type": "change", "status": status, "repo": o.repo, "file": o.path,
                "key": format!("{}.{}.{}", e.section, e.subsection, e.name),
                "old": redact(&e.old), "new": e.new, "error": error,
            }),
        )?;
    }
    Ok(())
}
