//! `git-https status`: what it shows for each remote.

use crate::snap::{both, fixture, settings};
use crate::support::Sandbox;

#[test]
fn status_reads_as_before() {
    let s = Sandbox::new();
    let repo = fixture(&s);
    settings(&s).bind(|| {
        insta::assert_snapshot!("status", both(&s.run(&repo, &["status"]).ok()));
    });
}

/// `--summary` is the data asked for: on stdout (stderr keeps only the helper notes).
#[test]
fn a_recursive_summary_goes_to_stdout() {
    let s = Sandbox::new();
    let repo = fixture(&s);
    let root = repo.parent().unwrap().to_str().unwrap().to_string();
    let r = s
        .run(s.path(), &["status", "--recursive", "--summary", &root])
        .ok();
    assert!(
        r.stdout
            .contains("1 repository found; 1 repository to migrate"),
        "stdout: {}\nstderr: {}",
        r.stdout,
        r.stderr
    );
    assert!(!r.stderr.contains(" found; "), "{}", r.stderr);
}
