//! `git-https migrate`: switch SSH remotes to HTTPS in one repository, or in every repository
//! under folders with `--recursive`. Plan, confirm, journal, apply, report.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::{Result, bail};
use serde_json::json;

use crate::cli::MigrateArgs;
use crate::engine::{self, Ctx, FileEdits, FileOutcome, Observed};
use crate::env::Env;
use crate::error::{self, with_hint};
use crate::journal::{ChangeRecord, Journal, Record, now};
use crate::output;
use crate::plan::{self, Outcome};
use crate::prompt;
use crate::repo::{self, ApplyError};
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
    let threads = engine::thread_count(args.selection.jobs);
    progress.spin(&format!(
        "reading {}",
        output::count(selected.repos.len(), "repository", "repositories")
    ));
    let (observed, mut failures) = engine::observe(selected.repos, &ctx, threads);
    failures.extend(selected.failures);
    progress.clear();
    if !recursive {
        if let Some(f) = failures.first() {
            bail!("{}", f.line());
        }
        if let (Some(name), Some(o)) = (&args.remote, observed.first()) {
            if !o
                .plan
                .items
                .iter()
                .any(|i| i.slot.section == "remote" && &i.slot.subsection == name)
            {
                bail!("no remote named '{name}' in {}", o.repo.root.display());
            }
        }
    }

    let mut out = output::stdout();
    let files: Vec<FileEdits> = observed.iter().flat_map(engine::edits_of).collect();
    let summary = Summary::of(&observed, failures.len());
    show_plan(&mut out, &observed, &args, recursive)?;
    for f in &failures {
        if args.json {
            output::json_line(
                &mut out,
                &json!({"type": "failure", "path": f.path, "error": f.error}),
            )?;
        } else {
            out.flush()?;
            output::error_line(f.line());
        }
    }
    out.flush()?;
    if !args.json {
        summary.print_plan(recursive);
    }
    let failed_exit = if failures.is_empty() {
        error::OK
    } else {
        error::FAILURE
    };
    if files.is_empty() || args.dry_run {
        if args.json {
            output::json_line(
                &mut out,
                &summary.json(None, args.dry_run, 0, 0, failures.len()),
            )?;
        } else if files.is_empty() {
            output::note("nothing to change");
        } else {
            output::note("dry run: nothing changed");
        }
        out.flush()?;
        return Ok(failed_exit);
    }
    let n = files.iter().map(|f| f.edits.len()).sum::<usize>();
    let question = format!(
        "Rewrite {} in {}?",
        output::count(n, "URL", "URLs"),
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
    // Journal every change, synced, before the first config is touched.
    let journal = Journal::new(&env.state_dir());
    let paths: Vec<String> = selected
        .roots
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut run = journal.begin("migrate", &paths, None)?;
    let time = now();
    for f in &files {
        for e in &f.edits {
            let redacted = url::parse(&e.old).is_ok_and(|p| p.leaks_credentials());
            let mut edit = e.clone();
            edit.old = redact(&e.old);
            run.record(&Record::Change(ChangeRecord {
                run: run.id.clone(),
                time: time.clone(),
                repo: f.repo.display().to_string(),
                file: f.path.display().to_string(),
                file_kind: f.kind,
                key: format!("{}.{}.{}", e.section, e.subsection, e.name),
                edit,
                redacted,
            }))?;
        }
    }
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
    run.sync()?;

    progress.bar(files.len() as u64, "migrating");
    let outcomes = engine::apply_all(&files, threads, &|ok| progress.inc(ok));
    progress.clear();
    let mut applied = 0;
    let mut already = 0;
    let mut failed_files = 0;
    for o in &outcomes {
        let error = o.result.as_ref().err().map(ToString::to_string);
        run.record(&Record::Result {
            repo: o.repo.display().to_string(),
            file: o.path.display().to_string(),
            ok: error.is_none(),
            error: error.clone(),
        })?;
        match &o.result {
            Ok(a) => {
                applied += a.written;
                already += a.already;
            }
            Err(_) => failed_files += 1,
        }
        report_outcome(&mut out, o, args.json)?;
    }
    run.record(&Record::End {
        time: now(),
        changed: applied,
        failed: failed_files,
    })?;
    run.sync()?;
    if args.json {
        output::json_line(
            &mut out,
            &summary.json(
                Some(&run.id),
                false,
                applied,
                already,
                failures.len() + failed_files,
            ),
        )?;
    }
    out.flush()?;
    let interrupted = outcomes
        .iter()
        .filter(|o| matches!(o.result, Err(ApplyError::Interrupted)))
        .count();
    if !args.json {
        print_result_table(&outcomes, &failures, summary.repos_unchanged);
        if interrupted > 0 {
            output::warn(format!(
                "interrupted: {} not changed; rerun to finish, or undo the run",
                output::count(interrupted, "file", "files")
            ));
        }
        output::note(format!(
            "run {} (undo it with: git-https undo --run {})",
            run.id, run.id
        ));
    }
    Ok(if failures.is_empty() && failed_files == 0 {
        error::OK
    } else {
        error::FAILURE
    })
}

