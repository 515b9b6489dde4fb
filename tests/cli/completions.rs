//! `git-https completions`: the head of the bash script (its start is what bash loads first).

use crate::snap::{both, settings};
use crate::support::{Run, Sandbox};

/// The first `n` lines of stdout.
pub fn head(r: Run, n: usize) -> Run {
    let stdout: String = r.stdout.lines().take(n).map(|l| format!("{l}\n")).collect();
    Run { stdout, ..r }
}

#[test]
fn completions_bash_head_reads_as_before() {
    let s = Sandbox::new();
    let r = head(s.run(s.path(), &["completions", "bash"]).ok(), 15);
    settings(&s).bind(|| {
        insta::assert_snapshot!("completions_bash_head", both(&r));
    });
}
