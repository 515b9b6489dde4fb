//! `git-https --help` is what the README shows.

use crate::support::Sandbox;

#[test]
fn help_is_what_the_readme_shows() {
    let s = Sandbox::new();
    let help = s.run(s.path(), &["--help"]).ok().stdout;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- help -->\n```text\n")
        .expect("README has a help block")
        + "<!-- help -->\n```text\n".len();
    let end = start + readme[start..].find("```").unwrap();
    assert_eq!(
        &readme[start..end],
        help,
        "README's help block differs from `git-https --help`; copy the new text into README.md"
    );
}

/// The lines of `--help` under `heading` (up to the next blank line).
fn section<'a>(help: &'a str, heading: &str) -> Vec<&'a str> {
    help.lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

#[test]
fn help_reads_in_a_newcomers_order() {
    let s = Sandbox::new();
    let help = s.run(s.path(), &["--help"]).ok().stdout;
    let commands: Vec<&str> = section(&help, "Commands:")
        .iter()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(commands.first(), Some(&"setup"), "{help}");
    assert_eq!(
        &commands[..4],
        &["setup", "status", "migrate", "undo"],
        "{help}"
    );
    // git runs `credential`; a person never types it.
    assert!(!commands.contains(&"credential"), "{help}");
    // The options every command takes stand apart from the command's own.
    let global = section(&help, "Global options:").join("\n");
    for flag in ["--color", "--quiet", "--verbose"] {
        assert!(
            global.contains(flag),
            "{flag} not under Global options:\n{help}"
        );
    }
    let options = section(&help, "Options:").join("\n");
    assert!(!options.contains("--color"), "{help}");
    // A subcommand's help keeps them apart too.
    let sub = s.run(s.path(), &["migrate", "--help"]).ok().stdout;
    assert!(
        section(&sub, "Global options:")
            .join("\n")
            .contains("--quiet"),
        "{sub}"
    );
    assert!(
        !section(&sub, "Options:").join("\n").contains("--quiet"),
        "{sub}"
    );
    let examples = section(&help, "Examples:").join("\n");
    for example in [
        "git-https setup ",
        "git-https status -r ~/src",
        "git-https migrate -r ~/src",
        "git-https undo --last",
    ] {
        assert!(
            examples.contains(example),
            "{example} not in Examples:\n{help}"
        );
    }
}

#[test]
fn the_hidden_credential_command_still_runs() {
    let s = Sandbox::new();
    // An unknown action is a usage error from the command itself, not "no such command".
    let r = s.run(s.path(), &["credential", "--help"]).ok();
    assert!(r.stdout.contains("get"), "{r:?}");
    let r = s.run(s.path(), &["credential", "nope"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("invalid value"), "{r:?}");
}
