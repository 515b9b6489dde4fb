//! End-to-end: convert, status, migrate and undo on real repositories made by the real git,
//! read back with `git config` / `git remote -v`.

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;

use support::Sandbox;

#[test]
fn convert_prints_one_line_each_and_fails_on_refusals() {
    let s = Sandbox::new();
    let r = s
        .run(
            s.path(),
            &[
                "convert",
                "git@github.com:o/r.git",
                "https://github.com/o/r",
                "ssh://git@h.xz:2222/x/y/",
            ],
        )
        .ok();
    assert_eq!(
        r.stdout,
        "https://github.com/o/r.git\nhttps://github.com/o/r\nhttps://h.xz/x/y\n"
    );
    let r = s.run(
        s.path(),
        &["convert", "git@github.com:o/r.git", "/srv/repo.git"],
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "https://github.com/o/r.git\n");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("/srv/repo.git") && r.stderr.contains("local path"));
}

#[test]
fn convert_never_prints_a_url_password() {
    let s = Sandbox::new();
    let r = s
        .run(
            s.path(),
            &["convert", "https://me:CANARY-s3cret@github.com/o/r.git"],
        )
        .ok();
    assert_eq!(r.stdout, "https://github.com/o/r.git\n");
    assert!(!r.stderr.contains("CANARY") && r.stderr.contains("credentials"));
    let r = s
        .run(
            s.path(),
            &[
                "convert",
                "--json",
                "https://me:CANARY-s3cret@github.com/o/r.git",
            ],
        )
        .ok();
    assert!(!r.stdout.contains("CANARY"));
    assert_eq!(r.json_lines()[0]["https"], "https://github.com/o/r.git");
}

