//! `git-https migrate`: switch SSH remotes to HTTPS in one repository, or in every repository
//! under folders with `--recursive`. Plan (spooled into the journal), confirm, apply, report.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;

use crate::cli::MigrateArgs;
use std::path::Path;

use crate::core::change::{ConfigKey, Edit, FileEdits, FileKind};
use crate::core::insteadof::Rule;
use crate::core::plan::{self, Item, Outcome};
use crate::core::redact::Redacted;
use crate::engine::{self, Confirm, Ctx, Finished, Observed, Spool, Tally};
use crate::env::Env;
use crate::error;
use crate::io::{repo, settings};
use crate::ui::output;
use crate::ui::progress::Progress;
use crate::ui::report::{self, Line};

/// What a migration did, for a caller that runs it (setup).
#[derive(Debug, Default)]
pub struct Migrated {
    pub run: Option<String>,
    /// URLs written.
    pub written: usize,
    /// insteadOf rules removed.
    pub rules: usize,
}

pub fn run(args: MigrateArgs, env: &Env) -> Result<u8> {
    run_migrate(args, env, &mut Migrated::default())
}

/// Runs a migration, telling `done` what it wrote.
pub fn run_migrate(args: MigrateArgs, env: &Env, done: &mut Migrated) -> Result<u8> {
    let ctx = Ctx {
        env,
        hosts: settings::load_host_rules(env, &args.map.maps)?,
        global_rules: repo::global_rules(env)?,
        opts: plan::Options {
            remote: args.remote.clone(),
            hosts: args.hosts.clone(),
            submodules: args.submodules || args.gitmodules,
            gitmodules: args.gitmodules,
            strip_credentials: args.strip_credentials,
        },
        ownership: Some(repo::Ownership::load(env)?),
    };
    let selection = args.selection.to_engine();
    let recursive = selection.recursive;
    let workers = engine::Workers::new(selection.jobs)?;
    let progress = Progress::new(env.stderr_tty && recursive && !args.json);
    progress.spin("searching for repositories");
    let selected = engine::select(env, &selection)?;
    progress.spin(&format!(
        "planning {}",
        output::count(selected.repos.len(), "repository", "repositories")
    ));

    let mut spool = Spool::begin(env, "migrate", &selected.roots, None, args.dry_run)?;
    let mut failures = selected.failures;
    let mut summary = Summary::default();
    let mut out = output::stdout();
    for f in &failures {
        show_failure(&mut out, f, args.json)?;
    }
    engine::for_each_planned(selected.repos, &ctx, &workers, recursive, |result| {
        let o = match result {
            Ok(o) => o,
            Err(f) => {
                show_failure(&mut out, &f, args.json)?;
                failures.push(f);
                return Ok(());
            }
        };
        summary.add(&o);
        show_plan(&mut out, &o, &args, recursive)?;
        let mut files = engine::edits_of(&o);
        if args.fix_insteadof {
            // A rule in the repository's own config goes in the same atomic write.
            let own: Vec<Edit> = summary
                .rules_in(&o.repo.config)
                .into_iter()
                .map(rule_removal)
                .collect();
            if !own.is_empty() {
                match files.iter_mut().find(|f| f.kind == FileKind::Config) {
                    Some(f) => f.edits.extend(own),
                    None => files.push(FileEdits {
                        repo: o.repo.root.clone(),
                        kind: FileKind::Rules,
                        path: o.repo.config.clone(),
                        edits: own,
                    }),
                }
            }
        }
        for f in files {
            spool.add(&f)?;
        }
        Ok(())
    })?;
    if args.fix_insteadof {
        // Rules in the global or system config, or a file they include: one write a file.
        for f in summary.rule_files() {
            spool.add(&f)?;
        }
    }
    summary.failed = failures.len();
    progress.clear();
    out.flush()?;
    if args.json {
        for (rule, n) in &summary.undoing_rules {
            report::json(
                &mut out,
                &Line::Rule(report::RuleReport {
                    rule: Redacted::new(&rule.describe()),
                    file: Redacted::new(&rule.origin),
                    turns_back: *n,
                    removed: args.fix_insteadof,
                }),
            )?;
        }
    } else {
        summary.print_plan(recursive, args.fix_insteadof);
    }
    let failed_exit = if failures.is_empty() {
        error::OK
    } else {
        error::FAILURE
    };
    let planned = summary.planned();
    let rules_left = if args.fix_insteadof {
        0
    } else {
        summary.undoing_rules.values().sum::<usize>()
    };
    let fixing_rules = args.fix_insteadof && !summary.undoing_rules.is_empty();
    if (planned == 0 && !fixing_rules) || args.dry_run {
        if args.json {
            report::json(&mut out, &summary.line(None, args.dry_run, None))?;
        } else {
            failure_lines(&failures);
            if planned == 0 {
                output::note("nothing to change");
            } else {
                output::note("dry run: nothing changed");
            }
        }
        out.flush()?;
        // Remotes migrated before and still turned back by a rule: as much a failure as on
        // the run that migrated them.
        if !args.dry_run && rules_left > 0 {
            still_ssh(rules_left);
            return Ok(error::FAILURE);
        }
        return Ok(failed_exit);
    }
    let rules = output::count(
        summary.undoing_rules.len(),
        "insteadOf rule",
        "insteadOf rules",
    );
    let question = match (planned, fixing_rules) {
        (0, _) => format!("Remove {rules}?"),
        (_, true) => format!(
            "Rewrite {} in {} and remove {rules}?",
            output::count(planned, "URL", "URLs"),
            output::count(summary.repos_to_change, "repository", "repositories")
        ),
        (_, false) => format!(
            "Rewrite {} in {}?",
            output::count(planned, "URL", "URLs"),
            output::count(summary.repos_to_change, "repository", "repositories")
        ),
    };
    let confirm = Confirm {
        env,
        yes: args.yes,
        question,
        verb: "change remotes",
        hint: "pass --yes to apply the plan, or --dry-run to only show it",
        progress: "migrating",
    };
    let finished = spool.apply(&confirm, &failures, &workers, &progress, |o| {
        if !args.json {
            return Ok(());
        }
        let error = o.error().map(|e| Redacted::new(&e));
        for e in o.edits {
            report::json(
                &mut out,
                &Line::Change(report::Change {
                    status: if error.is_none() { "changed" } else { "failed" },
                    repo: report::path(o.repo),
                    file: report::path(o.path),
                    key: Redacted::new(&e.key.to_string()),
                    old: Redacted::new(&e.old),
                    new: Redacted::new(&e.new),
                    error: error.clone(),
                }),
            )?;
        }
        Ok(())
    })?;
    let Finished::Applied(tally) = finished else {
        output::note("nothing changed");
        return Ok(error::FAILURE);
    };
    done.run = Some(tally.run.clone());
    done.written = tally.written;
    done.rules = tally.rules_written;
    if args.json {
        report::json(
            &mut out,
            &summary.line(Some(&tally.run), false, Some(&tally)),
        )?;
    }
    out.flush()?;
    if !args.json {
        print_tally(&tally, summary.repos_unchanged);
        failure_lines(&failures);
        output::note(format!(
            "run {} (undo it with: git-https undo --run {})",
            tally.run, tally.run
        ));
        crate::commands::status::helper_notes(env, summary.by_host.keys())?;
    }
    if rules_left > 0 {
        still_ssh(rules_left);
    }
    Ok(if tally.clean() && rules_left == 0 {
        error::OK
    } else {
        error::FAILURE
    })
}

