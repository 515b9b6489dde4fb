//! `git-https install-docs [--prefix DIR]`: the man pages and completions where man and the
//! shells look, for those who installed with `cargo install` (no package put them there).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap_complete::Shell;

use crate::cli::{InstallDocsArgs, pages};
use crate::env::Env;
use crate::error::{self, usage};
use crate::io::install;
use crate::ui::output;

/// Where each shell looks for completions, under the prefix.
const COMPLETIONS: &[(Shell, &str)] = &[
    (Shell::Bash, "share/bash-completion/completions/git-https"),
    (Shell::Zsh, "share/zsh/site-functions/_git-https"),
    (
        Shell::Fish,
        "share/fish/vendor_completions.d/git-https.fish",
    ),
];

/// zsh's own site-functions folders: any other needs an `fpath` line.
const ZSH_DEFAULT: &[&str] = &[
    "/usr/share/zsh/site-functions",
    "/usr/local/share/zsh/site-functions",
];

pub fn run(args: InstallDocsArgs, env: &Env) -> Result<u8> {
    let prefix = match args.prefix {
        Some(p) => env.cwd.join(p),
        None => env
            .home
            .as_ref()
            .ok_or_else(|| usage("install-docs: HOME is not set; give --prefix DIR"))?
            .join(".local"),
    };
    let mut out = output::stdout();
    let man1 = prefix.join("share/man/man1");
    let mut names = vec![None];
    names.extend(pages::page_commands().into_iter().map(Some));
    for name in &names {
        let file = match name {
            None => man1.join("git-https.1"),
            Some(n) => man1.join(format!("git-https-{n}.1")),
        };
        let page = pages::man_page(name.as_deref(), error::EXIT_CODES)
            .context("a listed command has no page")?;
        write(&file, &page)?;
        writeln!(out, "wrote {}", file.display())?;
    }
    for (shell, rel) in COMPLETIONS {
        let file = prefix.join(rel);
        write(&file, pages::completion_script(*shell).as_bytes())?;
        writeln!(out, "wrote {}", file.display())?;
    }
    hints(&mut out, &prefix)?;
    out.flush()?;
    Ok(error::OK)
}

fn write(file: &Path, bytes: &[u8]) -> Result<()> {
    install::write_file(file, bytes).with_context(|| format!("cannot write {}", file.display()))
}

/// The lines to add when man or zsh does not look under the prefix.
fn hints(out: &mut impl Write, prefix: &Path) -> Result<()> {
    let man = prefix.join("share/man");
    let searched = install::man_search_path()
        .is_some_and(|dirs| dirs.iter().any(|d| install::same_dir(d, &man)));
    if !searched {
        writeln!(
            out,
            "man does not search {}: add to your shell's startup file\n  export MANPATH=\"{}:$MANPATH\"",
            man.display(),
            man.display()
        )?;
    }
    let zsh: PathBuf = prefix.join("share/zsh/site-functions");
    if !ZSH_DEFAULT
        .iter()
        .any(|d| install::same_dir(Path::new(d), &zsh))
    {
        writeln!(
            out,
            "for zsh, add to ~/.zshrc before compinit\n  fpath=(\"{}\" $fpath)",
            zsh.display()
        )?;
    }
    Ok(())
}
