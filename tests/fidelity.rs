//! End-to-end: configs written as git writes them and read as git reads them — a key on its
//! section's line, values that are not UTF-8, a symlinked config, modes and owners, runs
//! under odd paths — each compared with what the real git does.

mod support;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use support::Sandbox;

/// The bytes `git remote set-url` leaves for the same config.
fn what_git_writes(s: &Sandbox, config: &[u8], sets: &[(&str, &str)]) -> Vec<u8> {
    let twin = s.repo("twin", &[]);
    fs::write(twin.join(".git/config"), config).unwrap();
    for (remote, url) in sets {
        s.git(&twin, &["remote", "set-url", remote, url]);
    }
    fs::read(twin.join(".git/config")).unwrap()
}

#[test]
fn a_key_on_its_section_line_and_blanks_inside_values_are_written_as_git_writes_them() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[]);
    let mut cfg = s.config(&repo);
    cfg.extend_from_slice(
        b"[remote \"o\"] url = git@github.com:o/r.git\n\tfetch = +refs/heads/*:refs/remotes/o/*\n[remote \"p\"]\turl = git@github.com:o/p.git # c\n",
    );
    fs::write(repo.join(".git/config"), &cfg).unwrap();
    let expected = what_git_writes(
        &s,
        &cfg,
        &[
            ("o", "https://github.com/o/r.git"),
            ("p", "https://github.com/o/p.git"),
        ],
    );
    s.run(&repo, &["migrate", "--yes"]).ok();
    assert_eq!(
        String::from_utf8_lossy(&s.config(&repo)),
        String::from_utf8_lossy(&expected)
    );
}

#[test]
fn values_that_are_not_utf8_are_left_alone_byte_for_byte() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[("ok", "git@github.com:o/ok.git")]);
    let mut cfg = s.config(&repo);
    cfg.extend_from_slice(b"[remote \"bin\"]\n\turl = git@github.com:o/\xffr.git\n");
    fs::write(repo.join(".git/config"), &cfg).unwrap();
    let r = s.run(&repo, &["migrate", "--yes"]).ok();
    assert!(r.stdout.contains("not UTF-8"), "{}", r.stdout);
    let after = s.config(&repo);
    assert!(
        after.windows(7).any(|w| w == b"o/\xffr.gi"),
        "the bytes are kept"
    );
    assert_eq!(
        s.git(&repo, &["config", "remote.ok.url"]),
        "https://github.com/o/ok.git\n"
    );
    s.run(&repo, &["undo", "--yes"]).ok();
    assert_eq!(s.config(&repo), cfg);
}

