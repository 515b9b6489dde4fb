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
