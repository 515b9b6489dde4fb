//! `git-https completions SHELL`: the shell's completion script, from the command line's own
//! definition (so it never drifts from it).

use std::io::Write;

use anyhow::Result;

use crate::cli::{CompletionsArgs, pages};
use crate::error;

pub fn run(args: CompletionsArgs) -> Result<u8> {
    let script = pages::completion_script(args.shell);
    let mut out = std::io::stdout().lock();
    out.write_all(script.as_bytes())?;
    out.flush()?;
    Ok(error::OK)
}