fn still_ssh(n: usize) {
    output::error_line(format!(
        "{} still SSH in effect: the insteadOf rules above turn them back (--fix-insteadof removes them)",
        output::count(n, "HTTPS remote URL is", "HTTPS remote URLs are")
    ));
}

/// The edit that removes one rule.
fn rule_removal(rule: &Rule) -> Edit {
    let name = if rule.push {
        "pushinsteadof"
    } else {
        "insteadof"
    };
    Edit::remove(ConfigKey::new("url", Some(&rule.base), name), &rule.prefix)
}

/// A repository that could not be read: a JSON line now; on a terminal its error line comes
/// after the plan's summary (or the result table), one line each, never under a spinner.
fn show_failure(
    out: &mut impl Write,
    f: &crate::io::discover::Failure,
    json: bool,
) -> std::io::Result<()> {
    if json {
        report::json(out, &Line::Failure(report::Failure::new(&f.path, &f.error)))
    } else {
        Ok(())
    }
}

fn failure_lines(failures: &[crate::io::discover::Failure]) {
    for f in failures {
        report::Failure::new(&f.path, &f.error).human();
    }
}

/// The final table by outcome, then one line per failure.
fn print_tally(t: &Tally, unchanged: usize) {
    output::note(format!("{:<14} {:>7}", "outcome", "repos"));
    let row = |name: &str, n: String, extra: String| {
        output::note(format!("{name:<14} {n:>7}  {}", output::dim(&extra)))
    };
    if t.repos_written > 0 {
        row(
            "migrated",
            t.repos_written.to_string(),
            output::count(t.written, "URL", "URLs") + " rewritten",
        );
    }
    if t.rules_written > 0 {
        row(
            "rules removed",
            "-".into(),
            output::count(t.rules_written, "insteadOf rule", "insteadOf rules"),
        );
    }
    if t.already > 0 {
        row(
            "already done",
            "-".into(),
            output::count(t.already, "URL", "URLs") + " already had the new value",
        );
    }
    if unchanged > 0 {
        row("nothing to do", unchanged.to_string(), String::new());
    }
    if !t.failed.is_empty() || t.unreadable > 0 {
        row(
            "failed",
            (t.failed.len() + t.unreadable).to_string(),
            String::new(),
        );
    }
    if t.interrupted > 0 {
        row(
            "not reached",
            t.interrupted.to_string(),
            "(interrupted)".into(),
        );
    }
    for f in &t.failed {
        output::error_line(crate::core::redact::printable(f));
    }
    if t.interrupted > 0 {
        output::warn(format!(
            "interrupted: {} not changed; rerun to finish, or undo the run",
            output::count(t.interrupted, "file", "files")
        ));
    }
}

