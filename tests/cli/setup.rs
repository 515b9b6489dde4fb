//! `git-https setup`: scripted and guided on a terminal, idempotent, with checkouts to migrate;
//! and the example Ansible playbook that runs it.

use std::fs;
use std::path::PathBuf;

use expectrl::Expect;

use crate::snap::{both, settings};
use crate::support::{self, BIN, Sandbox};
use crate::world::*;

#[test]
fn scripted_setup_for_each_cache_mode_is_idempotent() {
    for mode in ["memory", "store"] {
        let mut w = World::new("repo");
        let host = w.server.host();
        assert_eq!(
            w.fetch_push(&[]),
            (false, false),
            "nothing works before setup"
        );
        let args = [
            "setup",
            "--host",
            &host,
            "--token-stdin",
            "--cache",
            mode,
            "--json",
        ];
        let r = w.run(&args, Some(&format!("{TOKEN}\n")), &[]).ok();
        let last = r.json_lines().pop().unwrap();
        assert_eq!(last["type"], "setup");
        assert_eq!(last["changed"], true, "{}", r.stdout);
        assert_eq!(w.fetch_push(&[]), (true, true), "{mode}");
        let (cfg, store) = (
            global_config(&w),
            fs::read(w.s.home.join(".git-credentials")).ok(),
        );
        // Again: no byte changes, and it says so.
        let r = w.run(&args, Some(&format!("{TOKEN}\n")), &[]).ok();
        assert_eq!(
            r.json_lines().pop().unwrap()["changed"],
            false,
            "{}",
            r.stderr
        );
        assert_eq!(global_config(&w), cfg);
        assert_eq!(fs::read(w.s.home.join(".git-credentials")).ok(), store);
        let allowed = (mode == "store").then(|| w.s.home.join(".git-credentials"));
        w.assert_no_leak(allowed.as_deref());
    }
}

