//! `git-https man`: the head of the man pages (roff).

use crate::completions::head;
use crate::snap::{both, settings};
use crate::support::Sandbox;

#[test]
fn man_head_reads_as_before() {
    let s = Sandbox::new();
    let r = head(s.run(s.path(), &["man"]).ok(), 12);
    settings(&s).bind(|| {
        insta::assert_snapshot!("man_head", both(&r));
    });
}

#[test]
fn man_login_head_reads_as_before() {
    let s = Sandbox::new();
    let r = head(s.run(s.path(), &["man", "login"]).ok(), 8);
    settings(&s).bind(|| {
        insta::assert_snapshot!("man_login_head", both(&r));
    });
}

/// The commands `--help` lists (every one with a page), `help` aside.
fn listed_commands(s: &Sandbox) -> Vec<String> {
    let help = s.run(s.path(), &["--help"]).ok().stdout;
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .filter(|c| c != "help")
        .collect()
}

#[test]
fn every_page_has_examples_files_environment_and_exit_status() {
    let s = Sandbox::new();
    let commands = listed_commands(&s);
    assert!(commands.len() >= 11, "{commands:?}");
    let mut pages: Vec<Vec<&str>> = vec![vec!["man"]];
    pages.extend(commands.iter().map(|c| vec!["man", c.as_str()]));
    for args in pages {
        let page = s.run(s.path(), &args).ok().stdout;
        for section in [
            ".SH EXAMPLES",
            ".SH FILES",
            ".SH ENVIRONMENT",
            ".SH \"EXIT STATUS\"",
        ] {
            assert_eq!(
                page.matches(section).count(),
                1,
                "`git-https {}` lacks {section}:\n{page}",
                args.join(" ")
            );
        }
        // The examples --help shows are the page's (written once), and the EXTRA section
        // clap_mangen would make of them is not there.
        assert!(!page.contains(".SH EXTRA"), "{page}");
        let unescaped = page
            .replace("\\-", "-")
            .replace("\\&", "")
            .replace("\\e", "\\");
        let help_args: Vec<&str> = args[1..].iter().copied().chain(["--help"]).collect();
        let help = s.run(s.path(), &help_args).ok().stdout;
        let examples: Vec<&str> = help
            .lines()
            .skip_while(|l| *l != "Examples:")
            .skip(1)
            .filter(|l| {
                l.starts_with("  git-https")
                    || l.starts_with("  gh ")
                    || l.starts_with("  printf")
                    || l.starts_with("  sudo")
            })
            .collect();
        assert!(!examples.is_empty(), "{help}");
        for line in examples {
            let command = line.trim().split("  ").next().unwrap();
            assert!(
                unescaped.contains(command),
                "{command:?} not in the page:\n{page}"
            );
        }
    }
    // What the sections hold: the files and the variables, each forge's named.
    let page = s
        .run(s.path(), &["man", "login"])
        .ok()
        .stdout
        .replace("\\-", "-");
    for want in [
        "~/.gitconfig",
        "~/.git-credentials",
        "$XDG_CONFIG_HOME/git-https/config.toml",
        "$XDG_STATE_HOME/git-https/logins.json",
        "$XDG_STATE_HOME/git-https/runs/",
        "GH_TOKEN, GITHUB_TOKEN",
        "GH_ENTERPRISE_TOKEN, GITHUB_ENTERPRISE_TOKEN",
        "GitHub Enterprise Server",
        "GITLAB_TOKEN",
        "AZURE_DEVOPS_EXT_PAT",
        "GIT_HTTPS_KEYRING",
        "NO_COLOR",
        "GIT_SSL_CAINFO",
        "HTTPS_PROXY",
    ] {
        assert!(page.contains(want), "{want} not in the login page:\n{page}");
    }
}
