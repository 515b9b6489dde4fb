//! `git-https migrate`: switch SSH remotes to HTTPS in one repository, or in every repository
//! under folders with `--recursive`. The command line becomes the engine's options; the
//! engine (`engine::migrate`) plans, confirms, applies and reports.

use anyhow::Result;

use crate::cli::MigrateArgs;
use crate::engine::migrate::{self, MigrateOptions, Migrated};
use crate::env::Env;

pub fn run(args: MigrateArgs, env: &Env) -> Result<u8> {
    migrate::run(&options(&args), env, &mut Migrated::default())
}

/// The engine's options from the command line's.
fn options(args: &MigrateArgs) -> MigrateOptions {
    MigrateOptions {
        selection: args.selection.to_engine(),
        maps: args.map.maps.clone(),
        remote: args.remote.clone(),
        hosts: args.hosts.clone(),
        submodules: args.submodules,
        gitmodules: args.gitmodules,
        strip_credentials: args.strip_credentials,
        fix_insteadof: args.fix_insteadof,
        dry_run: args.dry_run,
        yes: args.yes,
        json: args.json,
        plan_shown: false,
        caller_summarizes: false,
    }
}
