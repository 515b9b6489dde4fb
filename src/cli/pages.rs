//! The man pages and completion scripts, rendered from the command line's own definition and `docs`.

use std::io::Write;

use clap::CommandFactory;

use super::{Cli, docs};

/// The built command line (with the `help` subcommand the top page refers to).
fn built() -> clap::Command {
    let mut top = Cli::command();
    top.build();
    top
}

/// The commands that have a page of their own: every one the top page lists (`help` too).
pub fn page_commands() -> Vec<String> {
    built()
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_string())
        .collect()
}

/// The man page of git-https (`None`) or of one command, in roff; `None` when there is no
/// such command. `exit_codes` is `error::EXIT_CODES` (the error module is the caller's).
pub fn man_page(command: Option<&str>, exit_codes: &[(u8, &str)]) -> Option<Vec<u8>> {
    let top = built();
    let (page, examples, see_also) = match command {
        None => (top, docs::TOP_EXAMPLES, None),
        Some(name) => {
            let sub = top.find_subcommand(name)?.clone();
            let name = sub.get_name().to_string();
            // Named as the top page's SEE ALSO names it.
            let page = sub.name(format!("git-https-{name}"));
            (page, docs::examples(&name), Some("git-https"))
        }
    };
    // `after_help` holds the examples `--help` shows; the page has its own EXAMPLES section.
    let page = page.after_help(None::<&str>).after_long_help(None::<&str>);
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .expect("writing to memory");
    sections(&mut out, examples, exit_codes, see_also).expect("writing to memory");
    Some(out)
}

/// EXAMPLES, FILES, ENVIRONMENT, EXIT STATUS and SEE ALSO.
fn sections(
    out: &mut Vec<u8>,
    examples: &[docs::Example],
    exit_codes: &[(u8, &str)],
    see_also: Option<&str>,
) -> std::io::Result<()> {
    if !examples.is_empty() {
        writeln!(out, ".SH EXAMPLES")?;
        for (command, what) in examples {
            writeln!(out, ".TP\n\\fB{}\\fR\n{}", text(command), text(what))?;
        }
    }
    writeln!(out, ".SH FILES")?;
    for (file, what) in docs::FILES {
        writeln!(out, ".TP\n\\fI{}\\fR\n{}", text(file), text(what))?;
    }
    writeln!(out, ".SH ENVIRONMENT")?;
    for (var, what) in docs::environment() {
        writeln!(out, ".TP\n\\fB{}\\fR\n{}", text(&var), text(&what))?;
    }
    writeln!(out, ".SH \"EXIT STATUS\"")?;
    for (code, meaning) in exit_codes {
        writeln!(out, ".TP\n{code}\n{}", text(meaning))?;
    }
    if let Some(page) = see_also {
        writeln!(
            out,
            ".SH \"SEE ALSO\"\n\\fB{}\\fR(1), \\fBgit\\fR(1)",
            text(page)
        )?;
    }
    Ok(())
}

/// Text as roff prints it: backslashes and hyphens escaped (a command stays copyable), and a
/// line that would start with `.` or `'` not read as a request.
fn text(s: &str) -> String {
    let escaped = s.replace('\\', "\\e").replace('-', "\\-");
    format!("\\&{escaped}")
}

/// A shell's completion script for git-https.
pub fn completion_script(shell: clap_complete::Shell) -> String {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "git-https", &mut script);
    let mut script = String::from_utf8(script).expect("clap_complete writes UTF-8");
    if shell == clap_complete::Shell::Bash {
        // clap_complete names the `case` branches of a hyphenated binary's subcommands
        // `git__subcmd__https__…` but looks them up as `git__https__…`: without this, only
        // subcommand names complete, never their flags or values.
        script = script.replace("git__subcmd__https", "git__https");
        script.push_str(GIT_BASH);
    }
    // zsh's `_git` and fish's git completion (3.6+) already hand `git https …` to the
    // `_git-https` function and the `git-https` completions: nothing to add for them.
    script
}

/// `git https <TAB>`: git's bash completion runs `_git_https` for the `https` subcommand, with
/// `words`/`cword` of the whole `git …` line and `__git_cmd_idx` the index of `https` (git
/// 2.30+; before, the word after `git`). The words from `https` on are handed to the generated
/// function as a `git-https …` line. git's `complete` has `-o nospace`, so a finished word gets
/// its space here, as git's own completions give it.
const GIT_BASH: &str = r#"
_git_https() {
    local idx=${__git_cmd_idx:-1}
    local COMP_WORDS=(git-https "${words[@]:idx+1}")
    local COMP_CWORD=$((cword - idx))
    _git__https git-https "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    local i
    for i in "${!COMPREPLY[@]}"; do
        [[ -d ${COMPREPLY[i]} ]] || COMPREPLY[i]+=" "
    done
}
"#;
