//! `git-https migrate`: the plan it shows, and what it says once it has rewritten the URLs.

use crate::snap::{both, fixture, settings};
use crate::support::Sandbox;

#[test]
fn migrate_dry_run_reads_as_before() {
    let s = Sandbox::new();
    let repo = fixture(&s);
    settings(&s).bind(|| {
        insta::assert_snapshot!(
            "migrate_dry_run",
            both(&s.run(&repo, &["migrate", "--dry-run"]).ok())
        );
    });
}

#[test]
fn migrate_reads_as_before() {
    let s = Sandbox::new();
    let repo = fixture(&s);
    settings(&s).bind(|| {
        insta::assert_snapshot!("migrate", both(&s.run(&repo, &["migrate", "--yes"]).ok()));
    });
}

/// `-r` without a folder names the one it searches, once.
#[test]
fn migrate_recursive_without_a_folder_names_it() {
    let s = Sandbox::new();
    let repo = fixture(&s);
    let here = std::fs::canonicalize(repo.parent().unwrap()).unwrap();
    let r = s.run(&here, &["migrate", "-r", "--dry-run"]).ok();
    let line = format!("searching {} (the current folder)", here.display());
    assert_eq!(r.stderr.matches(&line).count(), 1, "{line}\n{}", r.stderr);
}
