//! Snapshots of the human output: what varies from run to run (paths, ports, run ids, times,
//! versions) is replaced by a placeholder before comparing.

use std::path::PathBuf;

use crate::support::{Run, Sandbox};

/// Insta settings for `s`: its folders and whatever else varies between runs are filtered.
/// Filters apply in order, so the narrower ones come first.
pub fn settings(s: &Sandbox) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.add_filter(&regex_escape(&s.home.display().to_string()), "[HOME]");
    settings.add_filter(&regex_escape(&s.path().display().to_string()), "[SANDBOX]");
    // The binary under test (as the helper line `!'…/git-https' credential` names it).
    settings.add_filter(&regex_escape(crate::support::BIN), "[BIN]");
    // The loopback test server's port.
    settings.add_filter(r"\b127\.0\.0\.1:\d{2,5}\b", "127.0.0.1:[PORT]");
    settings.add_filter(r"\b\d{17}-[0-9a-f]{4}\b", "[RUN]");
    settings.add_filter(&regex_escape(env!("CARGO_PKG_VERSION")), "[VERSION]");
    // `git version 2.47.3` (doctor), whichever git the machine has.
    settings.add_filter(r"git version \d+(\.\d+)*\S*", "git version [GIT-VERSION]");
    // The journal's times (runs), and a token's days left (doctor), which shrink daily.
    settings.add_filter(
        r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z",
        "[TIMESTAMP]",
    );
    settings.add_filter(r"\(\d+ days? left\)", "([N] days left)");
    settings
}

/// Both streams as the user sees them, the exit code first (0 said nothing).
pub fn both(r: &Run) -> String {
    assert!(
        !r.stdout.contains("CANARY") && !r.stderr.contains("CANARY"),
        "a token is in the output: {r:?}"
    );
    let code = match r.code {
        0 => String::new(),
        code => format!("--- exit code {code}\n"),
    };
    format!("{code}--- stdout\n{}--- stderr\n{}", r.stdout, r.stderr)
}

pub fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}

/// A repository with every kind of remote the plan distinguishes.
pub fn fixture(s: &Sandbox) -> PathBuf {
    let repo = s.repo(
        "app",
        &[
            ("origin", "git@github.com:acme/app.git"),
            ("gitlab", "ssh://git@gitlab.com:22/acme/app.git"),
            ("mirror", "https://github.com/acme/app.git"),
            ("local", "/srv/git/app.git"),
            ("leaky", "https://me:hunter2@github.com/acme/app.git"),
        ],
    );
    s.git(
        &repo,
        &[
            "remote",
            "set-url",
            "--push",
            "origin",
            "git@github.com:acme/app-push.git",
        ],
    );
    repo
}
