//! `git-https convert`: the HTTPS form of each URL, and why a URL has none.

use crate::snap::{both, settings};
use crate::support::Sandbox;

#[test]
fn convert_reads_as_before() {
    let s = Sandbox::new();
    let r = s.run(
        s.path(),
        &[
            "convert",
            "git@github.com:acme/app.git",
            "ssh://git@gitlab.com:22/acme/app.git",
            "https://github.com/acme/app.git",
            "https://me:hunter2@github.com/acme/app.git",
            "/srv/git/app.git",
            "gh-work:o/r.git",
        ],
    );
    settings(&s).bind(|| {
        insta::assert_snapshot!("convert", both(&r));
    });
}

#[test]
fn convert_json_lines_have_a_type() {
    let s = Sandbox::new();
    let r = s.run(
        s.path(),
        &[
            "convert",
            "--json",
            "git@github.com:acme/app.git",
            "/srv/git/app.git",
        ],
    );
    let lines = r.json_lines();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(lines.iter().all(|l| l["type"] == "convert"), "{}", r.stdout);
    assert_eq!(lines[0]["https"], "https://github.com/acme/app.git");
    assert!(lines[1]["error"].is_string(), "{}", r.stdout);
}
