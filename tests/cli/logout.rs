//! `git-https logout`: what it removes, and what it says when there is nothing to remove.
//! (The tests that log in and out again, per cache mode, are in `login`.)

use crate::snap::{both, settings};
use crate::world::*;

#[test]
fn logout_reads_as_before() {
    let mut w = World::new("repo");
    let host = w.server.host();
    w.login(&["--cache", "store"], &[]).ok();
    let r = w.run(&["logout", "--host", &host], None, &[]);
    settings(&w.s).bind(|| {
        insta::assert_snapshot!("logout", both(&r));
    });
    w.assert_no_leak(None);
}

#[test]
fn logout_without_a_login_reads_as_before() {
    let mut w = World::new("repo");
    let host = w.server.host();
    let r = w.run(&["logout", "--host", &host], None, &[]);
    settings(&w.s).bind(|| {
        insta::assert_snapshot!("logout_without_login", both(&r));
    });
}

#[test]
fn logout_json_names_the_places_that_held_a_token() {
    let mut w = World::new("repo");
    let host = w.server.host();
    w.login(&["--cache", "store"], &[]).ok();
    let r = w
        .run(&["logout", "--host", &host, "--json"], None, &[])
        .ok();
    let lines = r.json_lines();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    let store = w.s.home.join(".git-credentials").display().to_string();
    assert_eq!(lines[0]["removed_from"], serde_json::json!([store]));
    // The places that held none are still listed as cleared.
    assert_eq!(
        lines[0]["cleared"].as_array().unwrap().len(),
        3,
        "{}",
        r.stdout
    );

    // Again: nothing is left to remove, and it says so.
    let r = w.run(&["logout", "--host", &host, "--json"], None, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json_lines()[0]["removed_from"], serde_json::json!([]));
    assert!(
        r.stderr
            .contains(&format!("not logged in to {host}: nothing to remove")),
        "{}",
        r.stderr
    );
}
