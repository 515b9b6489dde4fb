//! `git-https runs`: the journal's runs, oldest first.

use std::io::Write;

use anyhow::Result;
use serde_json::json;

use crate::cli::RunsArgs;
use crate::env::Env;
use crate::error;
use crate::journal::{Journal, Run};
use crate::output;

fn state(r: &Run) -> &'static str {
    if r.command == "undo" {
        "-"
    } else if !r.applying {
        "not applied"
    } else if r.fully_undone() {
        "undone"
    } else if !r.undone.is_empty() {
        "partly undone"
    } else if !r.finished {
        "interrupted"
    } else {
        "applied"
    }
}

pub fn run(args: RunsArgs, env: &Env) -> Result<u8> {
    let journal = Journal::new(&env.state_dir());
    let runs = journal.runs()?;
    let mut out = output::stdout();
    if !args.json && runs.is_empty() {
        output::note(format!("no runs in {}", journal.dir().display()));
    } else if !args.json {
        writeln!(
            out,
            "{}",
            output::heading(&format!(
                "{:<24} {:<24} {:<8} {:>6} {:>7} {:>6}  {:<13} {}",
                "RUN", "TIME", "COMMAND", "REPOS", "CHANGES", "FAILED", "STATE", "PATHS"
            ))
        )?;
    }
    for r in &runs {
        let what = match &r.reverts {
            Some(of) => format!("reverts {of}"),
            None => r.paths.join(" "),
        };
        if args.json {
            output::json_line(
                &mut out,
                &json!({"type": "run", "run": r.id, "time": r.time, "command": r.command, "paths": r.paths, "reverts": r.reverts,
                        "repos": r.repos(), "changes": r.changes.len(), "failed": r.failed, "finished": r.finished, "state": state(r)}),
            )?;
        } else {
            writeln!(
                out,
                "{:<24} {:<24} {:<8} {:>6} {:>7} {:>6}  {:<13} {what}",
                r.id,
                r.time,
                r.command,
                r.repos(),
                r.changes.len(),
                r.failed,
                state(r)
            )?;
        }
    }
    out.flush()?;
    Ok(error::OK)
}