/// Counts for the plan summary.
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
}

impl Summary {
    fn of(observed: &[Observed], failed: usize) -> Summary {
        let mut s = Summary {
            repos: observed.len(),
            repos_to_change: 0,
            repos_unchanged: 0,
            by_host: BTreeMap::new(),
            already_https: 0,
            skipped: BTreeMap::new(),
            leaks: 0,
            listed: 0,
            warnings: 0,
            undoing_rules: BTreeMap::new(),
            failed,
        };
        for o in observed {
            if o.plan.change_count() > 0 {
                s.repos_to_change += 1;
            } else {
                s.repos_unchanged += 1;
            }
            s.warnings += o.plan.warnings.len();
            for w in &o.plan.warnings {
                *s.undoing_rules.entry(w.rule.clone()).or_default() += 1;
            }
            for i in &o.plan.items {
                match &i.outcome {
                    Outcome::Change { new } => {
                        let host = ::url::Url::parse(new)
                            .ok()
                            .and_then(|u| u.host_str().map(str::to_string))
                            .unwrap_or_default();
                        *s.by_host.entry(host).or_default() += 1;
                    }
                    Outcome::AlreadyHttps => s.already_https += 1,
                    Outcome::Skipped { reason } => {
                        *s.skipped.entry(reason.clone()).or_default() += 1
                    }
                    Outcome::Leak { .. } => s.leaks += 1,
                    Outcome::Listed { .. } => s.listed += 1,
                    Outcome::Filtered => {}
                }
            }
        }
        s
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

    fn json(
        &self,
        run: Option<&str>,
        dry_run: bool,
        changed: usize,
        already: usize,
        failed: usize,
    ) -> serde_json::Value {
        json!({
            "type": "summary",
            "run": run,
            "dry_run": dry_run,
            "repos": self.repos,
            "repos_to_change": self.repos_to_change,
            "planned": self.by_host.values().sum::<usize>(),
            "by_host": self.by_host,
            "changed": changed,
            "already": already,
            "already_https": self.already_https,
            "skipped": self.skipped.values().sum::<usize>(),
            "leaks": self.leaks,
            "warnings": self.warnings,
            "failed": failed,
        })
    }
}

fn show_plan(
    out: &mut impl Write,
    observed: &[Observed],
    args: &MigrateArgs,
    recursive: bool,
) -> std::io::Result<()> {
    for o in observed {
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
            continue;
        }
        let interesting: Vec<_> = o
            .plan
            .items
            .iter()
            .filter(|i| !matches!(i.outcome, Outcome::Filtered | Outcome::AlreadyHttps))
            .collect();
        if (recursive && !args.dry_run) || interesting.is_empty() && o.plan.warnings.is_empty() {
            continue;
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

fn print_result_table(
    outcomes: &[FileOutcome<'_>],
    read_failures: &[crate::discover::Failure],
    unchanged: usize,
) {
    let mut migrated = (0usize, 0usize);
    let mut already = 0usize;
    let mut interrupted = 0usize;
    let mut failed: Vec<String> = Vec::new();
    for o in outcomes {
        match &o.result {
            Ok(a) => {
                if a.written > 0 {
                    migrated.0 += 1;
                    migrated.1 += a.written;
                }
                already += a.already;
            }
            Err(ApplyError::Interrupted) => interrupted += 1,
            Err(e) => failed.push(match e {
                ApplyError::Other(e) => format!("{}: {e:#}", o.repo.display()),
                e => e.to_string(),
            }),
        }
    }
    let rows = [
        (
            "migrated",
            migrated.0,
            output::count(migrated.1, "URL", "URLs") + " rewritten",
        ),
        (
            "already done",
            0,
            output::count(already, "URL", "URLs") + " already had the new value",
        ),
        ("nothing to do", unchanged, String::new()),
        ("failed", failed.len() + read_failures.len(), String::new()),
        ("not reached", interrupted, String::from("(interrupted)")),
    ];
    output::note(format!("{:<14} {:>7}", "outcome", "repos"));
    for (name, n, extra) in rows {
        if n == 0 && (name != "already done" || already == 0) {
            continue;
        }
        let n = if name == "already done" {
            String::from("-")
        } else {
            n.to_string()
        };
        output::note(format!("{name:<14} {n:>7}  {}", output::dim(&extra)));
    }
    for f in failed {
        output::error_line(f);
    }
}