#[test]
fn scripted_setup_without_an_answer_is_a_usage_error() {
    let mut w = World::new("repo");
    let host = w.server.host();
    for (args, stdin) in [
        (
            vec!["setup", "--host", &host, "--token-stdin"],
            Some(format!("{TOKEN}\n")),
        ),
        (vec!["setup", "--host", &host, "--cache", "memory"], None),
        (
            vec!["setup", "--token-stdin", "--cache", "memory"],
            Some(format!("{TOKEN}\n")),
        ),
        (
            vec![
                "setup",
                "--host",
                &host,
                "--token-stdin",
                "--cache",
                "memory",
                "--migrate",
                ".",
            ],
            Some(format!("{TOKEN}\n")),
        ),
    ] {
        let r = w.run(&args, stdin.as_deref(), &[]);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
    assert_eq!(w.global_helpers(), "");
}

#[test]
fn setup_migrates_checkouts_and_undo_takes_them_back() {
    let mut w = World::new("repo");
    let host = w.server.host();
    // A checkout whose remote is the server's SSH form, mapped to its HTTPS address.
    let code = w.s.path().join("code");
    let ssh = w.s.repo(
        "code/app",
        &[("origin", "git@git.internal.example:o/r.git")],
    );
    let map = format!("git.internal.example=https://{host}");
    let args = [
        "setup",
        "--host",
        &host,
        "--token-stdin",
        "--cache",
        "store",
        "--migrate",
        code.to_str().unwrap(),
        "--map",
        &map,
        "--yes",
        "--json",
    ];
    let r = w.run(&args, Some(&format!("{TOKEN}\n")), &[]).ok();
    let last = r.json_lines().pop().unwrap();
    assert_eq!(
        (last["changed"].clone(), last["migrated_urls"].clone()),
        (true.into(), 1.into()),
        "{}",
        r.stdout
    );
    let fetch = w.user_git(
        &["-C", ssh.to_str().unwrap(), "fetch", "-q", "origin"],
        &[],
        None,
    );
    assert_eq!(fetch.code, 0, "{}", fetch.stderr);
    let r = w.run(&args, Some(&format!("{TOKEN}\n")), &[]).ok();
    assert_eq!(r.json_lines().pop().unwrap()["changed"], false);
    w.run(&["undo", "--last", "--yes"], None, &[]).ok();
    assert_eq!(
        w.user_git(
            &["-C", ssh.to_str().unwrap(), "remote", "get-url", "origin"],
            &[],
            None
        )
        .stdout,
        "git@git.internal.example:o/r.git\n"
    );
    w.assert_no_leak(Some(&w.s.home.join(".git-credentials")));
}

#[test]
fn the_guided_setup_on_a_terminal() {
    let mut w = World::new("repo");
    let host = w.server.host();
    // From a shell that stays, as a user's terminal does: git's cache daemon, which setup
    // starts, lives in the terminal's session and would get its hangup with the session's end.
    // The shell waits for a line that never comes (not a fixed time: the checks below may be
    // slow on a busy machine), and ends when the test closes the terminal.
    let mut cmd = w.s.cmd("sh");
    cmd.args(["-c", "\"$0\" setup; read -r rest", support::BIN])
        .current_dir(&w.client)
        .envs(w.env());
    let mut p = w.s.pty(cmd);
    p.expect("Host").unwrap();
    p.send_line(&host).unwrap();
    p.expect("Set up another host?").unwrap();
    p.send_line("n").unwrap();
    let before = p.expect("Token for").unwrap();
    assert!(String::from_utf8_lossy(before.before()).contains("/settings/tokens/new"));
    p.send_line(TOKEN).unwrap();
    p.expect("How should git remember the token?").unwrap();
    // The first choice (memory) is the default.
    p.send_line("").unwrap();
    p.expect("Seconds git's cache keeps the token").unwrap();
    p.send_line("").unwrap();
    p.expect("Folders of checkouts").unwrap();
    p.send_line("").unwrap();
    let done = p.expect("undo with: git-https logout").unwrap();
    let screen = String::from_utf8_lossy(done.before()).into_owned();
    assert!(!screen.contains("CANARY"), "the token was echoed: {screen}");
    assert_eq!(
        w.user_git(
            &[
                "config",
                "--global",
                "--get-all",
                &format!("credential.https://{host}.helper")
            ],
            &[],
            None
        )
        .stdout,
        "\ncache --timeout=3600\n"
    );
    let answer = w.configured_answer();
    assert!(
        answer.contains(TOKEN),
        "git gets the token: {answer:?}\n{screen}"
    );
    assert_eq!(w.fetch_push(&[]), (true, true));
}

/// ansible-core from PyPI, in a virtualenv kept between runs under the target folder.
fn ansible(s: &Sandbox) -> PathBuf {
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ansible-venv");
    if !venv.join("bin/ansible-playbook").exists() {
        // pip needs what this machine sets for reaching the package index.
        let pass: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| {
                k.starts_with("PIP_")
                    || k.ends_with("_CA_BUNDLE")
                    || k.starts_with("SSL_CERT")
                    || k.ends_with("_proxy")
                    || k.ends_with("_PROXY")
            })
            .collect();
        let r = support::output(
            s.cmd("python3")
                .args(["-m", "venv", venv.to_str().unwrap()]),
            None,
        );
        assert_eq!(r.code, 0, "{r:?}");
        let r = support::output(
            s.cmd(venv.join("bin/pip"))
                .args(["install", "-q", "ansible-core"])
                .envs(pass),
            None,
        );
        assert_eq!(r.code, 0, "pip install ansible-core: {r:?}");
    }
    venv
}

