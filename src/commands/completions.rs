//! `git-https completions SHELL`: the shell's completion script, from the command line's own
//! definition (so it never drifts from it).

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error;

pub fn run(args: CompletionsArgs) -> Result<u8> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "git-https", &mut script);
    let mut script = String::from_utf8(script)?;
    if args.shell == clap_complete::Shell::Bash {
        // clap_complete names the `case` branches of a hyphenated binary's subcommands
        // `git__subcmd__https__…` but looks them up as `git__https__…`: without this, only
        // subcommand names complete, never their flags or values.
        script = script.replace("git__subcmd__https", "git__https");
    }
    let mut out = std::io::stdout().lock();
    out.write_all(script.as_bytes())?;
    out.flush()?;
    Ok(error::OK)
}
