//! `git-https doctor`: each problem named, and a pass once they are fixed.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::snap::{both, settings};
use crate::world::*;

#[test]
fn doctor_names_each_problem_and_passes_once_they_are_fixed() {
    let mut w = World::new("repo");
    let host = w.server.host();
    // Set up as the user would, not through the argv shim.
    let git =
        |w: &World, args: &[&str]| assert_eq!(w.user_git(args, &[], None).code, 0, "{args:?}");
    git(
        &w,
        &[
            "config",
            "--global",
            "url.git@github.com:.insteadOf",
            "https://github.com/",
        ],
    );
    let leak = format!("https://u:CANARYpw9@{host}/o/r.git");
    git(&w, &["remote", "add", "leak", &leak]);
    git(&w, &["remote", "add", "old", "git@github.com:o/x.git"]);
    let r = w.run(&["doctor", "--json", "--offline"], None, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = r.json_lines();
    let has = |status: &str, check: &str| {
        f.iter()
            .any(|x| x["status"] == status && x["check"].as_str().unwrap().contains(check))
    };
    assert!(
        has("fail", &format!("credentials for {host}")),
        "{}",
        r.stdout
    );
    assert!(has("fail", "insteadOf rule"), "{}", r.stdout);
    assert!(has("fail", "token in a remote URL"), "{}", r.stdout);
    assert!(has("warn", "SSH remotes"), "{}", r.stdout);
    assert!(f.iter().all(|x| x["fix"].is_null() || x["status"] != "ok"));

    // A loose store file is named too.
    w.login(&["--cache", "store"], &[]).ok();
    let store = w.s.home.join(".git-credentials");
    fs::set_permissions(&store, fs::Permissions::from_mode(0o644)).unwrap();
    let r = w.run(&["doctor", "--json", "--offline"], None, &[]);
    assert!(
        r.json_lines()
            .iter()
            .any(|x| x["status"] == "fail" && x["check"] == "store file"),
        "{}",
        r.stdout
    );

    // Also a plain `helper = store` for every host, a rule in the repository's own config,
    // and a URL with a token in a scanned folder.
    let every = w.s.path().join("every-host-store");
    fs::write(&every, "https://u:CANARYx@example.com\n").unwrap();
    fs::set_permissions(&every, fs::Permissions::from_mode(0o644)).unwrap();
    let helper = format!("store --file={}", every.display());
    git(&w, &["config", "--global", "credential.helper", &helper]);
    let local = format!("url.git@{host}:.insteadOf");
    let https = format!("https://{host}/");
    git(&w, &["config", &local, &https]);
    let scan = w.s.path().join("scan");
    let leaky = scan.join("leaky");
    let leaky = leaky.to_str().unwrap();
    git(&w, &["init", "-q", leaky]);
    git(&w, &["-C", leaky, "remote", "add", "origin", &leak]);
    let r = w.run(
        &[
            "doctor",
            "--json",
            "--offline",
            "--scan",
            scan.to_str().unwrap(),
        ],
        None,
        &[],
    );
    let f = r.json_lines();
    let has = |status: &str, check: &str, text: &str| {
        f.iter().any(|x| {
            x["status"] == status
                && x["check"] == check
                && x["message"].as_str().unwrap().contains(text)
        })
    };
    assert!(
        has("fail", "store file", "every-host-store"),
        "{}",
        r.stdout
    );
    assert!(has("fail", "insteadOf rule", ".git/config"), "{}", r.stdout);
    assert!(
        has("fail", "token in a remote URL", "scan/leaky"),
        "{}",
        r.stdout
    );
    git(&w, &["config", "--global", "--unset", "credential.helper"]);
    git(&w, &["config", "--unset", &local]);
    fs::remove_dir_all(&scan).unwrap();

    // Fixed: the rule, the URL with a token, the SSH remote, the file mode.
    fs::set_permissions(&store, fs::Permissions::from_mode(0o600)).unwrap();
    git(
        &w,
        &[
            "config",
            "--global",
            "--unset",
            "url.git@github.com:.insteadOf",
        ],
    );
    git(&w, &["remote", "remove", "leak"]);
    git(&w, &["remote", "remove", "old"]);
    let r = w.run(&["doctor"], None, &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("the API knows the token as alice"),
        "{}",
        r.stdout
    );
    w.assert_no_leak(Some(&store));
}

/// After a login with the store file: every check passes, the API asked.
#[test]
fn doctor_reads_as_before() {
    let mut w = World::new("repo");
    w.login(&["--cache", "store"], &[]).ok();
    let r = w.run(&["doctor"], None, &[]);
    settings(&w.s).bind(|| {
        insta::assert_snapshot!("doctor", both(&r));
    });
    w.assert_no_leak(Some(&w.s.home.join(".git-credentials")));
}

/// Before any login, with an insteadOf rule, a token in a URL and an SSH remote.
#[test]
fn doctor_with_problems_reads_as_before() {
    let mut w = World::new("repo");
    let host = w.server.host();
    for args in [
        vec![
            "config",
            "--global",
            "url.git@github.com:.insteadOf",
            "https://github.com/",
        ],
        vec!["remote", "add", "old", "git@github.com:o/x.git"],
    ] {
        assert_eq!(w.user_git(&args, &[], None).code, 0, "{args:?}");
    }
    let leak = format!("https://u:hunter2@{host}/o/r.git");
    assert_eq!(
        w.user_git(&["remote", "add", "leak", &leak], &[], None)
            .code,
        0
    );
    let r = w.run(&["doctor", "--offline"], None, &[]);
    settings(&w.s).bind(|| {
        insta::assert_snapshot!("doctor_problems", both(&r));
    });
}

/// `--json` ends with the counts the human summary line gives.
#[test]
fn doctor_json_ends_with_a_summary() {
    let mut w = World::new("repo");
    assert_eq!(
        w.user_git(
            &["remote", "add", "old", "git@github.com:o/x.git"],
            &[],
            None
        )
        .code,
        0
    );
    let r = w.run(&["doctor", "--json", "--offline"], None, &[]);
    let lines = r.json_lines();
    let (last, findings) = lines.split_last().unwrap();
    assert_eq!(last["type"], "summary", "{}", r.stdout);
    assert!(
        findings.iter().all(|f| f["type"] == "finding"),
        "{}",
        r.stdout
    );
    let count = |s: &str| findings.iter().filter(|f| f["status"] == s).count();
    assert_eq!(last["checks"], findings.len(), "{}", r.stdout);
    assert_eq!(last["warnings"], count("warn"), "{}", r.stdout);
    assert_eq!(last["failures"], count("fail"), "{}", r.stdout);
    assert!(count("warn") + count("fail") > 0, "{}", r.stdout);
    // The same counts as the human line.
    let human = w.run(&["doctor", "--offline"], None, &[]);
    let line = format!("{} checks, {} warning", findings.len(), count("warn"));
    assert!(human.stderr.contains(&line), "{line}\n{}", human.stderr);
}
