//! The canary table: every place a secret can hide in a repository's or the user's config ×
//! every output git-https has (text, `--json`, the journal, errors, child argv). The canaries
//! must appear nowhere, and control characters from config values never reach the terminal raw.

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;

use support::{Run, Sandbox};

/// A legacy 40-hex token used as a URL's user name.
const LEGACY: &str = "cafe0000cafe0000cafe0000cafe0000cafe0000";

fn leaks(text: &str) -> Option<&'static str> {
    if text.contains("CANARY") {
        Some("a CANARY token")
    } else if text.contains("cafe0000cafe") {
        Some("the legacy-hex token")
    } else if text.contains('\x1b') {
        Some("a raw escape character")
    } else {
        None
    }
}

fn check(what: &str, r: &Run) {
    for (stream, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        if let Some(l) = leaks(text) {
            panic!("{what} printed {l} on {stream}:\n{text}");
        }
    }
}

#[test]
fn no_secret_reaches_any_output() {
    let mut s = Sandbox::new();
    // Every git the tool starts goes through a shim that logs its argv.
    let shim = s.path().join("shim");
    fs::create_dir_all(&shim).unwrap();
    let argv_log = s.path().join("argv.log");
    let real = s.git(s.path(), &["--exec-path"]);
    fs::write(
        shim.join("git"),
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\nexec '{}/git' \"$@\"\n",
            argv_log.display(),
            real.trim()
        ),
    )
    .unwrap();
    fs::set_permissions(shim.join("git"), fs::Permissions::from_mode(0o755)).unwrap();

    let repo = s.repo(
        "app",
        &[
            ("origin", "git@github.com:acme/app.git"),
            ("lab", "git@gitlab.com:acme/app.git"),
            ("plain", "git@bitbucket.org:acme/app.git"),
            ("userinfo", "https://u:CANARYpw1@github.com/acme/a1.git"),
            (
                "legacy",
                &format!("https://{LEGACY}@github.com/acme/a2.git"),
            ),
            ("helper", "hg::https://u:CANARYpw5@hg.example/r"),
            ("sshpw", "ssh://u:CANARYpw7@ssh.example/o/r.git"),
            (
                "scptoken",
                "ghp_CANARYcanaryCANARYcanaryCANARY012345@github.com:o/r.git",
            ),
            ("esc", "git@github.com:acme/\x1b[31mred.git"),
        ],
    );
    fs::write(
        repo.join(".gitmodules"),
        "[submodule \"s\"]\n\tpath = s\n\turl = https://u:CANARYpw4@github.com/acme/s.git\n[submodule \"t\"]\n\tpath = t\n\turl = git@github.com:acme/t.git\n",
    )
    .unwrap();
    s.git(
        &s.home,
        &[
            "config",
            "--global",
            "url.https://x-access-token:CANARYpw2@github.com/.insteadOf",
            "git@github.com:",
        ],
    );
    s.git(
        &s.home,
        &[
            "config",
            "--global",
            "url.https://u:CANARYpw3@gitlab.com/.pushInsteadOf",
            "git@gitlab.com:",
        ],
    );
    s.path_first = Some(shim);

    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("status", vec!["status"]),
        ("status --json", vec!["status", "--json"]),
        ("status -r", vec!["status", "-r", "."]),
        (
            "migrate --dry-run",
            vec!["migrate", "--dry-run", "--gitmodules"],
        ),
        (
            "migrate --dry-run --json",
            vec!["migrate", "--dry-run", "--json", "--gitmodules"],
        ),
        (
            "convert",
            vec![
                "convert",
                "https://u:CANARYpw8@h/o",
                "hg::https://u:CANARYpw9@h/r",
            ],
        ),
        (
            "convert --json",
            vec!["convert", "--json", "https://u:CANARYpw8@h/o"],
        ),
        (
            "migrate",
            vec!["migrate", "--yes", "--gitmodules", "--strip-credentials"],
        ),
        ("runs", vec!["runs"]),
        ("runs --json", vec!["runs", "--json"]),
        (
            "convert --map with a password",
            vec![
                "convert",
                "git@gh-work:o/r.git",
                "--map",
                "gh-work=https://alice:CANARYpw10@github.com",
            ],
        ),
        (
            "login --alias with a secret",
            vec!["login", "--host", "github.com", "--alias", "CANARYpw11@x"],
        ),
    ];
    for (what, args) in &runs {
        let r = s.run(&repo, args);
        check(what, &r);
    }

    // A value changed since the migration, to one holding a token: undo refuses that file,
    // and its "value changed" error does not print the value.
    let shim = s.path_first.take();
    s.git(
        &repo,
        &[
            "remote",
            "set-url",
            "plain",
            "https://x:CANARYpw6@bitbucket.org/acme/app.git",
        ],
    );
    s.path_first = shim;
    for args in [
        vec!["undo", "--dry-run"],
        vec!["undo", "--yes"],
        vec!["undo", "--last", "--yes", "--json"],
    ] {
        let r = s.run(&repo, &args);
        check(&args.join(" "), &r);
        if args.contains(&"--yes") && !args.contains(&"--last") {
            assert!(
                r.stderr.contains("is now"),
                "undo names the changed value: {}\n{}",
                r.stdout,
                r.stderr
            );
        }
    }
    let r = s.run(&repo, &["runs"]);
    check("runs after undo", &r);

    // The journal and every other file git-https wrote.
    for e in fs::read_dir(s.state_dir().join("runs")).unwrap().flatten() {
        let text = fs::read_to_string(e.path()).unwrap();
        if let Some(l) = leaks(&text) {
            panic!("the journal {} holds {l}:\n{text}", e.path().display());
        }
    }
    let argv = fs::read_to_string(&argv_log).unwrap_or_default();
    if let Some(l) = leaks(&argv) {
        panic!("a child's argv holds {l}:\n{argv}");
    }
}

#[test]
fn secrets_are_recognised_in_every_shape() {
    let s = Sandbox::new();
    let repo = s.repo(
        "r",
        &[("legacy", &format!("https://{LEGACY}@github.com/acme/a.git"))],
    );
    let j = s.run(&repo, &["status", "--json"]).ok().json_lines();
    let url = &j[0]["remotes"][0]["urls"][0];
    assert_eq!(
        url["outcome"], "leak",
        "a 40-hex user name is a credential: {url}"
    );
    assert_eq!(url["value"], "https://***@github.com/acme/a.git");
}
