//! `git-https completions SHELL`: the shell's completion script, from the command line's own
//! definition (so it never drifts from it).

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error;

pub fn run(args: CompletionsArgs) -> Result<u8> {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut cmd, "git-https", &mut out);
    Ok(error::OK)
}
