//! `git-https runs`: the journal's runs, a migration and its undo.

use crate::snap::{both, fixture, settings};
use crate::support::Sandbox;

#[test]
fn runs_reads_as_before() {
    let s = Sandbox::new();
    let repo = fixture(&s);
    s.run(&repo, &["migrate", "--yes"]).ok();
    s.run(&repo, &["undo", "--yes"]).ok();
    let r = s.run(&repo, &["runs"]).ok();
    settings(&s).bind(|| {
        insta::assert_snapshot!("runs", both(&r));
    });
}
