//! `git-https undo`: what it says as it puts a migration's URLs back.

use crate::snap::{both, fixture, settings};
use crate::support::Sandbox;

#[test]
fn undo_reads_as_before() {
    let s = Sandbox::new();
    let repo = fixture(&s);
    s.run(&repo, &["migrate", "--yes"]).ok();
    settings(&s).bind(|| {
        insta::assert_snapshot!("undo", both(&s.run(&repo, &["undo", "--yes"]).ok()));
    });
}