/// The example playbook, run twice for real against localhost and the TLS git server.
#[test]
fn the_ansible_playbook_reports_changed_only_when_setup_changes_something() {
    let mut w = World::new("repo");
    let venv = ansible(&w.s);
    let vars = w.s.path().join("vars.json");
    fs::write(
        &vars,
        serde_json::json!({
            "git_https_binary": BIN,
            "git_https_dest": w.s.path().join("bin/git-https"),
            "git_https_host": w.server.host(),
            "git_https_token": TOKEN,
            "git_https_cache": "store",
            "git_https_migrate_dirs": [],
        })
        .to_string(),
    )
    .unwrap();
    let playbook = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/ansible/playbook.yml");
    let tmp = w.s.path().join("ansible-tmp");
    let play = |w: &mut World| {
        let mut cmd = w.s.cmd(venv.join("bin/ansible-playbook"));
        cmd.args(["-i", "localhost,", "-c", "local", playbook])
            .arg("-e")
            .arg(format!("@{}", vars.display()))
            .arg("-e")
            .arg(format!(
                "ansible_python_interpreter={}",
                venv.join("bin/python").display()
            ))
            .env("ANSIBLE_LOCAL_TEMP", &tmp)
            .env("ANSIBLE_REMOTE_TEMP", &tmp)
            .env("ANSIBLE_NOCOLOR", "1")
            .env("LC_ALL", "C.UTF-8")
            .envs(w.env());
        let r = support::output(&mut cmd, None);
        w.outputs.push_str(&r.stdout);
        w.outputs.push_str(&r.stderr);
        r
    };
    assert_eq!(w.fetch_push(&[]), (false, false));
    let first = play(&mut w);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    // The folder, the binary, the setup.
    assert!(first.stdout.contains("changed=3"), "{}", first.stdout);
    assert_eq!(w.fetch_push(&[]), (true, true));
    let second = play(&mut w);
    assert_eq!(second.code, 0, "{}", second.stdout);
    assert!(second.stdout.contains("changed=0"), "{}", second.stdout);
    let before = fs::read(w.s.home.join(".git-credentials")).unwrap();

    // A folder that is not there (`~` is the home folder, though no shell expanded it): the
    // play fails with setup's own line, and nothing is stored.
    let mut v: serde_json::Value = serde_json::from_slice(&fs::read(&vars).unwrap()).unwrap();
    v["git_https_migrate_dirs"] = serde_json::json!(["~/no-such-folder"]);
    v["git_https_token"] = serde_json::json!(TOKEN2);
    fs::write(&vars, v.to_string()).unwrap();
    let third = play(&mut w);
    assert_ne!(third.code, 0, "{}", third.stdout);
    assert!(
        third.stdout.contains("git-https setup exited 2")
            && third.stdout.contains("no-such-folder: cannot open"),
        "{}",
        third.stdout
    );
    assert_eq!(fs::read(w.s.home.join(".git-credentials")).unwrap(), before);
    w.assert_no_leak(Some(&w.s.home.join(".git-credentials")));
}

#[test]
#[ignore = "needs the keyring sessions scripts/test starts"]
fn scripted_setup_with_the_keyring_is_idempotent() {
    let mut w = World::new("repo");
    let host = w.server.host();
    let env = [("GIT_HTTPS_KEYRING", "secret-service")];
    let args = [
        "setup",
        "--host",
        &host,
        "--token-stdin",
        "--cache",
        "keyring",
        "--json",
    ];
    let r = w.run(&args, Some(&format!("{TOKEN}\n")), &env).ok();
    assert_eq!(r.json_lines().pop().unwrap()["changed"], true);
    assert_eq!(w.fetch_push(&env), (true, true));
    let cfg = global_config(&w);
    let r = w.run(&args, Some(&format!("{TOKEN}\n")), &env).ok();
    assert_eq!(r.json_lines().pop().unwrap()["changed"], false);
    assert_eq!(global_config(&w), cfg);
    w.run(&["logout", "--host", &host], None, &env).ok();
    w.assert_no_leak(None);
}