#[test]
fn a_symlinked_config_is_written_through_and_undone_through() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[("origin", "git@github.com:o/r.git")]);
    let elsewhere = s.path().join("shared-config");
    fs::rename(repo.join(".git/config"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, repo.join(".git/config")).unwrap();
    let before = fs::read(&elsewhere).unwrap();
    s.run(&repo, &["migrate", "--yes"]).ok();
    assert!(
        fs::symlink_metadata(repo.join(".git/config"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        s.git(&repo, &["config", "remote.origin.url"]),
        "https://github.com/o/r.git\n"
    );
    assert!(!s.path().join("shared-config.lock").exists());
    s.run(&repo, &["undo", "--yes"]).ok();
    assert!(
        fs::symlink_metadata(repo.join(".git/config"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(&elsewhere).unwrap(), before);
}

#[test]
fn modes_are_kept() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[("origin", "git@github.com:o/r.git")]);
    let cfg = repo.join(".git/config");
    fs::set_permissions(&cfg, fs::Permissions::from_mode(0o600)).unwrap();
    s.run(&repo, &["migrate", "--yes"]).ok();
    assert_eq!(
        fs::metadata(&cfg).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

fn running_as_root() -> bool {
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn chown_tree(s: &Sandbox, dir: &Path, uid: u32) {
    support::output(
        s.cmd("chown")
            .args(["-R", &uid.to_string(), dir.to_str().unwrap()]),
        None,
    );
}

/// git refuses a repository another user owns (unless `safe.directory` allows it); so does
/// a bulk run as root, and when allowed, the owner keeps the file.
#[test]
fn another_users_repository_is_left_alone_unless_safe_directory_allows_it() {
    if !running_as_root() {
        // Changing a file's owner needs root; CI runs as root.
        eprintln!("not root: the ownership rule is checked where the tests run as root");
        return;
    }
    let s = Sandbox::new();
    let repo = s.repo("code/theirs", &[("origin", "git@github.com:o/r.git")]);
    chown_tree(&s, &repo, 4242);
    let cfg = repo.join(".git/config");
    fs::set_permissions(&cfg, fs::Permissions::from_mode(0o640)).unwrap();
    let before = fs::read(&cfg).unwrap();
    // git itself refuses it.
    let git = support::output(s.cmd("git").current_dir(&repo).args(["status"]), None);
    assert_ne!(git.code, 0);
    let r = s.run(s.path(), &["migrate", "-r", "code", "--yes"]);
    assert!(
        r.stderr.contains("owned by user 4242") || r.stdout.contains("owned by user 4242"),
        "{r:?}"
    );
    assert_eq!(fs::read(&cfg).unwrap(), before);

    s.git(s.path(), &["config", "--global", "safe.directory", "*"]);
    s.run(s.path(), &["migrate", "-r", "code", "--yes"]).ok();
    assert_eq!(
        s.git(&repo, &["config", "remote.origin.url"]),
        "https://github.com/o/r.git\n"
    );
    let m = fs::metadata(&cfg).unwrap();
    assert_eq!((m.uid(), m.permissions().mode() & 0o777), (4242, 0o640));
}

#[test]
fn undo_by_path_finds_runs_made_through_dot_symlinks_and_worktrees() {
    let s = Sandbox::new();
    let repo = s.repo("code/r", &[("origin", "git@github.com:o/r.git")]);
    s.git(&repo, &["commit", "-q", "--allow-empty", "-m", "x"]);
    // Through `-r .`, then undone by the repository's own path.
    s.run(&s.path().join("code"), &["migrate", "-r", ".", "--yes"])
        .ok();
    s.run(s.path(), &["undo", "code/r", "--yes"]).ok();
    assert_eq!(
        s.git(&repo, &["config", "remote.origin.url"]),
        "git@github.com:o/r.git\n"
    );
    // Through a symlinked folder.
    std::os::unix::fs::symlink(s.path().join("code"), s.path().join("link")).unwrap();
    s.run(s.path(), &["migrate", "-r", "link", "--yes"]).ok();
    s.run(s.path(), &["undo", "code/r", "--yes"]).ok();
    assert_eq!(
        s.git(&repo, &["config", "remote.origin.url"]),
        "git@github.com:o/r.git\n"
    );
    // From a linked worktree of the same repository.
    s.git(&repo, &["worktree", "add", "-q", "../wt"]);
    s.run(&repo, &["migrate", "--yes"]).ok();
    s.run(&s.path().join("code/wt"), &["undo", "--yes"]).ok();
    assert_eq!(
        s.git(&repo, &["config", "remote.origin.url"]),
        "git@github.com:o/r.git\n"
    );
}

#[test]
fn folders_whose_names_are_not_utf8_are_found_again_exactly() {
    use std::os::unix::ffi::OsStrExt;
    let s = Sandbox::new();
    let code = s.path().join("code");
    let odd = code.join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
    let lossy = code.join("caf\u{FFFD}");
    for dir in [&odd, &lossy] {
        fs::create_dir_all(dir).unwrap();
        s.git(dir, &["init", "-q"]);
        s.git(dir, &["remote", "add", "origin", "git@github.com:o/r.git"]);
    }
    s.run(
        s.path(),
        &["migrate", "-r", "code", "--yes", "--host", "github.com"],
    )
    .ok();
    assert_eq!(
        s.git(&odd, &["config", "remote.origin.url"]),
        "https://github.com/o/r.git\n"
    );
    // Undo one run: both come back, each its own.
    s.git(
        &lossy,
        &["remote", "set-url", "origin", "git@github.com:o/lossy.git"],
    );
    let r = s.run(s.path(), &["undo", "--last", "--yes"]);
    assert_eq!(
        s.git(&odd, &["config", "remote.origin.url"]),
        "git@github.com:o/r.git\n"
    );
    assert_eq!(
        s.git(&lossy, &["config", "remote.origin.url"]),
        "git@github.com:o/lossy.git\n",
        "the sibling with the lossy name is not touched: {r:?}"
    );
}

#[test]
fn undo_writes_only_repository_files_from_run_ids_only() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[("origin", "git@github.com:o/r.git")]);
    s.run(&repo, &["migrate", "--yes"]).ok();
    let r = s.run(&repo, &["undo", "--run", "../../../etc/passwd", "--yes"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not a run id"), "{}", r.stderr);
    // A journal edited to name another file: that file is not written.
    let runs = s.state_dir().join("runs");
    let journal = fs::read_dir(&runs).unwrap().next().unwrap().unwrap().path();
    let victim = s.path().join("victim.txt");
    fs::write(
        &victim,
        "[remote \"origin\"]\n\turl = https://github.com/o/r.git\n",
    )
    .unwrap();
    let text = fs::read_to_string(&journal).unwrap().replace(
        &repo.join(".git/config").display().to_string(),
        &victim.display().to_string(),
    );
    fs::write(&journal, text).unwrap();
    let before = fs::read(&victim).unwrap();
    let r = s.run(&repo, &["undo", "--last", "--yes"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("not a repository's config"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read(&victim).unwrap(), before);
}

#[test]
fn a_stray_file_and_a_torn_line_in_the_runs_folder() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[("origin", "git@github.com:o/r.git")]);
    s.run(&repo, &["migrate", "--yes"]).ok();
    let runs = s.state_dir().join("runs");
    let journal = fs::read_dir(&runs).unwrap().next().unwrap().unwrap().path();
    fs::write(runs.join("notes.jsonl"), "hello\n").unwrap();
    // A kill mid-write left half a line at the end.
    let mut text = fs::read(&journal).unwrap();
    text.extend_from_slice(b"{\"type\":\"resu");
    fs::write(&journal, text).unwrap();
    let r = s.run(s.path(), &["runs"]).ok();
    assert!(r.stderr.contains("notes.jsonl"), "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    s.run(&repo, &["undo", "--yes"]).ok();
    // The undone marker was not glued to the torn line: every line is a record again.
    for line in fs::read_to_string(&journal).unwrap().lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
    }
    assert!(s.run(s.path(), &["runs"]).ok().stdout.contains("undone"));
}

/// The effective URL git uses for a remote (after insteadOf rules).
fn effective(s: &Sandbox, repo: &Path) -> String {
    s.git(repo, &["ls-remote", "--get-url", "origin"])
}

#[test]
fn insteadof_rules_that_undo_a_migration_are_reported_once_and_fixed_on_request() {
    let s = Sandbox::new();
    for i in 0..30 {
        s.repo(
            &format!("code/r{i}"),
            &[("origin", &format!("git@github.com:o/r{i}.git"))],
        );
    }
    let own = s.repo("code/own", &[("origin", "git@gitlab.com:o/own.git")]);
    s.git(
        &own,
        &[
            "config",
            "url.git@gitlab.com:.insteadOf",
            "https://gitlab.com/",
        ],
    );
    // A global rule, and one in a file the global config includes.
    s.git(
        &s.home,
        &[
            "config",
            "--global",
            "url.git@github.com:.pushInsteadOf",
            "https://github.com/",
        ],
    );
    let inc = s.home.join("rules.inc");
    fs::write(
        &inc,
        "[url \"git@github.com:\"]\n\tinsteadOf = https://github.com/\n",
    )
    .unwrap();
    s.git(
        &s.home,
        &["config", "--global", "include.path", inc.to_str().unwrap()],
    );
    let global = fs::read(s.home.join(".gitconfig")).unwrap();
    let included = fs::read(&inc).unwrap();

    // Reported once per rule, with the file it is really in; exit 1: git still uses SSH.
    let r = s.run(s.path(), &["migrate", "-r", "code", "--yes"]);
    assert_eq!(r.code, 1, "{r:?}");
    let lines: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("back into SSH"))
        .collect();
    assert_eq!(lines.len(), 3, "{}", r.stderr);
    assert!(
        lines
            .iter()
            .any(|l| l.contains(inc.to_str().unwrap()) && l.contains("30 migrated URLs")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("still SSH in effect"), "{}", r.stderr);
    assert!(effective(&s, &s.path().join("code/r0")).starts_with("git@github.com:"));
    // The same run again has nothing to rewrite, but git still uses SSH: still exit 1.
    let again = s.run(s.path(), &["migrate", "-r", "code", "--yes"]);
    assert_eq!(again.code, 1, "{again:?}");
    assert!(
        again.stderr.contains("still SSH in effect"),
        "{}",
        again.stderr
    );
    s.run(s.path(), &["undo", "--last", "--yes"]).ok();

    // --fix-insteadof: the rules go (the repository's own in the same write), git uses HTTPS.
    let r = s.run(
        s.path(),
        &["migrate", "-r", "code", "--yes", "--fix-insteadof"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        effective(&s, &s.path().join("code/r0")),
        "https://github.com/o/r0.git\n"
    );
    assert_eq!(effective(&s, &own), "https://gitlab.com/o/own.git\n");
    let push = s.git(
        &s.path().join("code/r0"),
        &["remote", "get-url", "--push", "origin"],
    );
    assert_eq!(push, "https://github.com/o/r0.git\n");
    assert!(!String::from_utf8_lossy(&fs::read(&inc).unwrap()).contains("insteadOf ="));
    // And undo puts every rule back.
    s.run(s.path(), &["undo", "--last", "--yes"]).ok();
    assert!(effective(&s, &s.path().join("code/r0")).starts_with("git@github.com:"));
    let rules = s.git(
        &s.home,
        &[
            "config",
            "--global",
            "--includes",
            "--get-regexp",
            "insteadof",
        ],
    );
    assert_eq!(rules.lines().count(), 2, "{rules}");
    assert!(
        s.git(&own, &["config", "--local", "--get-regexp", "insteadof"])
            .contains("gitlab")
    );

    // Remotes already HTTPS, rules still there: --fix-insteadof removes only the rules, and
    // undo brings them back.
    s.run(s.path(), &["migrate", "-r", "code", "--yes"]);
    let r = s.run(
        s.path(),
        &["migrate", "-r", "code", "--yes", "--fix-insteadof"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        effective(&s, &s.path().join("code/r0")),
        "https://github.com/o/r0.git\n"
    );
    let u = s.run(s.path(), &["undo", "--last", "--yes"]).ok();
    assert!(u.stderr.contains("3 insteadOf rules"), "{}", u.stderr);
    assert!(effective(&s, &s.path().join("code/r0")).starts_with("git@github.com:"));
    let _ = (global, included);
}

#[test]
fn status_summary_counts_what_migrate_changes() {
    let s = Sandbox::new();
    s.repo("code/a", &[("origin", "git@github.com:o/a.git")]);
    let b = s.repo(
        "code/b",
        &[
            ("origin", "git@gitlab.com:o/b.git"),
            ("up", "git@github.com:u/b.git"),
        ],
    );
    // A submodule URL in the config is shown by status but not changed by a plain migrate.
    s.git(
        &b,
        &["config", "submodule.lib.url", "git@github.com:o/lib.git"],
    );
    s.repo("code/c", &[("origin", "https://github.com/o/c.git")]);
    let st = s.run(s.path(), &["status", "-r", "code", "--summary"]).ok();
    // No repository blocks: the summary alone, on stdout (the data asked for).
    assert_eq!(st.stdout.lines().count(), 1, "{}", st.stdout);
    assert!(
        st.stdout.contains("github.com: 2, gitlab.com: 1"),
        "{}",
        st.stdout
    );
    let sj = s
        .run(s.path(), &["status", "-r", "code", "--summary", "--json"])
        .ok()
        .json_lines();
    let mj = s
        .run(s.path(), &["migrate", "-r", "code", "--dry-run", "--json"])
        .ok()
        .json_lines();
    let (st, mg) = (sj.last().unwrap(), mj.last().unwrap());
    assert_eq!(st["urls_to_migrate"], mg["planned"]);
    assert_eq!(st["repos_to_migrate"], mg["repos_to_change"]);
    assert_eq!(st["by_host"], mg["by_host"]);
}

/// undo runs through the same protocol as migrate: its own journal has the plan, an
/// `applying` record before any file is touched, a result per file and an end record.
#[test]
fn an_undo_run_is_journaled_like_a_migration() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[("origin", "git@github.com:o/r.git")]);
    s.run(&repo, &["migrate", "--yes"]).ok();
    s.run(&repo, &["undo", "--yes"]).ok();
    let runs = s.run(s.path(), &["runs", "--json"]).ok().json_lines();
    let undo = runs
        .iter()
        .find(|r| r["command"] == "undo")
        .expect("an undo run");
    let id = undo["run"].as_str().unwrap();
    let text = fs::read_to_string(s.state_dir().join("runs").join(format!("{id}.jsonl"))).unwrap();
    let types: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        types,
        ["run", "change", "applying", "result", "end"],
        "{text}"
    );
}

#[test]
fn ssh_config_includes_and_match_blocks_apply_where_ssh_applies_them() {
    let s = Sandbox::new();
    let ssh = s.home.join(".ssh");
    fs::create_dir_all(&ssh).unwrap();
    fs::write(
        ssh.join("config"),
        "Host work\n  Include work.conf\nMatch host gh-alias\n  HostName github.com\n",
    )
    .unwrap();
    fs::write(ssh.join("work.conf"), "HostName github.com\n").unwrap();
    let r = s
        .run(
            s.path(),
            &[
                "convert",
                "git@gitlab.example.com:team/app.git",
                "git@work:o/r.git",
                "git@gh-alias:o/r.git",
            ],
        )
        .ok();
    assert_eq!(
        r.stdout,
        "https://gitlab.example.com/team/app.git\nhttps://github.com/o/r.git\nhttps://github.com/o/r.git\n"
    );
    // A Match only ssh can evaluate, setting HostName: no address is guessed.
    fs::write(
        ssh.join("config"),
        "Match exec \"true\"\n  HostName elsewhere.example\n",
    )
    .unwrap();
    let r = s.run(s.path(), &["convert", "git@github.com:o/r.git"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Match block"), "{}", r.stderr);
}

#[test]
fn a_remote_redirected_by_insteadof_is_left_alone() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[("origin", "git@github.com:team/app.git")]);
    s.git(
        &s.home,
        &[
            "config",
            "--global",
            "url.git@gitlab.corp.example:.insteadOf",
            "git@github.com:",
        ],
    );
    let before = s.config(&repo);
    let r = s.run(&repo, &["migrate", "--yes"]).ok();
    assert!(r.stdout.contains("would change where git goes"), "{r:?}");
    assert_eq!(s.config(&repo), before);
}

#[test]
fn rules_in_a_repository_config_with_includes_duplicates_and_counts() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[("origin", "git@github.com:o/r.git")]);
    s.git(
        &repo,
        &[
            "config",
            "--add",
            "url.git@github.com:.insteadOf",
            "https://github.com/",
        ],
    );
    s.git(&repo, &["config", "include.path", "extra.inc"]);
    fs::write(repo.join(".git/extra.inc"), "[url \"git@github.com:\"]\n\tpushInsteadOf = https://github.com/\n[remote \"inc\"]\n\turl = git@github.com:o/inc.git\n").unwrap();
    // The same rule twice in the global config.
    for _ in 0..2 {
        s.git(
            &s.home,
            &[
                "config",
                "--global",
                "--add",
                "url.git@github.com:.insteadOf",
                "https://github.com/",
            ],
        );
    }
    // Run from elsewhere: relative origins must not be read against the current folder.
    let r = s.run(s.path(), &["migrate", "r", "--yes"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("turns 1 migrated URL back"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("extra.inc, included from"),
        "the included remote is shown: {}",
        r.stdout
    );
    s.run(s.path(), &["undo", "--last", "--yes"]).ok();
    let r = s
        .run(s.path(), &["migrate", "r", "--yes", "--fix-insteadof"])
        .ok();
    assert!(r.stderr.contains("rules removed"), "{}", r.stderr);
    assert_eq!(effective(&s, &repo), "https://github.com/o/r.git\n");
    let push = s.git(&repo, &["remote", "get-url", "--push", "origin"]);
    assert_eq!(push, "https://github.com/o/r.git\n");
    assert!(
        !String::from_utf8_lossy(&fs::read(s.home.join(".gitconfig")).unwrap())
            .contains("insteadOf =")
    );
}

#[test]
fn undo_refuses_edits_git_https_never_makes_and_looks_past_runs_that_wrote_nothing() {
    let s = Sandbox::new();
    let a = s.repo("a", &[("origin", "git@github.com:o/a.git")]);
    let b = s.repo("b", &[("origin", "git@github.com:o/b.git")]);
    s.run(&a, &["migrate", "--yes"]).ok();
    fs::write(b.join(".git/config.lock"), "").unwrap();
    assert_eq!(s.run(&b, &["migrate", "--yes"]).code, 1);
    fs::remove_file(b.join(".git/config.lock")).unwrap();
    // The newest run wrote nothing: --last restores the one before it.
    s.run(s.path(), &["undo", "--last", "--yes"]).ok();
    assert_eq!(
        s.git(&a, &["config", "remote.origin.url"]),
        "git@github.com:o/a.git\n"
    );
    // A journal edited to set something else is refused.
    s.run(&a, &["migrate", "--yes"]).ok();
    let runs = s.state_dir().join("runs");
    let newest = fs::read_dir(&runs)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .max()
        .unwrap();
    let text = fs::read_to_string(&newest)
        .unwrap()
        .replace("\"section\":\"remote\"", "\"section\":\"core\"")
        .replace("\"name\":\"url\"", "\"name\":\"fsmonitor\"");
    fs::write(&newest, text).unwrap();
    let before = s.config(&a);
    let r = s.run(&a, &["undo", "--last", "--yes"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("never changes"), "{}", r.stderr);
    assert_eq!(s.config(&a), before);
}

#[test]
fn odd_values_round_trip_as_git_writes_them() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[]);
    s.git(
        &repo,
        &["config", "remote.origin.url", "git@github.com:o/r.git\r"],
    );
    s.git(
        &repo,
        &["config", "remote.nul.url", "git@github.com:o/n.git"],
    );
    let mut cfg = s.config(&repo);
    // A NUL inside a value: git reads up to it; git-https leaves the value alone.
    let at = cfg.windows(5).rposition(|w| w == b"n.git").unwrap() + 5;
    cfg.splice(at..at, b"\0evil".iter().copied());
    fs::write(repo.join(".git/config"), &cfg).unwrap();
    s.run(&repo, &["migrate", "--yes"]).ok();
    s.run(&repo, &["undo", "--yes"]).ok();
    assert_eq!(s.config(&repo), cfg, "byte for byte after migrate and undo");
}

/// An alias tied to an account: the login goes into this machine's `.git/config` (remote and
/// submodule), never into the tracked `.gitmodules` every clone gets; undo restores both.
#[test]
fn a_tied_alias_puts_the_login_in_the_config_and_not_in_gitmodules() {
    let s = Sandbox::new();
    fs::create_dir_all(s.home.join(".ssh")).unwrap();
    fs::write(
        s.home.join(".ssh/config"),
        "Host gh-work\n  HostName github.com\n",
    )
    .unwrap();
    let config_toml = s.home.join(".config/git-https/config.toml");
    fs::create_dir_all(config_toml.parent().unwrap()).unwrap();
    // What `login --alias gh-work` writes; and a [hosts] rule naming a user, for another.
    fs::write(
        &config_toml,
        "[aliases]\n\"gh-work\" = \"https://alice@github.com\"\n\
         [hosts]\n\"gl-work\" = \"https://bob@gitlab.com\"\n",
    )
    .unwrap();
    let repo = s.repo("r", &[("origin", "git@gh-work:o/r.git")]);
    let gitmodules = "[submodule \"lib\"]\n\tpath = lib\n\turl = git@gh-work:o/lib.git\n\
                      [submodule \"doc\"]\n\tpath = doc\n\turl = git@gl-work:o/doc.git\n";
    fs::write(repo.join(".gitmodules"), gitmodules).unwrap();
    s.git(
        &repo,
        &["config", "submodule.lib.url", "git@gh-work:o/lib.git"],
    );
    let config = s.config(&repo);
    s.run(&repo, &["migrate", "--gitmodules", "--yes"]).ok();
    let get = |args: &[&str]| s.git(&repo, args).trim().to_string();
    assert_eq!(
        get(&["config", "-f", ".gitmodules", "submodule.lib.url"]),
        "https://github.com/o/lib.git"
    );
    assert_eq!(
        get(&["config", "-f", ".gitmodules", "submodule.doc.url"]),
        "https://gitlab.com/o/doc.git"
    );
    let tracked = fs::read_to_string(repo.join(".gitmodules")).unwrap();
    assert!(!tracked.contains('@'), "{tracked}");
    assert_eq!(
        get(&["config", "remote.origin.url"]),
        "https://alice@github.com/o/r.git"
    );
    assert_eq!(
        get(&["config", "submodule.lib.url"]),
        "https://alice@github.com/o/lib.git"
    );
    s.run(&repo, &["undo", "--yes"]).ok();
    assert_eq!(
        s.config(&repo),
        config,
        "the config byte for byte after undo"
    );
    assert_eq!(
        fs::read_to_string(repo.join(".gitmodules")).unwrap(),
        gitmodules,
        ".gitmodules byte for byte after undo"
    );
}