#[test]
fn convert_applies_maps_and_ssh_aliases() {
    let s = Sandbox::new();
    fs::create_dir_all(s.home.join(".ssh/conf.d")).unwrap();
    fs::write(
        s.home.join(".ssh/config"),
        "Include conf.d/*.conf\nHost *\n  User git\n",
    )
    .unwrap();
    fs::write(
        s.home.join(".ssh/conf.d/work.conf"),
        "Host github-work\n  HostName github.com\n",
    )
    .unwrap();
    fs::create_dir_all(s.home.join(".config/git-https")).unwrap();
    fs::write(
        s.home.join(".config/git-https/config.toml"),
        "[hosts]\n\"ghe.corp\" = \"https://ghe.corp:8443\"\n",
    )
    .unwrap();
    let r = s
        .run(
            s.path(),
            &[
                "convert",
                "github-work:o/r.git",
                "git@ghe.corp:o/r.git",
                "--map",
                "gl=gitlab.example.com/gl",
                "gl:g/p",
            ],
        )
        .ok();
    assert_eq!(
        r.stdout,
        "https://github.com/o/r.git\nhttps://ghe.corp:8443/o/r.git\nhttps://gitlab.example.com/gl/g/p\n"
    );
    let r = s.run(s.path(), &["convert", "--map", "nonsense", "x:y"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn status_shows_raw_planned_and_effective_urls_and_names_undoing_rules() {
    let s = Sandbox::new();
    let repo = s.repo(
        "r",
        &[
            ("origin", "git@github.com:o/r.git"),
            ("up", "https://github.com/u/r.git"),
        ],
    );
    s.git(
        &repo,
        &[
            "config",
            "--add",
            "remote.origin.url",
            "ssh://git@github.com/o/mirror.git",
        ],
    );
    s.git(
        &s.home,
        &[
            "config",
            "--global",
            "url.git@github.com:.pushInsteadOf",
            "https://github.com/",
        ],
    );
    let r = s.run(&repo, &["status"]).ok();
    assert!(
        r.stdout
            .contains("git@github.com:o/r.git  → https://github.com/o/r.git"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("ssh://git@github.com/o/mirror.git  → https://github.com/o/mirror.git")
    );
    assert!(r.stdout.contains("git push git@github.com:u/r.git"));
    assert!(r.stdout.contains(".gitconfig"));
    // The rule would turn origin's new HTTPS URLs back into SSH for push: named, with its file.
    assert!(
        r.stderr.contains("pushInsteadOf")
            && r.stderr
                .contains(&s.home.join(".gitconfig").display().to_string()),
        "{}",
        r.stderr
    );

    let j = s.run(&repo, &["status", "--json"]).ok().json_lines();
    let origin = &j[0]["remotes"][0];
    assert_eq!(origin["name"], "origin");
    assert_eq!(origin["urls"].as_array().unwrap().len(), 2);
    assert_eq!(origin["urls"][0]["https"], "https://github.com/o/r.git");
    assert_eq!(
        j[0]["remotes"][1]["effective"]["push"][0]["url"],
        "git@github.com:u/r.git"
    );
}

#[test]
fn migrate_matches_git_remote_set_url_byte_for_byte_and_undo_restores() {
    let s = Sandbox::new();
    let remotes = [
        ("origin", "git@github.com:o/r.git"),
        ("fork", "ssh://git@github.com:22/me/r.git"),
        ("up", "https://github.com/u/r"),
    ];
    let ours = s.repo("ours", &remotes);
    let theirs = s.repo("theirs", &remotes);
    for repo in [&ours, &theirs] {
        s.git(
            repo,
            &[
                "remote",
                "set-url",
                "--push",
                "origin",
                "ssh://git@github.com/o/r-push.git",
            ],
        );
    }
    let before = s.config(&ours);
    s.git(
        &theirs,
        &["remote", "set-url", "origin", "https://github.com/o/r.git"],
    );
    s.git(
        &theirs,
        &[
            "remote",
            "set-url",
            "--push",
            "origin",
            "https://github.com/o/r-push.git",
        ],
    );
    s.git(
        &theirs,
        &["remote", "set-url", "fork", "https://github.com/me/r.git"],
    );

    let r = s.run(&ours, &["migrate", "--yes"]).ok();
    assert!(r.stdout.contains("origin.url"), "{}", r.stdout);
    assert_eq!(s.config(&ours), s.config(&theirs));
    assert_eq!(
        s.git(&ours, &["config", "--get", "remote.origin.pushurl"]),
        "https://github.com/o/r-push.git\n"
    );
    assert!(
        s.remotes(&ours)
            .contains("fork\thttps://github.com/me/r.git (fetch)")
    );

    // Twice changes nothing and starts no run.
    let r = s.run(&ours, &["migrate", "--yes"]).ok();
    assert!(r.stderr.contains("nothing to change"), "{}", r.stderr);
    assert_eq!(fs::read_dir(s.state_dir().join("runs")).unwrap().count(), 1);

    s.run(&ours, &["undo", "--yes"]).ok();
    assert_eq!(s.config(&ours), before);
    // Undoing again is harmless.
    let r = s.run(&ours, &["undo", "--yes"]).ok();
    assert!(r.stderr.contains("nothing to undo"), "{}", r.stderr);
    assert_eq!(s.config(&ours), before);
}

#[test]
fn journal_holds_every_change_before_and_after() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[("origin", "git@github.com:o/r.git")]);
    s.run(&repo, &["migrate", "--yes"]).ok();
    let runs = s.state_dir().join("runs");
    let file = fs::read_dir(&runs).unwrap().next().unwrap().unwrap().path();
    assert_eq!(
        fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let lines: Vec<serde_json::Value> = fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["type"], "run");
    let change = lines.iter().find(|l| l["type"] == "change").unwrap();
    assert_eq!(change["key"], "remote.origin.url");
    assert_eq!(change["old"], "git@github.com:o/r.git");
    assert_eq!(change["new"], "https://github.com/o/r.git");
    assert_eq!(
        change["repo"],
        repo.canonicalize().unwrap().display().to_string()
    );
    assert!(change["time"].as_str().unwrap().starts_with("20"));
    assert_eq!(lines.last().unwrap()["type"], "end");
    let listed = s.run(&repo, &["runs", "--json"]).ok().json_lines();
    assert_eq!(listed[0]["state"], "applied");
    assert_eq!(listed[0]["changes"], 1);
}

#[test]
fn migrate_without_a_terminal_needs_yes_and_dry_run_changes_nothing() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[("origin", "git@github.com:o/r.git")]);
    let before = s.config(&repo);
    let r = s.run(&repo, &["migrate"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert_eq!(s.config(&repo), before);
    let r = s.run(&repo, &["migrate", "--dry-run", "--json"]).ok();
    let lines = r.json_lines();
    assert_eq!(lines[0]["type"], "change");
    assert_eq!(lines[0]["status"], "planned");
    assert_eq!(lines.last().unwrap()["type"], "summary");
    assert_eq!(lines.last().unwrap()["planned"], 1);
    assert_eq!(s.config(&repo), before);
    // Neither the refused run nor the dry run left a run in the journal.
    assert_eq!(s.run(&repo, &["runs", "--json"]).ok().stdout, "");
}

#[test]
fn migrate_one_remote_and_host_filters() {
    let s = Sandbox::new();
    let repo = s.repo(
        "r",
        &[
            ("origin", "git@github.com:o/r.git"),
            ("lab", "git@gitlab.com:g/p.git"),
        ],
    );
    s.run(&repo, &["migrate", "--yes", "--remote", "lab"]).ok();
    assert_eq!(
        s.git(&repo, &["config", "remote.lab.url"]),
        "https://gitlab.com/g/p.git\n"
    );
    assert_eq!(
        s.git(&repo, &["config", "remote.origin.url"]),
        "git@github.com:o/r.git\n"
    );
    let r = s.run(&repo, &["migrate", "--yes", "--remote", "nope"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no remote named 'nope'"), "{}", r.stderr);
    s.run(&repo, &["migrate", "--yes", "--host", "github.com"])
        .ok();
    assert_eq!(
        s.git(&repo, &["config", "remote.origin.url"]),
        "https://github.com/o/r.git\n"
    );
}

#[test]
fn submodules_in_config_and_gitmodules() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[("origin", "git@github.com:o/r.git")]);
    fs::write(
        repo.join(".gitmodules"),
        "[submodule \"lib\"]\n\tpath = lib\n\turl = git@github.com:o/lib.git\n",
    )
    .unwrap();
    s.git(
        &repo,
        &["config", "submodule.lib.url", "git@github.com:o/lib.git"],
    );
    let r = s.run(&repo, &["migrate", "--yes", "--submodules"]).ok();
    assert!(r.stdout.contains("with --gitmodules"), "{}", r.stdout);
    assert_eq!(
        s.git(&repo, &["config", "submodule.lib.url"]),
        "https://github.com/o/lib.git\n"
    );
    assert_eq!(
        s.git(&repo, &["config", "-f", ".gitmodules", "submodule.lib.url"]),
        "git@github.com:o/lib.git\n"
    );
    s.run(&repo, &["migrate", "--yes", "--gitmodules"]).ok();
    assert_eq!(
        s.git(&repo, &["config", "-f", ".gitmodules", "submodule.lib.url"]),
        "https://github.com/o/lib.git\n"
    );
    // Undo the last migration: only .gitmodules came back.
    s.run(&repo, &["undo", "--yes"]).ok();
    assert_eq!(
        s.git(&repo, &["config", "-f", ".gitmodules", "submodule.lib.url"]),
        "git@github.com:o/lib.git\n"
    );
    assert_eq!(
        s.git(&repo, &["config", "submodule.lib.url"]),
        "https://github.com/o/lib.git\n"
    );
}

#[test]
fn credentials_in_a_url_are_reported_never_printed_and_stripped_on_request() {
    let s = Sandbox::new();
    let repo = s.repo(
        "r",
        &[("origin", "https://me:CANARY-tok@github.com/o/r.git")],
    );
    let r = s.run(&repo, &["status"]).ok();
    assert!(!r.stdout.contains("CANARY") && !r.stderr.contains("CANARY"));
    assert!(r.stdout.contains("credentials"));
    let r = s.run(&repo, &["migrate", "--yes"]).ok();
    assert!(r.stderr.contains("--strip-credentials"), "{}", r.stderr);
    let r = s
        .run(&repo, &["migrate", "--yes", "--strip-credentials"])
        .ok();
    assert!(!r.stdout.contains("CANARY") && !r.stderr.contains("CANARY"));
    assert_eq!(
        s.git(&repo, &["config", "remote.origin.url"]),
        "https://github.com/o/r.git\n"
    );
    for f in fs::read_dir(s.state_dir().join("runs")).unwrap() {
        assert!(
            !fs::read_to_string(f.unwrap().path())
                .unwrap()
                .contains("CANARY")
        );
    }
    let r = s.run(&repo, &["undo", "--yes"]).ok();
    assert!(r.stderr.contains("not kept"), "{}", r.stderr);
}

#[test]
fn bad_places_get_one_line_and_change_nothing() {
    let s = Sandbox::new();
    let plain = s.path().join("plain");
    fs::create_dir_all(&plain).unwrap();
    let r = s.run(&plain, &["status"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("error: not a git repository"),
        "{}",
        r.stderr
    );

    let corrupt = s.repo("corrupt", &[("origin", "git@github.com:o/r.git")]);
    let cfg = corrupt.join(".git/config");
    let mut text = fs::read_to_string(&cfg).unwrap();
    let bad_line = text.lines().count() + 1;
    text.push_str("[remote \"broken\"\n\turl = x\n");
    fs::write(&cfg, &text).unwrap();
    let r = s.run(&corrupt, &["migrate", "--yes"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(".git/config") && r.stderr.contains(&format!("line {bad_line}")),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read_to_string(&cfg).unwrap(), text);

    let locked = s.repo("locked", &[("origin", "git@github.com:o/r.git")]);
    fs::write(locked.join(".git/config.lock"), "").unwrap();
    let before = s.config(&locked);
    let r = s.run(&locked, &["migrate", "--yes"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("locked"), "{}", r.stderr);
    assert_eq!(s.config(&locked), before);
    assert!(
        locked.join(".git/config.lock").exists(),
        "someone else's lock is left alone"
    );

    let ro = s.repo("ro", &[("origin", "git@github.com:o/r.git")]);
    fs::set_permissions(ro.join(".git/config"), fs::Permissions::from_mode(0o444)).unwrap();
    let before = s.config(&ro);
    let r = s.run(&ro, &["migrate", "--yes"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("read-only"), "{}", r.stderr);
    assert_eq!(s.config(&ro), before);

    let r = s.run(&plain, &["migrate", "--bogus"]);
    assert_eq!(r.code, 2);
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[("origin", "git@github.com:o/r.git")]);
    let r = s.run(&repo, &["--color", "always", "status"]).ok();
    assert!(r.stdout.contains("\x1b["));
    let r = s.run_env(&repo, &["status"], &[("NO_COLOR", "1")]).ok();
    assert!(!r.stdout.contains("\x1b[") && !r.stderr.contains("\x1b["));
    let r = s.run(&repo, &["--color", "never", "status"]).ok();
    assert!(!r.stdout.contains("\x1b["));
}

#[test]
fn a_linked_worktree_shares_the_main_config() {
    let s = Sandbox::new();
    let repo = s.repo("main", &[("origin", "git@github.com:o/r.git")]);
    s.git(&repo, &["commit", "-q", "--allow-empty", "-m", "init"]);
    s.git(&repo, &["worktree", "add", "-q", "../wt"]);
    let wt = s.path().join("wt");
    s.run(&wt, &["migrate", "--yes"]).ok();
    assert_eq!(
        s.git(&repo, &["config", "remote.origin.url"]),
        "https://github.com/o/r.git\n"
    );
}

#[test]
fn completions_load_in_bash_and_the_man_page_renders() {
    let s = Sandbox::new();
    let script = s.run(s.path(), &["completions", "bash"]).ok().stdout;
    let file = s.path().join("git-https.bash");
    fs::write(&file, &script).unwrap();
    // Sourced by a real bash, the completion function exists and completes subcommands.
    let check = format!(
        "source '{}'; COMP_WORDS=(git-https mi); COMP_CWORD=1; _git__https git-https mi git-https; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display()
    );
    let r = support::output(s.cmd("bash").args(["-c", &check]), None);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.lines().any(|l| l == "migrate"), "{r:?}");
    // A subcommand's flags and their values complete too.
    for (words, cword, want) in [
        ("git-https setup --ca", 2, "--cache"),
        ("git-https setup --cache ''", 3, "keyring"),
        ("git-https doctor --sc", 2, "--scan"),
    ] {
        let check = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD={cword}; _git__https git-https \"${{COMP_WORDS[{cword}]}}\" \"${{COMP_WORDS[{}]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            file.display(),
            cword - 1
        );
        let r = support::output(s.cmd("bash").args(["-c", &check]), None);
        assert!(r.stdout.lines().any(|l| l == want), "{words}: {r:?}");
    }
    // Each page the main page refers to exists.
    let setup = s.run(s.path(), &["man", "setup"]).ok().stdout;
    assert!(setup.contains(".TH git-https-setup 1"), "{setup}");
    assert_eq!(s.run(s.path(), &["man", "nope"]).code, 2);
    let man = s.run(s.path(), &["man"]).ok().stdout;
    assert!(man.starts_with(".ie") || man.contains(".TH"), "{man}");
    let page = s.path().join("git-https.1");
    fs::write(&page, man).unwrap();
    let r = support::output(
        s.cmd("man")
            .args(["-l", page.to_str().unwrap()])
            .env("MANPAGER", "cat")
            .env("PAGER", "cat"),
        None,
    );
    if r.code == 0 {
        assert!(r.stdout.contains("git-https"), "{r:?}");
    } else {
        // Some minimal systems have no man; groff renders the same page.
        let r = support::output(
            s.cmd("groff")
                .args(["-man", "-Tutf8", page.to_str().unwrap()]),
            None,
        );
        assert!(
            r.code == 0 && r.stdout.contains("git-https"),
            "neither man nor groff renders it: {r:?}"
        );
    }
}

#[test]
fn quiet_and_verbose() {
    let s = Sandbox::new();
    let repo = s.repo("r", &[("origin", "git@github.com:o/r.git")]);
    let q = s.run(&repo, &["-q", "migrate", "--dry-run"]).ok();
    assert_eq!(q.stderr, "", "-q keeps status lines off stderr");
    let v = s.run(&repo, &["--version"]).ok();
    assert!(v.stdout.starts_with("git-https "), "{}", v.stdout);
}

/// Several ssh aliases of one forge host are several identities: status and migrate give
/// each the account its tie (or `--map`) names, and doctor says when one has none.
#[test]
fn ssh_aliases_of_one_host_are_tied_to_accounts() {
    let s = Sandbox::new();
    fs::create_dir_all(s.home.join(".ssh")).unwrap();
    fs::write(
        s.home.join(".ssh/config"),
        "Host gh-work\n  HostName github.com\nHost gh-personal\n  HostName github.com\n",
    )
    .unwrap();
    let repo = s.repo(
        "app",
        &[
            ("origin", "git@gh-work:acme/app.git"),
            ("dots", "git@gh-personal:me/dots.git"),
        ],
    );
    let r = s.run(&repo, &["doctor", "--offline"]);
    assert!(
        r.stdout.contains("2 aliases of github.com") && r.stdout.contains("--alias gh-"),
        "{}",
        r.stdout
    );
    // What `login --alias` writes (the login itself needs the forge's API).
    let config = s.home.join(".config/git-https/config.toml");
    fs::create_dir_all(config.parent().unwrap()).unwrap();
    fs::write(
        &config,
        "[aliases]\n\"gh-work\" = \"https://alice-acme@github.com\"\n\"gh-personal\" = \"https://alice@github.com\"\n",
    )
    .unwrap();
    let r = s.run(&repo, &["doctor", "--offline"]);
    assert!(
        r.stdout.contains(
            "gh-work → https://alice-acme@github.com, gh-personal → https://alice@github.com"
        ),
        "{}",
        r.stdout
    );
    let r = s.run(&repo, &["migrate", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        s.git(&repo, &["config", "remote.origin.url"]).trim(),
        "https://alice-acme@github.com/acme/app.git"
    );
    assert_eq!(
        s.git(&repo, &["config", "remote.dots.url"]).trim(),
        "https://alice@github.com/me/dots.git"
    );
    let r = s.run(&repo, &["status", "--json"]);
    assert!(
        r.stdout
            .contains(r#""account":{"login":"alice-acme","how":"named, not logged in"}"#),
        "{}",
        r.stdout
    );
}
