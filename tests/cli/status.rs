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

/// Outside a repository: the error, and what to run instead.
#[test]
fn status_outside_a_repository_says_what_to_do() {
    let s = Sandbox::new();
    let empty = s.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let r = s.run(&empty, &["status"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("not a git repository"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "hint: run it in a repository, or status -r DIR for every repository under a folder"
        ),
        "{}",
        r.stderr
    );
}

/// `-r` without a folder names the one it searches, once.
#[test]
fn status_recursive_without_a_folder_names_it() {
    let s = Sandbox::new();
    let repo = fixture(&s);
    let here = std::fs::canonicalize(repo.parent().unwrap()).unwrap();
    let r = s.run(&here, &["status", "-r"]).ok();
    let line = format!("searching {} (the current folder)", here.display());
    assert_eq!(r.stderr.matches(&line).count(), 1, "{line}\n{}", r.stderr);
    // A folder named is not announced.
    let r = s.run(&here, &["status", "-r", "."]).ok();
    assert!(!r.stderr.contains("searching"), "{}", r.stderr);
}
