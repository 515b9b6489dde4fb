//! `git-https runs`: the journal's runs, oldest first.

use std::io::Write;

use anyhow::Result;

use crate::cli::RunsArgs;
use crate::core::redact::Redacted;
use crate::env::Env;
use crate::error;
use crate::io::clock;
use crate::io::journal::{Journal, Run};
use crate::ui::output;
use crate::ui::report::{self, Line, RunLine};

fn state(r: &Run) -> &'static str {
    if r.command == "undo" {
        "-"
    } else if !r.applying {
        "not applied"
    } else if r.fully_undone() {
        "undone"
    } else if !r.undone.is_empty() {
        "partly undone"
    } else if !r.finished || r.interrupted > 0 || r.not_reached > 0 {
        "interrupted"
    } else if r.failed > 0 && r.written_results == 0 {
        "failed"
    } else if r.failed > 0 {
        "partly applied"
    } else if r.wrote_nothing() {
        // Every value was already new: another run (at the same time) or a hand edit did it.
        "nothing written"
    } else {
        "applied"
    }
}

fn line(r: &Run) -> RunLine {
    RunLine {
        run: r.id.clone(),
        time: r.time.clone(),
        shown_time: String::new(),
        command: r.command.clone(),
        paths: r.paths.iter().map(|p| Redacted::path(p)).collect(),
        reverts: r.reverts.clone(),
        repos: r.repos(),
        changes: r.changes.len(),
        // What was written, from the end record or, for a killed run, the results.
        written: r.written.or((r.applying).then_some(r.written_results)),
        failed: r.failed,
        interrupted: r.interrupted.max(r.not_reached),
        finished: r.finished,
        state: state(r),
    }
}

/// Each line's time to the minute, local; all in UTC where one local time cannot be had (the
/// table has one zone, named in its header). Whether it is UTC.
fn show_times(lines: &mut [RunLine]) -> bool {
    // A time that does not parse has no zone to miss.
    let local: Option<Vec<Option<String>>> = lines
        .iter()
        .map(|l| match clock::utc_minute(&l.time) {
            None => Some(None),
            Some(_) => clock::local_minute(&l.time).map(Some),
        })
        .collect();
    let utc = local.is_none();
    for (i, l) in lines.iter_mut().enumerate() {
        let shown = match &local {
            Some(t) => t[i].clone(),
            None => clock::utc_minute(&l.time),
        };
        // A time that does not parse is shown as the journal has it.
        l.shown_time = shown.unwrap_or_else(|| l.time.clone());
    }
    utc
}

pub fn run(args: RunsArgs, env: &Env) -> Result<u8> {
    let journal = Journal::new(&env.state_dir());
    let (runs, bad) = journal.runs()?;
    for b in &bad {
        output::warn(crate::core::redact::printable(b));
    }
    let mut out = output::stdout();
    let mut lines: Vec<RunLine> = runs.iter().map(line).collect();
    if !args.json && runs.is_empty() {
        env.out
            .note(format!("no runs in {}", journal.dir().display()));
    } else if !args.json {
        let utc = show_times(&mut lines);
        writeln!(out, "{}", output::heading(&RunLine::header(utc)))?;
    }
    for l in lines {
        if args.json {
            report::json(&mut out, &Line::Run(l))?;
        } else {
            l.human(&mut out)?;
        }
    }
    out.flush()?;
    Ok(error::OK)
}