#[test]
fn ctrl_c_at_a_setup_menu_brings_the_cursor_back_and_changes_nothing() {
    let mut w = World::new("repo");
    let host = w.server.host();
    let mut cmd = w.s.bin();
    // The kernel keyring: the menu's probe then never waits on a Secret Service that other
    // tests keep busy.
    cmd.args(["setup", "--host", &host])
        .current_dir(&w.client)
        .env("GIT_HTTPS_KEYRING", "keyutils")
        .envs(w.env());
    let mut p = w.s.pty(cmd);
    p.expect("Token for").unwrap();
    p.send_line(TOKEN).unwrap();
    // The cache menu hides the cursor while it is up (an error line instead is shown whole).
    let menu = p
        .expect(expectrl::Regex(
            "How should git remember the token\\?|error: [^\r\n]*",
        ))
        .unwrap();
    let seen = String::from_utf8_lossy(menu.get(0).unwrap_or_default()).into_owned();
    assert!(
        seen.starts_with("How should"),
        "instead of the menu: {seen}"
    );
    p.send([3u8]).unwrap();
    // Everything up to the end, so that whatever came instead is shown.
    let rest = p.expect(expectrl::Eof).unwrap();
    let shown = String::from_utf8_lossy(rest.get(0).unwrap_or_default()).into_owned();
    assert!(
        shown.contains("interrupted: nothing changed"),
        "after Ctrl-C at the menu: {shown:?}"
    );
    // Shown again after the menu, and not hidden after that.
    let back = shown.rfind("\x1b[?25h");
    assert!(
        back.is_some() && shown.rfind("\x1b[?25l") < back,
        "the cursor is shown again: {shown:?}"
    );
    assert_eq!(global_config(&w), Vec::<u8>::new());
    w.outputs.push_str(&shown);
    assert!(!shown.contains("CANARY"));
}

/// `setup --alias` ties the alias before `--migrate` rewrites through it; an identical second
/// run changes nothing.
#[test]
fn setup_ties_an_alias_and_migrates_through_it() {
    let mut w = World::new("repo");
    let host = w.server.host();
    w.ssh_aliases("Host gh-work\n  HostName 127.0.0.1\n", "");
    let code = w.s.path().join("code");
    let work = w.s.repo("code/work", &[("origin", "git@gh-work:o/r.git")]);
    let args = [
        "setup",
        "--host",
        &host,
        "--token-stdin",
        "--cache",
        "store",
        "--alias",
        "gh-work",
        "--migrate",
        code.to_str().unwrap(),
        "--yes",
        "--json",
    ];
    for changed in [true, false] {
        let r = w.run(&args, Some(&format!("{TOKEN}\n")), &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout.contains(&format!("\"changed\":{changed}")),
            "{}",
            r.stdout
        );
    }
    assert_eq!(
        w.s.git(&work, &["config", "remote.origin.url"]).trim(),
        format!("https://alice@{host}/o/r.git")
    );
    assert_eq!(fetch_in(&w, &work, &[]), (true, Some("alice".into())));
    // Two hosts, or no verification, leave nothing to tie to.
    let r = w.run(
        &[
            "setup",
            "--host",
            &host,
            "--host",
            "github.com",
            "--alias",
            "gh-work",
            "--token-stdin",
            "--cache",
            "store",
        ],
        Some(&format!("{TOKEN}\n")),
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let file = w.s.home.join(".git-credentials");
    w.assert_no_leak(Some(file.as_path()));
}

/// Scripted setup with a migration, then the same again (which changes nothing).
#[test]
fn scripted_setup_reads_as_before() {
    let mut w = World::new("repo");
    let host = w.server.host();
    let code = w.s.path().join("code");
    w.s.repo(
        "code/app",
        &[("origin", "git@git.internal.example:o/r.git")],
    );
    let map = format!("git.internal.example=https://{host}");
    let args = [
        "setup",
        "--host",
        &host,
        "--token-stdin",
        "--cache",
        "store",
        "--migrate",
        code.to_str().unwrap(),
        "--map",
        &map,
        "--yes",
    ];
    let first = w.run(&args, Some(&format!("{TOKEN}\n")), &[]);
    let again = w.run(&args, Some(&format!("{TOKEN}\n")), &[]);
    settings(&w.s).bind(|| {
        insta::assert_snapshot!("setup_scripted", both(&first));
        insta::assert_snapshot!("setup_scripted_again", both(&again));
    });
    w.assert_no_leak(Some(&w.s.home.join(".git-credentials")));
}
