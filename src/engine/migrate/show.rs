//! What a migration shows: each repository's plan, the plan's summary, JSON lines, the table
//! of outcomes.

use std::io::Write;

use anyhow::Result;

use super::{MigrateOptions, Summary};
use crate::core::plan::{FileKind, Item, Outcome};
use crate::core::redact::Redacted;
use crate::engine::Observed;
use crate::engine::Tally;
use crate::engine::apply::FileOutcome;
use crate::io::discover::Failure;
use crate::ui::output::{self, Output};
use crate::ui::report::{self, Line};

/// A repository that could not be read: a JSON line now; on a terminal its error line comes
/// after the plan's summary (or the result table), one line each, never under a spinner.
pub(super) fn failure(out: &mut impl Write, f: &Failure, json: bool) -> std::io::Result<()> {
    if json {
        report::json(out, &Line::Failure(report::Failure::new(&f.path, &f.error)))
    } else {
        Ok(())
    }
}

fn failure_lines(failures: &[Failure]) {
    for f in failures {
        report::Failure::new(&f.path, &f.error).human();
    }
}

pub(super) fn still_ssh(n: usize) {
    output::error_line(format!(
        "{} still SSH in effect: the insteadOf rules above turn them back (--fix-insteadof removes them)",
        output::count(n, "HTTPS remote URL is", "HTTPS remote URLs are")
    ));
}

/// The rules that turn migrated URLs back: JSON lines, or the plan's summary on a terminal.
pub(super) fn rules(
    say: Output,
    out: &mut impl Write,
    s: &Summary,
    opts: &MigrateOptions,
) -> Result<()> {
    if !opts.json {
        if !opts.plan_shown {
            s.print_plan(say, opts.selection.recursive, opts.fix_insteadof);
        }
        return Ok(());
    }
    for (rule, n) in &s.undoing_rules {
        report::json(
            out,
            &Line::Rule(report::RuleReport {
                rule: Redacted::new(&rule.describe()),
                file: Redacted::new(&rule.origin),
                turns_back: *n,
                removed: opts.fix_insteadof,
            }),
        )?;
    }
    Ok(())
}

/// The end of a migration that applies nothing: a dry run, or nothing to change.
pub(super) fn unapplied(
    say: Output,
    out: &mut impl Write,
    s: &Summary,
    failures: &[Failure],
    opts: &MigrateOptions,
) -> Result<()> {
    if opts.json {
        report::json(out, &s.line(None, opts.dry_run, None))?;
    } else {
        failure_lines(failures);
        if s.planned() == 0 {
            say.note("nothing to change");
        } else {
            say.note("dry run: nothing changed");
        }
    }
    out.flush()?;
    Ok(())
}

/// One file applied: a JSON line per value (nothing on a terminal, which gets the table).
pub(super) fn outcome(out: &mut impl Write, o: &FileOutcome<'_>, json: bool) -> Result<()> {
    if !json {
        return Ok(());
    }
    let error = o.error().map(|e| Redacted::new(&e));
    for e in o.edits {
        report::json(
            out,
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
}

/// The end of a migration applied: the JSON summary, or the table of outcomes, the failures
/// and how to undo it.
pub(super) fn applied(
    say: Output,
    out: &mut impl Write,
    s: &Summary,
    tally: &Tally,
    failures: &[Failure],
    opts: &MigrateOptions,
) -> Result<()> {
    if opts.json {
        report::json(out, &s.line(Some(&tally.run), false, Some(tally)))?;
    }
    out.flush()?;
    if !opts.json {
        print_tally(say, tally, s.repos_unchanged);
        failure_lines(failures);
        if !opts.caller_summarizes {
            say.note(format!(
                "run {} (undo it with: git-https undo --run {})",
                tally.run, tally.run
            ));
        }
    }
    Ok(())
}

/// The final table by outcome, then one line per failure.
fn print_tally(say: Output, t: &Tally, unchanged: usize) {
    say.note(format!("{:<14} {:>7}", "outcome", "repos"));
    let row = |name: &str, n: String, extra: String| {
        say.note(format!("{name:<14} {n:>7}  {}", output::dim(&extra)))
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

impl Summary {
    fn print_plan(&self, say: Output, recursive: bool, fixing: bool) {
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
        say.note(line);
        if recursive {
            for (reason, n) in &self.skipped {
                say.note(format!("  left alone ×{n}: {reason}"));
            }
        }
        // Once per rule, with the file it is really in.
        for (rule, n) in &self.undoing_rules {
            let what = output::count(*n, "migrated URL", "migrated URLs");
            if fixing {
                say.note(format!(
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
            say.note(format!(
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

/// One repository's plan: JSON lines, or (for one repository, or any dry run) its remotes
/// with their new URLs.
pub(super) fn plan(
    out: &mut impl Write,
    o: &Observed,
    opts: &MigrateOptions,
    recursive: bool,
) -> std::io::Result<()> {
    if opts.json {
        return plan_json(out, o, opts.dry_run);
    }
    let repo = report::path(&o.repo.root);
    let interesting: Vec<_> = o
        .plan
        .items
        .iter()
        .filter(|i| !matches!(i.outcome, Outcome::Filtered | Outcome::AlreadyHttps))
        .collect();
    if (recursive && !opts.dry_run) || interesting.is_empty() {
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

/// One repository's plan as JSON lines: what it skips, leaks, lists and (in a dry run)
/// would change.
fn plan_json(out: &mut impl Write, o: &Observed, dry_run: bool) -> std::io::Result<()> {
    let repo = report::path(&o.repo.root);
    for i in &o.plan.items {
        let key = Redacted::new(&i.slot.key.to_string());
        let value = Redacted::new(&i.slot.value);
        let line = match &i.outcome {
            Outcome::Change { new } if dry_run => Line::Change(report::Change {
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
    Ok(())
}
