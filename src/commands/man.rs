//! `git-https man [COMMAND]`: the man pages, from the command line's own definition. Installed
//! as `git-https.1` (and `git-https-COMMAND.1`, the pages it refers to) in a man directory,
//! `git https --help` opens it (git runs `man git-https`).

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::error::{self, usage};

pub fn run(args: ManArgs) -> Result<u8> {
    let mut top = Cli::command();
    // Built, the command has the `help` subcommand its page refers to as well.
    top.build();
    let page = match &args.command {
        None => top,
        Some(name) => {
            let Some(sub) = top.find_subcommand(name).cloned() else {
                return Err(usage(format!("man: no command {name:?}")));
            };
            // Named as the top page's SEE ALSO names it.
            let title = format!("git-https-{}", sub.get_name());
            sub.name(title)
        }
    };
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(page).render(&mut out)?;
    exit_status(&mut out)?;
    out.flush()?;
    Ok(error::OK)
}

/// The EXIT STATUS section, from `error::EXIT_CODES`.
fn exit_status(out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, ".SH \"EXIT STATUS\"")?;
    for (code, meaning) in error::EXIT_CODES {
        // A line starting with `.` or `'` would be read as a request.
        writeln!(out, ".TP\n{code}\n\\&{meaning}")?;
    }
    Ok(())
}
