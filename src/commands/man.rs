//! `git-https man [COMMAND]`: the man pages, from the command line's own definition. Installed
//! as `git-https.1` (and `git-https-COMMAND.1`, the pages it refers to) in a man directory,
//! `git https --help` opens it (git runs `man git-https`).

use std::io::Write;

use anyhow::Result;

use crate::cli::{ManArgs, pages};
use crate::error::{self, usage};

pub fn run(args: ManArgs) -> Result<u8> {
    let Some(page) = pages::man_page(args.command.as_deref(), error::EXIT_CODES) else {
        let name = args.command.unwrap_or_default();
        return Err(usage(format!("man: no command {name:?}")));
    };
    let mut out = std::io::stdout().lock();
    out.write_all(&page)?;
    out.flush()?;
    Ok(error::OK)
}
