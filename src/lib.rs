//! git-https: move git remotes from SSH to HTTPS, for personal access tokens.
//!
//! The pure core (`url`, `hosts`, `insteadof`, `plan`, `gitconfig`, `token`) does no I/O; the
//! adapters (`repo`, `journal`, `discover`, `settings`, `output`) touch the world; `commands`
//! holds one file per subcommand.

pub mod api;
pub mod cli;
pub mod commands;
pub mod credential;
pub mod discover;
pub mod engine;
pub mod env;
pub mod error;
pub mod gitconfig;
pub mod hosts;
pub mod insteadof;
pub mod journal;
pub mod keystore;
pub mod output;
pub mod plan;
pub mod prompt;
pub mod repo;
pub mod settings;
pub mod token;
pub mod url;

use cli::{Cli, Command};
use env::Env;

/// Runs one command; the seam the binary and tests share. Returns the exit status.
pub fn run(cli: Cli, env: &Env) -> anyhow::Result<u8> {
    output::init_colors(cli.color, env);
    match cli.command {
        Command::Convert(a) => commands::convert::run(a, env),
        Command::Status(a) => commands::status::run(a, env),
        Command::Migrate(a) => commands::migrate::run(a, env),
        Command::Undo(a) => commands::undo::run(a, env),
        Command::Runs(a) => commands::runs::run(a, env),
        Command::Login(a) => commands::login::run(a, env),
        Command::Logout(a) => commands::logout::run(a, env),
        Command::Credential(a) => commands::credential::run(a, env),
    }
}