/// Counts for the plan summary.
#[derive(Default)]
struct Summary {
    repos: usize,
    repos_to_change: usize,
    repos_unchanged: usize,
    by_host: BTreeMap<Redacted, usize>,
    already_https: usize,
    skipped: BTreeMap<Redacted, usize>,
    leaks: usize,
    listed: usize,
    warnings: usize,
    /// Rules that would undo the migration, with how many URLs each turns back.
    undoing_rules: BTreeMap<Rule, usize>,
    failed: usize,
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
        // A URL turned back for fetch and for push is one URL.
        let mut seen = std::collections::HashSet::new();
        for w in &o.plan.warnings {
            if seen.insert((&w.source, &w.remote, &w.url)) {
                *self.undoing_rules.entry(w.source.clone()).or_default() += 1;
            }
        }
        for i in &o.plan.items {
            match &i.outcome {
                Outcome::Change { new } => {
                    let host = crate::core::hosts::host_of(new).unwrap_or_default();
                    *self.by_host.entry(Redacted::new(&host)).or_default() += 1;
                }
                Outcome::AlreadyHttps => self.already_https += 1,
                Outcome::Skipped { reason } => {
                    *self.skipped.entry(Redacted::new(reason)).or_default() += 1
                }
                Outcome::Leak { .. } => self.leaks += 1,
                Outcome::Listed { .. } => self.listed += 1,
                Outcome::Filtered => {}
            }
        }
    }

    /// The undoing rules that live in `file`.
    fn rules_in(&self, file: &Path) -> Vec<&Rule> {
        let file = file.display().to_string();
        self.undoing_rules
            .keys()
            .filter(|r| r.origin == file)
            .collect()
    }

    /// The edits removing the undoing rules that live outside repositories (global, system,
    /// included files), one file each.
    fn rule_files(&self) -> Vec<FileEdits> {
        let mut by_file: BTreeMap<&str, Vec<Edit>> = BTreeMap::new();
        for r in self.undoing_rules.keys() {
            let path = Path::new(&r.origin);
            if path.ends_with(".git/config") || crate::io::repo::is_repository_file(path) {
                continue;
            }
            by_file.entry(&r.origin).or_default().push(rule_removal(r));
        }
        by_file
            .into_iter()
            .map(|(file, edits)| FileEdits {
                repo: Path::new(file)
                    .parent()
                    .unwrap_or(Path::new("/"))
                    .to_path_buf(),
                kind: FileKind::Rules,
                path: file.into(),
                edits,
            })
            .collect()
    }

    fn planned(&self) -> usize {
        self.by_host.values().sum()
    }

    fn print_plan(&self, recursive: bool, fixing: bool) {
        let hosts: Vec<String> = self
            .by_host
            .iter()
            .map(|(h, n)| format!("{h}: {n}"))
            .collect();
        let mut line = format!(
            "plan: {} to HTTPS",
            output::count(self.planned(), "URL", "URLs")
        );
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
        // Once per rule, with the file it is really in.
        for (rule, n) in &self.undoing_rules {
            let what = output::count(*n, "migrated URL", "migrated URLs");
            if fixing {
                output::note(format!(
                    "{} turns {what} back into SSH: it will be removed",
                    Redacted::new(&rule.describe())
                ));
            } else {
                output::warn(format!(
                    "{} turns {what} back into SSH",
                    Redacted::new(&rule.describe())
                ));
            }
        }
        if self.leaks > 0 {
            output::warn(format!(
                "{} credentials in plain text; --strip-credentials removes them (then revoke those tokens)",
                output::count(self.leaks, "HTTPS URL holds", "HTTPS URLs hold")
            ));
        }
        if self.listed > 0 {
            output::note(format!(
                "{} in .gitmodules still use SSH; --gitmodules rewrites the tracked file",
                self.listed
            ));
        }
    }

    fn line(&self, run: Option<&str>, dry_run: bool, tally: Option<&Tally>) -> Line {
        Line::Summary(report::Summary::Migrate(report::MigrateSummary {
            run: run.map(str::to_string),
            dry_run,
            repos: self.repos,
            repos_to_change: self.repos_to_change,
            planned: self.planned(),
            by_host: self.by_host.clone(),
            changed: tally.map_or(0, |t| t.written),
            already: tally.map_or(0, |t| t.already),
            already_https: self.already_https,
            skipped: self.skipped.values().sum(),
            leaks: self.leaks,
            warnings: self.warnings,
            failed: self.failed + tally.map_or(0, |t| t.failed.len()),
            interrupted: tally.map_or(0, |t| t.interrupted),
        }))
    }
}

