//! `git-https migrate`: switch SSH remotes to HTTPS in one repository, or in every repository
//! under folders with `--recursive`. The command line becomes the engine's options; the
//! engine (`engine::migrate`) plans, confirms, applies and reports.

use anyhow::Result;

use crate::cli::MigrateArgs;
use crate::engine::migrate::{self, MigrateOptions};
use crate::env::Env;

// Setup names the type through here; it goes once setup calls the engine directly.
pub use crate::engine::migrate::Migrated;

pub fn run(args: MigrateArgs, env: &Env) -> Result<u8> {
    migrate::run(&options(&args), env, &mut Migrated::default())
}

/// Runs a migration, telling `done` what it wrote. Kept for setup, which will call
/// `engine::migrate::run` directly.
pub fn run_migrate(args: MigrateArgs, env: &Env, done: &mut Migrated) -> Result<u8> {
    migrate::run(&options(&args), env, done)
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
    }
}
