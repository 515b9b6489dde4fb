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

#[test]
fn install_docs_puts_pages_where_man_finds_them_and_completions_where_shells_look() {
    let s = Sandbox::new();
    let prefix = s.path().join("prefix");
    let r = s
        .run(s.path(), &["install-docs", "--prefix", "prefix"])
        .ok();
    let man1 = prefix.join("share/man/man1");
    let mut files = vec![man1.join("git-https.1")];
    files.extend(
        listed_commands(&s)
            .iter()
            .map(|c| man1.join(format!("git-https-{c}.1"))),
    );
    files.extend(
        [
            "share/bash-completion/completions/git-https",
            "share/zsh/site-functions/_git-https",
            "share/fish/vendor_completions.d/git-https.fish",
        ]
        .map(|f| prefix.join(f)),
    );
    for file in &files {
        assert!(file.is_file(), "{} not written: {r:?}", file.display());
        // It says what it wrote.
        assert!(
            r.stdout.contains(&format!("wrote {}\n", file.display())),
            "{}: {r:?}",
            file.display()
        );
    }
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("git-https-install-docs.1"))
    );
    let page = std::fs::read_to_string(man1.join("git-https-setup.1")).unwrap();
    assert_eq!(page, s.run(s.path(), &["man", "setup"]).ok().stdout);
    // man does not search a temp prefix: the line that makes it, and zsh's fpath line.
    let man_dir = prefix.join("share/man");
    let export = format!("export MANPATH=\"{}:$MANPATH\"", man_dir.display());
    assert!(r.stdout.contains(&export), "{r:?}");
    let fpath = format!(
        "fpath=(\"{}\" $fpath)",
        prefix.join("share/zsh/site-functions").display()
    );
    assert!(r.stdout.contains(&fpath), "{r:?}");
    // With that MANPATH, man finds the page, and install-docs no longer asks for the line.
    let manpath = man_dir.to_str().unwrap();
    let found = crate::support::output(
        s.cmd("man")
            .args(["-w", "git-https-setup"])
            .env("MANPATH", manpath),
        None,
    );
    assert_eq!(found.code, 0, "{found:?}");
    assert_eq!(
        found.stdout.trim(),
        man1.join("git-https-setup.1").to_str().unwrap(),
        "{found:?}"
    );
    let again = s
        .run_env(
            s.path(),
            &["install-docs", "--prefix", "prefix"],
            &[("MANPATH", manpath)],
        )
        .ok();
    assert!(!again.stdout.contains("export MANPATH"), "{again:?}");
    // The default prefix is ~/.local.
    s.run(s.path(), &["install-docs"]).ok();
    assert!(
        s.home
            .join(".local/share/man/man1/git-https-undo.1")
            .is_file()
    );
    assert!(
        s.home
            .join(".local/share/bash-completion/completions/git-https")
            .is_file()
    );
}
