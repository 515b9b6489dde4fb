//! `git-https runs`: the journal's runs, oldest first.

use std::io::Write;

use anyhow::Result;

use crate::cli::RunsArgs;
use crate::core::redact::Redacted;
use crate::env::Env;
use crate::error;
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

pub fn run(args: RunsArgs, env: &Env) -> Result<u8> {
    let journal = Journal::new(&env.state_dir());
    let (runs, bad) = journal.runs()?;
    for b in &bad {
        output::warn(crate::core::redact::printable(b));
    }
    let mut out = output::stdout();
    if !args.json && runs.is_empty() {
        env.out
            .note(format!("no runs in {}", journal.dir().display()));
    } else if !args.json {
        writeln!(out, "{}", output::heading(RunLine::HEADER))?;
    }
    for r in &runs {
        let l = line(r);
        if args.json {
            report::json(&mut out, &Line::Run(l))?;
        } else {
            l.human(&mut out)?;
        }
    }
    out.flush()?;
    Ok(error::OK)
}
