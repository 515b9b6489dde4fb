//! `git-https setup`: a new machine in one run — for each host a verified token remembered the
//! chosen way, then optionally every checkout under some folders migrated (`engine::setup`).
//! `--json` ends with one line carrying `changed`.

use std::io::Write;

use anyhow::Result;

use crate::cli::SetupArgs;
use crate::core::realm::Realm;
use crate::engine::setup::{self, SetupRequest};
use crate::env::Env;
use crate::error::{self, usage};
use crate::ui::output;
use crate::ui::prompt::Prompter;
use crate::ui::report::{self, Line, SetupReport};

pub fn run(args: SetupArgs, env: &Env) -> Result<u8> {
    let req = SetupRequest {
        // HOST, or HOST/ORG for an Azure DevOps organization (checked once the forge is known).
        realms: args
            .hosts
            .iter()
            .map(|h| Realm::parse(h).map_err(usage))
            .collect::<Result<Vec<_>>>()?,
        opts: args.token.to_engine(),
        aliases: args.aliases,
        migrate: args.migrate,
        maps: args.map.maps,
        fix_insteadof: args.fix_insteadof,
        yes: args.yes,
    };
    let out = setup::run(env, &req, Prompter::new(env.interactive()))?;
    // Stopped between hosts: what was done is said as it was done.
    if out.code == error::INTERRUPTED {
        return Ok(out.code);
    }
    finish(env, args.json, out.report, out.code)
}

/// The closing summary: what changed and how to take it back; `--json`'s one line.
fn finish(env: &Env, json: bool, rep: SetupReport, code: u8) -> Result<u8> {
    if json {
        let mut out = output::stdout();
        report::json(&mut out, &Line::Setup(rep))?;
        out.flush()?;
        return Ok(code);
    }
    if !rep.changed {
        env.out.note("already set up: nothing changed");
    }
    for h in &rep.hosts {
        env.out.note(format!(
            "  {}: {} ({}); undo with: git-https logout --host {}",
            h.host, h.user, h.cache, h.host
        ));
    }
    if let Some(run) = &rep.run {
        env.out.note(format!(
            "  checkouts: {} migrated, {} removed; undo with: git-https undo --run {run}",
            output::count(rep.migrated_urls, "URL", "URLs"),
            output::count(rep.rules_removed, "insteadOf rule", "insteadOf rules")
        ));
    }
    Ok(code)
}
