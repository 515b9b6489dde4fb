//! git-https: move git remotes from SSH to HTTPS, for personal access tokens.
//!
//! Layers, dependencies running one way (commands → engine → io, ui → core):
//! `core` is pure (no file system, environment, processes or libgit2); `io` and `ui` are the
//! adapters (files, journal, keyring, API, git; output, prompts, reports); `engine` selects,
//! plans and applies; `commands` holds one file per subcommand. `env` is the only reader of
//! the process environment.

pub mod cli;
pub mod commands;
pub mod core;
pub mod engine;
pub mod env;
pub mod error;
pub mod io;
pub mod ui;

use cli::{Cli, Command};
use env::Env;

/// Runs one command; the seam the binary and tests share. Returns the exit status.
pub fn run(cli: Cli, env: &Env) -> anyhow::Result<u8> {
    ui::output::init_colors(cli.color, env.no_color, env.stderr_tty);
    match cli.command {
        Command::Convert(a) => commands::convert::run(a, env),
        Command::Status(a) => commands::status::run(a, env),
        Command::Migrate(a) => commands::migrate::run(a, env),
        Command::Undo(a) => commands::undo::run(a, env),
        Command::Runs(a) => commands::runs::run(a, env),
        Command::Login(a) => commands::login::run(a, env),
        Command::Logout(a) => commands::logout::run(a, env),
        Command::Credential(a) => commands::credential::run(a, env),
        Command::Setup(a) => commands::setup::run(a, env),
        Command::Doctor(a) => commands::doctor::run(a, env),
        Command::Completions(a) => commands::completions::run(a),
        Command::Man(args) => commands::man::run(args),
        Command::InstallDocs(a) => commands::install_docs::run(a, env),
    }
}
