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
