//! `git-https man`: the man page, from the command line's own definition. Installed as
//! `git-https.1` in a man directory, `git https --help` opens it (git runs `man git-https`).

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::Cli;
use crate::error;

pub fn run() -> Result<u8> {
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    out.flush()?;
    Ok(error::OK)
}
