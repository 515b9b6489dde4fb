//! `git-https man`: the head of the man pages (roff).

use crate::completions::head;
use crate::snap::{both, settings};
use crate::support::Sandbox;

#[test]
fn man_head_reads_as_before() {
    let s = Sandbox::new();
    let r = head(s.run(s.path(), &["man"]).ok(), 12);
    settings(&s).bind(|| {
        insta::assert_snapshot!("man_head", both(&r));
    });
}

#[test]
fn man_login_head_reads_as_before() {
    let s = Sandbox::new();
    let r = head(s.run(s.path(), &["man", "login"]).ok(), 8);
    settings(&s).bind(|| {
        insta::assert_snapshot!("man_login_head", both(&r));
    });
}
