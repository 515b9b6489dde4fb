//! Snapshots of the human output of `status`, `migrate --dry-run`, `migrate` and `undo` for a
//! fixture repository, and a check that `git-https --help` is what the README shows.

mod support;

use support::Sandbox;

/// The sandbox path and run ids vary from run to run: replace them before comparing.
fn settings(s: &Sandbox) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    let root = regex_escape(&s.path().display().to_string());
    settings.add_filter(&root, "[SANDBOX]");
    settings.add_filter(r"\b\d{17}-[0-9a-f]{4}\b", "[RUN]");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

fn regex_escape(s: &str) -> String {
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
fn fixture(s: &Sandbox) -> std::path::PathBuf {
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

fn both(r: &support::Run) -> String {
    format!("--- stdout\n{}--- stderr\n{}", r.stdout, r.stderr)
}

#[test]
fn status_migrate_and_undo_read_as_before() {
    let s = Sandbox::new();
    let repo = fixture(&s);
    let settings = settings(&s);
    settings.bind(|| {
        insta::assert_snapshot!("status", both(&s.run(&repo, &["status"]).ok()));
        insta::assert_snapshot!(
            "migrate_dry_run",
            both(&s.run(&repo, &["migrate", "--dry-run"]).ok())
        );
        insta::assert_snapshot!("migrate", both(&s.run(&repo, &["migrate", "--yes"]).ok()));
        insta::assert_snapshot!("undo", both(&s.run(&repo, &["undo", "--yes"]).ok()));
    });
}

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
