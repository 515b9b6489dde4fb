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

/// git's own bash completion, where git's packages put it.
fn git_bash_completion() -> std::path::PathBuf {
    let candidates = [
        "/usr/share/bash-completion/completions/git",
        "/usr/local/share/bash-completion/completions/git",
        "/etc/bash_completion.d/git",
        "/usr/share/git/completion/git-completion.bash",
        "/opt/homebrew/etc/bash_completion.d/git-completion.bash",
    ];
    candidates
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.is_file())
        .expect("git's bash completion (git-completion.bash) is installed with git")
}

#[test]
fn bash_completes_git_https_through_gits_own_completion() {
    let s = Sandbox::new();
    let script = s.run(s.path(), &["completions", "bash"]).ok().stdout;
    let ours = s.path().join("git-https.bash");
    std::fs::write(&ours, &script).unwrap();
    // Completes a line as bash would on TAB: git's `complete -F` wrapper with COMP_* set.
    let driver = format!(
        r#"source '{}'
source '{}'
comp() {{
    COMP_LINE="$1"; COMP_POINT=${{#COMP_LINE}}
    read -ra COMP_WORDS <<<"$1"
    [[ $1 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))
    COMPREPLY=()
    __git_wrap__git_main
    printf '%s|' "${{COMPREPLY[@]}}"; echo
}}
comp "git https mi"
comp "git https setup --ca"
comp "git https setup --cache "
comp "git -C . https st"
"#,
        git_bash_completion().display(),
        ours.display()
    );
    let r = crate::support::output(s.cmd("bash").args(["-c", &driver]), None);
    assert_eq!(r.code, 0, "{r:?}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{r:?}");
    assert_eq!(lines[0], "migrate |", "git https mi: {r:?}");
    assert_eq!(lines[1], "--cache |", "git https setup --ca: {r:?}");
    for mode in ["memory ", "store ", "keyring "] {
        assert!(lines[2].split('|').any(|w| w == mode), "{mode}: {r:?}");
    }
    assert_eq!(lines[3], "status |", "git -C . https st: {r:?}");
}