/// `remote.origin.url` as the plan shows it: `origin.url`, `submodule.x.url`.
fn short_key(i: &Item) -> String {
    let key = &i.slot.key;
    let file = if i.slot.file == FileKind::Gitmodules {
        " (.gitmodules)"
    } else {
        ""
    };
    let short = if key.section == "submodule" {
        key.to_string()
    } else {
        format!("{}.{}", key.sub(), key.name)
    };
    format!("{}{file}", Redacted::new(&short))
}

fn show_plan(
    out: &mut impl Write,
    o: &Observed,
    args: &MigrateArgs,
    recursive: bool,
) -> std::io::Result<()> {
    let repo = report::path(&o.repo.root);
    if args.json {
        for i in &o.plan.items {
            let key = Redacted::new(&i.slot.key.to_string());
            let value = Redacted::new(&i.slot.value);
            let line = match &i.outcome {
                Outcome::Change { new } if args.dry_run => Line::Change(report::Change {
                    status: "planned",
                    repo: repo.clone(),
                    file: report::path(&o.repo.file(i.slot.file).unwrap_or_default()),
                    key,
                    old: value,
                    new: Redacted::new(new),
                    error: None,
                }),
                Outcome::Skipped { reason } => Line::Skip(report::Skip {
                    repo: repo.clone(),
                    key,
                    value,
                    reason: Redacted::new(reason),
                }),
                Outcome::Leak { new } => Line::Leak(report::Leak {
                    repo: repo.clone(),
                    key,
                    value,
                    https: Redacted::new(new),
                }),
                Outcome::Listed { new } => Line::Listed(report::Listed {
                    repo: repo.clone(),
                    key,
                    value,
                    https: Redacted::new(new),
                }),
                _ => continue,
            };
            report::json(out, &line)?;
        }
        return Ok(());
    }
    let interesting: Vec<_> = o
        .plan
        .items
        .iter()
        .filter(|i| !matches!(i.outcome, Outcome::Filtered | Outcome::AlreadyHttps))
        .collect();
    if (recursive && !args.dry_run) || interesting.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", output::heading(&repo.to_string()))?;
    for i in interesting {
        let key = short_key(i);
        let value = Redacted::new(&i.slot.value);
        match &i.outcome {
            Outcome::Change { new } => writeln!(
                out,
                "  {key}  {} → {}",
                output::old(&value.to_string()),
                output::new(&Redacted::new(new).to_string())
            )?,
            Outcome::Leak { new } => writeln!(
                out,
                "  {key}  {} → {}  {}",
                output::old(&value.to_string()),
                Redacted::new(new),
                output::dim("(holds credentials; --strip-credentials)")
            )?,
            Outcome::Listed { new } => writeln!(
                out,
                "  {key}  {value} → {}  {}",
                Redacted::new(new),
                output::dim("(with --gitmodules)")
            )?,
            Outcome::Skipped { reason } => writeln!(
                out,
                "  {key}  {value}  {}",
                output::dim(&format!("left alone: {}", Redacted::new(reason)))
            )?,
            _ => {}
        }
    }
    out.flush()?;
    Ok(())
}
