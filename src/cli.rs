//! The command line: clap derive only; each command's logic is in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod docs;
pub mod pages;

/// The heading of the options every command takes, apart from each command's own.
const GLOBAL: &str = "Global options";

#[derive(Debug, Parser)]
#[command(
    name = "git-https",
    version,
    about = "Move git remotes from SSH to HTTPS for personal access tokens",
    // One width everywhere, so the help the README shows is the help you get.
    term_width = 100,
    after_help = docs::examples_help(docs::TOP_EXAMPLES),
)]
pub struct Cli {
    /// When to use colour (NO_COLOR is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, help_heading = GLOBAL)]
    pub color: ColorChoice,

    /// Only warnings and errors on stderr.
    #[arg(long, short = 'q', global = true, help_heading = GLOBAL)]
    pub quiet: bool,

    /// Also diagnostics on stderr (the files read, the network settings used).
    #[arg(long, short = 'v', action = clap::ArgAction::Count, global = true, help_heading = GLOBAL)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

pub use crate::ui::output::ColorChoice;

#[derive(Debug, Subcommand)]
pub enum Command {
    // In a newcomer's order: setup, the everyday commands, then the tools.
    /// Set up a machine: token, caching, and (optionally) checkouts — guided on a terminal,
    /// scripted with flags.
    #[command(after_help = docs::command_help("setup"))]
    Setup(SetupArgs),
    /// Show each remote's URLs, planned HTTPS URL and the URL git really uses.
    #[command(after_help = docs::command_help("status"))]
    Status(StatusArgs),
    /// Switch SSH remotes to HTTPS (one repository, or every one under folders with --recursive).
    #[command(after_help = docs::command_help("migrate"))]
    Migrate(MigrateArgs),
    /// Restore the URLs a migration replaced.
    #[command(after_help = docs::command_help("undo"))]
    Undo(UndoArgs),
    /// List the runs in the journal.
    #[command(after_help = docs::command_help("runs"))]
    Runs(RunsArgs),
    /// Get a personal access token into git for a host, remembered the way you choose.
    #[command(after_help = docs::command_help("login"))]
    Login(LoginArgs),
    /// Remove a host's token from git's cache, the store file and the keyring, and the helper lines.
    #[command(after_help = docs::command_help("logout"))]
    Logout(LogoutArgs),
    /// Check git, the credential helpers, tokens and remotes, and say what to fix.
    #[command(after_help = docs::command_help("doctor"))]
    Doctor(DoctorArgs),
    /// Print the HTTPS form of each URL.
    #[command(after_help = docs::command_help("convert"))]
    Convert(ConvertArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = docs::command_help("completions"))]
    Completions(CompletionsArgs),
    /// Print the man page (roff), for `man -l -` or a man directory: git-https(1), or with
    /// COMMAND that command's own page, git-https-COMMAND(1).
    #[command(after_help = docs::command_help("man"))]
    Man(ManArgs),
    /// Install the man pages and the bash, zsh and fish completions under a prefix (for
    /// `cargo install` users; packages install them themselves).
    #[command(after_help = docs::command_help("install-docs"))]
    InstallDocs(InstallDocsArgs),
    /// git credential helper backed by the OS keyring (git runs this; see `login --cache keyring`).
    // Hidden from the list (no one types it), still there for git to run.
    #[command(hide = true, after_help = docs::command_help("credential"))]
    Credential(CredentialArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command whose page to print (setup, login, migrate, …).
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct InstallDocsArgs {
    /// Install under DIR: DIR/share/man/man1, DIR/share/bash-completion/completions,
    /// DIR/share/zsh/site-functions, DIR/share/fish/vendor_completions.d [default: ~/.local].
    #[arg(long, value_name = "DIR")]
    pub prefix: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub use crate::core::cache::CacheMode;

/// Where the token comes from, how it is checked and how git remembers it: `login` and
/// `setup` take the same flags.
#[derive(Debug, Clone, Args)]
pub struct TokenArgs {
    /// Read the token from the first line of standard input (setup: one token for every host).
    #[arg(long)]
    pub token_stdin: bool,
    /// The REST API base (default: the forge's for the host, e.g. https://api.github.com for
    /// github.com, https://HOST/api/v3 for GitHub Enterprise Server).
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
    /// Do not check the token with the API (the username stored is then x-access-token).
    #[arg(long)]
    pub no_verify: bool,
    /// The forge the host runs (default: known from the name, `[forges]` in config.toml, or
    /// its public API): github, gitlab, gitea, bitbucket, azure.
    #[arg(long, value_name = "FORGE")]
    pub forge: Option<crate::core::forge::Forge>,
    /// How git remembers the token (asked on a terminal).
    #[arg(long, value_enum)]
    pub cache: Option<CacheMode>,
    /// Seconds git's memory cache keeps the token (default 3600); means --cache memory when
    /// --cache is not given.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=2_147_483_647))]
    pub timeout: Option<u64>,
    /// The store file (git's default: ~/.git-credentials); means --cache store when --cache is
    /// not given.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
}

impl TokenArgs {
    /// The engine's options (the engine knows no parser).
    pub fn to_engine(&self) -> crate::engine::auth::options::TokenOptions {
        crate::engine::auth::options::TokenOptions {
            token_stdin: self.token_stdin,
            api_url: self.api_url.clone(),
            no_verify: self.no_verify,
            forge: self.forge,
            cache: self.cache,
            timeout: self.timeout,
            file: self.file.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The host, with a port if it has one (github.com, ghe.corp:8443); for Azure DevOps, the
    /// organization too (dev.azure.com/ORG: its tokens are per organization).
    #[arg(long, value_name = "HOST")]
    pub host: String,
    #[command(flatten)]
    pub token: TokenArgs,
    /// Write the helper lines into the current repository's config instead of the global one.
    #[arg(long)]
    pub local: bool,
    /// An ~/.ssh/config alias of the host that this account's checkouts use (repeatable): tied
    /// to the verified login in config.toml, so migrate rewrites `git@ALIAS:o/r` to
    /// `https://LOGIN@HOST/o/r`.
    #[arg(long = "alias", value_name = "SSH_ALIAS")]
    pub aliases: Vec<String>,
    /// One JSON object: what was verified and written (never the token).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// The host (or dev.azure.com/ORG), as given to login; without an organization, every
    /// organization logged in on the host too.
    #[arg(long, value_name = "HOST")]
    pub host: String,
    /// Only this account (its login); the host's other accounts stay logged in.
    #[arg(long, value_name = "LOGIN")]
    pub user: Option<String>,
    /// The helper lines are in the current repository's config.
    #[arg(long)]
    pub local: bool,
    /// One JSON object: what was removed.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CredentialAction {
    Get,
    Store,
    Erase,
}

#[derive(Debug, Args)]
pub struct CredentialArgs {
    /// What git asks of the helper.
    #[arg(value_enum)]
    pub action: CredentialAction,
    /// Answer `get` from GIT_HTTPS_PROOF_USER / GIT_HTTPS_PROOF_TOKEN (used by login to test a
    /// token through git before anything is stored).
    #[arg(long, hide = true)]
    pub from_env: bool,
}

/// Where SSH hosts live over HTTPS, beyond the built-in rules.
#[derive(Debug, Clone, Default, Args)]
pub struct MapArgs {
    /// Map an SSH host (or ssh alias) to an HTTPS base, e.g. ghe.corp=https://ghe.corp:8443.
    #[arg(long = "map", value_name = "SSH_HOST=HTTPS_BASE")]
    pub maps: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Remote URLs, in any form git accepts.
    #[arg(required = true, value_name = "URL")]
    pub urls: Vec<String>,
    #[command(flatten)]
    pub map: MapArgs,
    /// One JSON object per URL (JSON Lines).
    #[arg(long)]
    pub json: bool,
}

/// Which repositories a command works on.
#[derive(Debug, Clone, Default, Args)]
pub struct Selection {
    /// The repository (default: the one you stand in); with --recursive, folders to search.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Find every repository under the given folders.
    #[arg(long, short = 'r')]
    pub recursive: bool,
    /// With --recursive: how deep to look below each folder.
    #[arg(long, value_name = "N")]
    pub max_depth: Option<usize>,
    /// With --recursive: skip paths matching this glob (repeatable), e.g. '*/vendor/*'.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// With --recursive: also find bare repositories.
    #[arg(long)]
    pub bare: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

impl Selection {
    /// The engine's selection (the engine knows no parser).
    pub fn to_engine(&self) -> crate::engine::Selection {
        crate::engine::Selection {
            paths: self.paths.clone(),
            recursive: self.recursive,
            max_depth: self.max_depth,
            exclude: self.exclude.clone(),
            bare: self.bare,
            jobs: self.jobs,
        }
    }
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub selection: Selection,
    #[command(flatten)]
    pub map: MapArgs,
    /// Only this remote.
    #[arg(long, value_name = "NAME")]
    pub remote: Option<String>,
    /// With --recursive: only the summary, per host (no repository blocks).
    #[arg(long, requires = "recursive")]
    pub summary: bool,
    /// JSON Lines: one object per repository.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub selection: Selection,
    #[command(flatten)]
    pub map: MapArgs,
    /// Only this remote.
    #[arg(long, value_name = "NAME")]
    pub remote: Option<String>,
    /// Only URLs on this host (repeatable; SSH host or HTTPS host).
    #[arg(long = "host", value_name = "HOST")]
    pub hosts: Vec<String>,
    /// Also convert submodule.<name>.url in the repository's config.
    #[arg(long)]
    pub submodules: bool,
    /// Also rewrite SSH URLs in the tracked .gitmodules file.
    #[arg(long)]
    pub gitmodules: bool,
    /// Also rewrite HTTPS URLs that hold a password or token to their bare form
    /// (the secret is not kept, so undo cannot put it back).
    #[arg(long)]
    pub strip_credentials: bool,
    /// Also remove the insteadOf/pushInsteadOf rules that would turn migrated URLs back into
    /// SSH (journaled and undone like every other change).
    #[arg(long)]
    pub fix_insteadof: bool,
    /// Show the plan and change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// JSON Lines: one object per change, then a summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The repository whose last migration to undo (default: the one you stand in).
    #[arg(value_name = "PATH", conflicts_with_all = ["run", "last"])]
    pub path: Option<PathBuf>,
    /// Undo this whole run (see `git-https runs`).
    #[arg(long, value_name = "RUN_ID", conflicts_with = "last")]
    pub run: Option<String>,
    /// Undo the most recent run not yet undone.
    #[arg(long)]
    pub last: bool,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Show what would be restored and change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// JSON Lines: one object per restored value, then a summary.
    #[arg(long)]
    pub json: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// A host to set up (repeatable), with its port if it has one (dev.azure.com/ORG for an
    /// Azure DevOps organization).
    #[arg(long = "host", value_name = "HOST")]
    pub hosts: Vec<String>,
    #[command(flatten)]
    pub token: TokenArgs,
    /// An ~/.ssh/config alias of the (one) --host to tie to the token's account (repeatable),
    /// as `login --alias` does, before --migrate rewrites its remotes.
    #[arg(long = "alias", value_name = "SSH_ALIAS")]
    pub aliases: Vec<String>,
    /// Migrate every repository under this folder (repeatable).
    #[arg(long = "migrate", value_name = "DIR")]
    pub migrate: Vec<PathBuf>,
    #[command(flatten)]
    pub map: MapArgs,
    /// Also remove insteadOf rules that would turn migrated URLs back into SSH.
    #[arg(long)]
    pub fix_insteadof: bool,
    /// Do not ask before migrating.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// End with one JSON object: what was changed (`changed: true|false`).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The repository to check (default: the one you stand in, if any).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Check this host (repeatable; default: the hosts of the repository's remotes and of
    /// earlier logins).
    #[arg(long = "host", value_name = "HOST")]
    pub hosts: Vec<String>,
    /// Also count SSH remotes in every repository under this folder.
    #[arg(long, value_name = "DIR")]
    pub scan: Option<PathBuf>,
    /// Do not ask the forge's API about the tokens.
    #[arg(long)]
    pub offline: bool,
    /// JSON Lines: one object per finding, each with a `status`.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RunsArgs {
    /// JSON Lines: one object per run.
    #[arg(long)]
    pub json: bool,
}
