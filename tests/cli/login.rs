//! `git-https login` (and the `logout` that undoes it) for each cache mode: git's credential-cache
//! daemon, git's store file and the keyrings; the token check against the forge's API, the proof
//! through git, and where the token may and may not end up.

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use expectrl::Expect;

use crate::snap::{both, settings};
use crate::support::{self, BIN};
use crate::world::*;

#[test]
fn memory_cache_login_logout_and_expiry() {
    let mut w = World::new("repo, workflow");
    assert_eq!(
        w.fetch_push(&[]),
        (false, false),
        "nothing works before login"
    );
    let r = w.login(&["--cache", "memory", "--timeout", "300"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("logged in to 127.0.0.1") && r.stderr.contains("as alice"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("git ls-remote"),
        "the token is proven through git: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains("token scopes: repo, workflow"),
        "{}",
        r.stderr
    );
    assert_eq!(w.global_helpers(), "\ncache --timeout=300\n");
    assert_eq!(w.fetch_push(&[]), (true, true));
    // Twice: the same config, once.
    w.login(&["--cache", "memory", "--timeout", "300"], &[])
        .ok();
    assert_eq!(w.global_helpers(), "\ncache --timeout=300\n");

    let r = w.run(&["logout", "--host", &w.server.host()], None, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(w.global_helpers(), "");
    assert_eq!(
        w.fetch_push(&[]),
        (false, false),
        "nothing works after logout"
    );

    // Expiry: the daemon forgets the token after the timeout. The timeout leaves a busy
    // machine time for login's own proof and the first fetch; the wait asks the daemon
    // (`git credential fill`, which, unlike a fetch's approve, never renews the entry).
    w.login(&["--cache", "memory", "--timeout", "5"], &[]).ok();
    assert!(w.fetch_push(&[]).0);
    support::poll("git's cache to forget the token", || {
        (!w.held_by("cache").contains(TOKEN)).then_some(())
    });
    assert!(!w.fetch_push(&[]).0, "the cache should have expired");
    w.assert_no_leak(None);
}

#[test]
fn store_file_login_logout_and_file_mode() {
    let mut w = World::new("repo");
    let store = w.s.home.join(".git-credentials");
    fs::write(&store, "").unwrap();
    fs::set_permissions(&store, fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(w.fetch_push(&[]), (false, false));
    let r = w.login(&["--cache", "store"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("now 0600") && r.stderr.contains("plain text"),
        "{}",
        r.stderr
    );
    assert_eq!(
        fs::metadata(&store).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        fs::read_to_string(&store)
            .unwrap()
            .contains(&format!("https://alice:{TOKEN}@127.0.0.1"))
    );
    assert_eq!(w.global_helpers(), "\nstore\n");
    assert_eq!(w.fetch_push(&[]), (true, true));
    w.assert_no_leak(Some(&store));

    w.run(&["logout", "--host", &w.server.host()], None, &[])
        .ok();
    assert!(!fs::read_to_string(&store).unwrap().contains("CANARY"));
    assert_eq!(w.global_helpers(), "");
    assert_eq!(w.fetch_push(&[]), (false, false));
    w.assert_no_leak(None);
}

#[test]
fn store_file_elsewhere_with_file_flag() {
    let mut w = World::new("repo");
    let file = w.s.path().join("creds/secret-store");
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    w.login(&["--cache", "store", "--file", file.to_str().unwrap()], &[])
        .ok();
    assert_eq!(
        fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(w.fetch_push(&[]), (true, true));
    w.run(&["logout", "--host", &w.server.host()], None, &[])
        .ok();
    assert!(!fs::read_to_string(&file).unwrap().contains("CANARY"));
    assert_eq!(w.fetch_push(&[]), (false, false));
}

/// Without --cache, --file means the store (as --timeout means memory); a token pasted into
/// --host is refused without being echoed.
#[test]
fn file_alone_means_the_store_and_a_token_as_host_is_not_echoed() {
    let mut w = World::new("repo");
    let file = w.s.path().join("alone-store");
    w.login(&["--file", file.to_str().unwrap()], &[]).ok();
    assert_eq!(
        fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        w.global_helpers().contains("store --file="),
        "{}",
        w.global_helpers()
    );
    assert_eq!(w.fetch_push(&[]), (true, true));
    let as_org = format!("{TOKEN}/x");
    for host in [TOKEN, as_org.as_str()] {
        for args in [
            vec!["login", "--host", host, "--token-stdin", "--no-verify"],
            vec!["logout", "--host", host],
            vec!["doctor", "--offline", "--host", host],
        ] {
            let r = w.run(&args, Some("x\n"), &[]);
            assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        }
    }
    w.assert_no_leak(Some(&file));
}

fn keyring_round_trip(backend: &str) {
    let mut w = World::new("repo");
    let env = [("GIT_HTTPS_KEYRING", backend)];
    assert_eq!(w.fetch_push(&env), (false, false));
    let r = w.login(&["--cache", "keyring"], &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let helpers = w.global_helpers();
    assert!(
        helpers.starts_with('\n') && helpers.contains(&format!("!'{BIN}' credential")),
        "{helpers}"
    );
    assert_eq!(w.fetch_push(&env), (true, true));

    // The helper speaks git's protocol directly too; unknown keys are ignored.
    let host = w.server.host();
    let got = w.run(
        &["credential", "get"],
        Some(&format!(
            "protocol=https\nhost={host}\nwwwauth[]=Basic realm=\"git\"\n\n"
        )),
        &env,
    );
    assert_eq!(got.code, 0, "{}", got.stderr);
    assert!(got.stdout.contains("username=alice\n") && got.stdout.contains("password=ghp_"));
    w.outputs = w.outputs.replace(&got.stdout, "");
    let other = w.run(
        &["credential", "get"],
        Some("protocol=https\nhost=elsewhere.example\n\n"),
        &env,
    );
    assert_eq!(other.stdout, "");

    w.run(&["logout", "--host", &host], None, &env).ok();
    assert_eq!(w.global_helpers(), "");
    let gone = w.run(
        &["credential", "get"],
        Some(&format!("protocol=https\nhost={host}\n\n")),
        &env,
    );
    assert_eq!(gone.stdout, "", "the keyring entry is gone");
    assert_eq!(w.fetch_push(&env), (false, false));
    w.assert_no_leak(None);
}

// Keyring tests need the stores scripts/test starts: ignored (and shown as such) under a
// bare `cargo test`; scripts/test runs them with --include-ignored, where a missing store fails.
#[test]
#[ignore = "needs the keyring sessions scripts/test starts"]
fn keyring_secret_service_login_logout() {
    keyring_round_trip("secret-service");
}

#[test]
#[ignore = "needs the keyring sessions scripts/test starts"]
fn keyring_keyutils_login_logout() {
    keyring_round_trip("keyutils");
}

#[test]
fn a_wrong_token_is_refused_and_nothing_is_stored() {
    let mut w = World::new("repo");
    let host = w.server.host();
    let r = w.run(
        &[
            "login",
            "--host",
            &host,
            "--token-stdin",
            "--cache",
            "store",
        ],
        Some("ghp_WRONGwrongWRONGwrongWRONGwrong0123456\n"),
        &[],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains(&format!("the token was rejected by {host}")),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1
    );
    assert!(!r.stderr.contains("WRONG"));
    assert_eq!(w.global_helpers(), "");
    assert!(!w.s.home.join(".git-credentials").exists());
}

#[test]
fn tokens_from_the_environment_scopes_and_no_terminal() {
    let mut w = World::new("-");
    let host = w.server.host();
    // No token anywhere and no terminal: one clear error naming the ways in.
    let r = w.run(&["login", "--host", &host], None, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("--token-stdin") && r.stderr.contains("GH_ENTERPRISE_TOKEN"),
        "{}",
        r.stderr
    );
    // An Enterprise host reads GH_ENTERPRISE_TOKEN; a fine-grained token has no scopes header.
    let r = w.run(
        &["login", "--host", &host, "--cache", "memory"],
        None,
        &[
            ("GH_ENTERPRISE_TOKEN", TOKEN),
            ("GH_TOKEN", "ghp_notthisone"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("$GH_ENTERPRISE_TOKEN") && r.stderr.contains("fine-grained"),
        "{}",
        r.stderr
    );
    assert!(w.fetch_push(&[]).0);
    w.assert_no_leak(None);
}

#[test]
fn a_classic_token_without_repo_scope_is_warned_about() {
    let mut w = World::new("read:org");
    let r = w.login(&["--cache", "memory"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("lacks the `repo` scope"), "{}", r.stderr);
}

#[test]
fn no_verify_stores_x_access_token() {
    let mut w = World::new("repo");
    let store = w.s.home.join(".git-credentials");
    w.login(&["--cache", "store", "--no-verify"], &[]).ok();
    assert!(
        fs::read_to_string(&store)
            .unwrap()
            .contains("https://x-access-token:")
    );
    assert_eq!(w.fetch_push(&[]), (true, true));
}

#[test]
fn the_prompt_on_a_terminal_never_echoes_the_token() {
    let w = World::new("repo");
    let mut p = w.pty(&["login", "--host", &w.server.host(), "--cache", "memory"]);
    let before = p.expect("Token for").unwrap();
    let shown = String::from_utf8_lossy(before.before()).into_owned();
    assert!(
        shown.contains("/settings/tokens/new") && shown.contains("repo"),
        "{shown}"
    );
    p.send_line(TOKEN).unwrap();
    // Not EOF: git's cache daemon, started by login, may hold the terminal a moment longer.
    let done = p.expect("logged in to").unwrap();
    let screen = String::from_utf8_lossy(done.before()).into_owned();
    assert!(!screen.contains("CANARY"), "the token was echoed: {screen}");
}

#[test]
fn local_login_writes_the_repository_config_only() {
    let mut w = World::new("repo");
    let key = format!("credential.https://{}.helper", w.server.host());
    let r = w.login(&["--cache", "memory", "--local"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(w.global_helpers(), "");
    assert_eq!(
        w.s.git(&w.client, &["config", "--local", "--get-all", &key]),
        "\ncache --timeout=3600\n"
    );
    assert_eq!(w.fetch_push(&[]), (true, true));
    w.run(
        &["logout", "--host", &w.server.host(), "--local"],
        None,
        &[],
    )
    .ok();
    assert!(!String::from_utf8_lossy(&w.s.config(&w.client)).contains("credential"));
    assert_eq!(w.fetch_push(&[]), (false, false));
    w.assert_no_leak(None);
}

#[test]
fn a_stale_stored_token_is_replaced_at_the_prompt() {
    let w = World::new("repo");
    // An old token that git's store helper still holds for the host.
    let host = w.server.host();
    fs::write(
        w.s.home.join(".git-credentials"),
        format!(
            "https://alice:ghp_STALEstaleSTALEstaleSTALEstale012345@{}\n",
            host.replace(':', "%3a")
        ),
    )
    .unwrap();
    fs::set_permissions(
        w.s.home.join(".git-credentials"),
        fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    w.s.git(
        &w.s.home,
        &["config", "--global", "credential.helper", "store"],
    );
    let mut p = w.pty(&["login", "--host", &host, "--cache", "memory"]);
    let before = p.expect("Token for").unwrap();
    let shown = String::from_utf8_lossy(before.before()).into_owned();
    assert!(
        shown.contains("git's credential helper") && shown.contains("rejected"),
        "{shown}"
    );
    p.send_line(TOKEN).unwrap();
    // Not EOF: git's cache daemon, started by login, may hold the terminal a moment longer.
    let done = p.expect("logged in to").unwrap();
    let screen = String::from_utf8_lossy(done.before()).into_owned();
    // The memory cache for this host now answers; the inherited store helper is shadowed.
    assert!(
        screen.contains("store ("),
        "names the shadowed helper: {screen}"
    );
}

#[test]
fn the_token_never_reaches_a_host_an_insteadof_rule_sends_to() {
    for hostile_repo in [false, true] {
        let mut w = World::new("repo");
        let other = Server::start_with(
            &w.s,
            &ServerOpts {
                name: "other",
                ..ServerOpts::default()
            },
        );
        let rule = format!("url.https://{}/.insteadOf", other.host());
        let target = format!("https://{}/", w.server.host());
        if hostile_repo {
            // A repository config in the folder you stand in redirects the host.
            w.s.git(&w.client, &["config", &rule, &target]);
        } else {
            // A corporate mirror rule in the global config.
            w.s.git(&w.s.home, &["config", "--global", &rule, &target]);
        }
        let r = w.login(&["--cache", "memory"], &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        if !hostile_repo {
            assert!(
                r.stderr.contains("not proven with git") && r.stderr.contains("insteadOf"),
                "the proof is skipped, with the reason: {}",
                r.stderr
            );
        }
        // After login: git follows the rule to the other host and has no credential for it.
        assert!(!w.fetch_push(&[]).0);
        assert!(
            !other.creds().contains("CANARY"),
            "the token reached the other host:\n{}",
            other.creds()
        );
        assert!(w.server.creds().contains(TOKEN), "the login host got it");
        w.assert_no_leak(None);
    }
}

#[test]
fn a_helper_of_the_repository_you_stand_in_never_sees_the_token() {
    for mode in ["memory", "store"] {
        let mut w = World::new("repo");
        let spy_log = w.s.path().join("spy.log");
        let spy = format!(
            "!f() {{ echo \"$1\" >> '{0}'; cat >> '{0}'; }}; f",
            spy_log.display()
        );
        w.s.git(&w.client, &["config", "credential.helper", &spy]);
        let r = w.login(&["--cache", mode], &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            !r.stderr.contains("f()"),
            "the repository's helper is not named: {}",
            r.stderr
        );
        let seen = fs::read_to_string(&spy_log).unwrap_or_default();
        assert!(!seen.contains("CANARY"), "the spy saw the token:\n{seen}");
        // Memory mode leaves nothing in any store file.
        if mode == "memory" {
            assert!(!w.s.home.join(".git-credentials").exists());
        }
        let allowed = (mode == "store").then(|| w.s.home.join(".git-credentials"));
        w.assert_no_leak(allowed.as_deref());
    }
}

#[test]
fn switching_cache_modes_leaves_the_token_in_exactly_one_place() {
    let mut w = World::new("repo");
    let store = w.s.home.join(".git-credentials");
    let in_store = || {
        fs::read_to_string(&store)
            .unwrap_or_default()
            .contains(TOKEN)
    };
    w.login(&["--cache", "store"], &[]).ok();
    assert!(in_store());
    assert!(!w.held_by("cache").contains(TOKEN));

    let r = w.login(&["--cache", "memory"], &[]).ok();
    assert!(
        r.stderr.contains("removed the earlier token"),
        "{}",
        r.stderr
    );
    assert!(!in_store(), "store → memory leaves the store file clean");
    assert!(w.held_by("cache").contains(TOKEN));
    assert_eq!(w.fetch_push(&[]), (true, true));

    w.login(&["--cache", "store"], &[]).ok();
    assert!(in_store());
    assert!(
        !w.held_by("cache").contains(TOKEN),
        "memory → store empties the cache"
    );
    assert_eq!(w.fetch_push(&[]), (true, true));

    let r = w
        .run(&["logout", "--host", &w.server.host()], None, &[])
        .ok();
    assert!(r.stderr.contains("logged out"), "{}", r.stderr);
    assert!(!in_store() && !w.held_by("cache").contains(TOKEN));
    assert_eq!(w.configured_answer(), "");
    assert_eq!(w.fetch_push(&[]), (false, false));
}

#[test]
#[ignore = "needs the keyring sessions scripts/test starts"]
fn switching_to_and_from_the_keyring_leaves_one_place() {
    let mut w = World::new("repo");
    let env = [("GIT_HTTPS_KEYRING", "secret-service")];
    let host = w.server.host();
    let store = w.s.home.join(".git-credentials");
    let in_store = || {
        fs::read_to_string(&store)
            .unwrap_or_default()
            .contains(TOKEN)
    };
    let in_keyring = |w: &mut World| {
        let r = w.run(
            &["credential", "get"],
            Some(&format!("protocol=https\nhost={host}\n\n")),
            &env,
        );
        w.outputs = w.outputs.replace(&r.stdout, "");
        r.stdout.contains(TOKEN)
    };
    w.login(&["--cache", "store"], &env).ok();
    let r = w.login(&["--cache", "keyring"], &env).ok();
    assert!(r.stderr.contains("Secret Service"), "{}", r.stderr);
    assert!(!in_store() && in_keyring(&mut w));
    w.login(&["--cache", "memory"], &env).ok();
    assert!(!in_keyring(&mut w) && w.held_by("cache").contains(TOKEN));
    w.login(&["--cache", "keyring"], &env).ok();
    w.run(&["logout", "--host", &host], None, &env).ok();
    assert!(!in_keyring(&mut w) && !in_store() && !w.held_by("cache").contains(TOKEN));
    w.assert_no_leak(None);
}

#[test]
fn a_failed_relogin_keeps_the_working_one() {
    let mut w = World::new_with(&ServerOpts {
        tokens: Some(&format!("alice:{TOKEN2}")),
        ..ServerOpts::default()
    });
    let host = w.server.host();
    w.login(&["--cache", "store"], &[]).ok();
    let lines = w.global_helpers();
    let relogin = |w: &mut World, args: &[&str]| {
        let mut all = vec!["login", "--host", &host, "--token-stdin"];
        all.extend_from_slice(args);
        w.run(&all, Some(&format!("{TOKEN2}\n")), &[])
    };

    // A cache daemon that cannot start (its folder is a file): refused, nothing changed.
    fs::create_dir_all(w.s.home.join(".cache/git")).unwrap();
    fs::write(w.s.home.join(".cache/git/credential"), "").unwrap();
    let r = relogin(&mut w, &["--cache", "memory"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stderr.contains("logged in"), "{}", r.stderr);
    assert_eq!(w.global_helpers(), lines, "the old helper lines are back");
    assert!(
        w.configured_answer()
            .contains(&format!("password={TOKEN}\n"))
    );
    fs::remove_file(w.s.home.join(".cache/git/credential")).unwrap();

    // Stored, but git would ask for another user name (a configured credential.username):
    // the proof fails and everything is rolled back, the new file emptied again.
    let key = format!("credential.https://{host}.username");
    w.s.git(&w.s.home, &["config", "--global", &key, "bob"]);
    let other = w.s.path().join("other-store");
    let r = relogin(
        &mut w,
        &["--cache", "store", "--file", other.to_str().unwrap()],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("returned no token") && r.stderr.contains("nothing was changed"),
        "{}",
        r.stderr
    );
    w.s.git(&w.s.home, &["config", "--global", "--unset", &key]);
    assert_eq!(w.global_helpers(), lines);
    assert!(
        !fs::read_to_string(&other)
            .unwrap_or_default()
            .contains("CANARY")
    );
    assert!(
        w.configured_answer()
            .contains(&format!("password={TOKEN}\n"))
    );
    assert_eq!(w.fetch_push(&[]), (true, true));

    // A store file in a missing folder, or a folder: refused before anything is touched.
    let missing = w.s.path().join("no/such/dir/creds");
    let r = relogin(
        &mut w,
        &["--cache", "store", "--file", missing.to_str().unwrap()],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let dir = w.s.path().join("a-folder");
    fs::create_dir(&dir).unwrap();
    let before = fs::metadata(&dir).unwrap().permissions().mode();
    let r = relogin(
        &mut w,
        &["--cache", "store", "--file", dir.to_str().unwrap()],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("a directory"), "{}", r.stderr);
    assert_eq!(fs::metadata(&dir).unwrap().permissions().mode(), before);
    assert_eq!(w.global_helpers(), lines);
    assert!(
        w.configured_answer()
            .contains(&format!("password={TOKEN}\n"))
    );

    // And logout still finds it.
    w.run(&["logout", "--host", &host], None, &[]).ok();
    assert_eq!(w.configured_answer(), "");
}

#[test]
fn loose_input_is_a_usage_error() {
    let mut w = World::new("repo");
    let host = w.server.host();
    for args in [
        vec!["login", "--host", "a.com?x=1", "--token-stdin"],
        vec!["login", "--host", "a.com#f", "--token-stdin"],
        vec!["login", "--host", "a .com", "--token-stdin"],
        vec!["login", "--host", &host, "--token-stdin", "--timeout", "0"],
        vec![
            "login",
            "--host",
            &host,
            "--token-stdin",
            "--cache",
            "store",
            "--timeout",
            "60",
        ],
        vec![
            "login",
            "--host",
            &host,
            "--token-stdin",
            "--cache",
            "memory",
            "--file",
            "x",
        ],
        vec!["logout", "--host", "a.com/x"],
    ] {
        let r = w.run(&args, Some(&format!("{TOKEN}\n")), &[]);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(
            r.stderr.lines().filter(|l| l.starts_with("error")).count(),
            1,
            "{}",
            r.stderr
        );
    }
    assert_eq!(w.global_helpers(), "");
    // A SOCKS proxy is reached like any other (here: nothing listens), never a crash.
    let r = w.login(
        &["--cache", "memory"],
        &[("ALL_PROXY", "socks5h://127.0.0.1:9")],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("cannot reach"), "{}", r.stderr);
    w.assert_no_leak(None);
}

#[test]
fn a_corrupt_login_record_stops_login_early_and_not_logout() {
    let mut w = World::new("repo");
    let host = w.server.host();
    w.login(&["--cache", "store"], &[]).ok();
    let record = w.s.state_dir().join("logins.json");
    fs::write(&record, "garbage").unwrap();
    let r = w.login(&["--cache", "memory"], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("logins.json"), "{}", r.stderr);
    assert_eq!(w.global_helpers(), "\nstore\n", "nothing changed");
    let r = w.run(&["logout", "--host", &host], None, &[]).ok();
    assert!(
        r.stderr.contains("logins.json") && r.stderr.contains("logged out"),
        "{}",
        r.stderr
    );
    assert_eq!(w.configured_answer(), "");
    assert!(
        !fs::read_to_string(w.s.home.join(".git-credentials"))
            .unwrap()
            .contains(TOKEN)
    );
}

#[test]
fn login_json_reports_what_was_verified_and_written() {
    let mut w = World::new("repo");
    let r = w
        .login(&["--cache", "memory", "--timeout", "120", "--json"], &[])
        .ok();
    let lines = r.json_lines();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    let j = &lines[0];
    assert_eq!(j["type"], "login");
    assert_eq!(j["user"], "alice");
    assert_eq!(j["verified"], true);
    assert_eq!(j["proven"], true);
    assert_eq!(j["cache"], "memory");
    assert_eq!(j["helper_lines"][1], "cache --timeout=120");
    assert!(
        j["proof"].as_str().unwrap().starts_with("git ls-remote"),
        "{j}"
    );
    w.assert_no_leak(None);
}

/// `git ls-remote` as the user would run it, the token from a helper that reads it from the
/// environment: whether it worked.
fn git_agrees(w: &World, env: &[(&str, &str)]) -> bool {
    let helper =
        "credential.helper=!f() { echo username=alice; echo \"password=$TEST_TOKEN\"; }; f";
    let mut all = env.to_vec();
    all.push(("TEST_TOKEN", TOKEN));
    w.user_git(&["-c", helper, "ls-remote", &w.server.url()], &all, None)
        .code
        == 0
}

#[test]
fn the_api_check_trusts_and_reaches_servers_as_git_does() {
    let mut w = World::new_with(&ServerOpts {
        self_signed: true,
        ..ServerOpts::default()
    });
    let host = w.server.host();
    let cert = w.server.ca.display().to_string();
    let logout = |w: &mut World| {
        w.run(&["logout", "--host", &host], None, &[]);
    };

    // 1. A self-signed CA:TRUE certificate named by GIT_SSL_CAINFO.
    let env = [("GIT_SSL_CAINFO", cert.as_str())];
    assert!(git_agrees(&w, &env));
    let r = w.login(&["--cache", "memory"], &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    logout(&mut w);

    // 2. The same through http.<url>.sslCAInfo, with GIT_SSL_CAINFO unset.
    let key = format!("http.https://{host}/.sslCAInfo");
    w.s.git(&w.s.home, &["config", "--global", &key, &cert]);
    w.ca_env = false;
    let unset: [(&str, &str); 0] = [];
    assert!(git_agrees(&w, &unset));
    let r = w.login(&["--cache", "memory"], &unset);
    assert_eq!(r.code, 0, "{}", r.stderr);
    logout(&mut w);

    // 3. Through an HTTP CONNECT proxy named by http.proxy: the proxy sees the tunnel.
    let proxy_log = w.s.path().join("proxy.log");
    let mut proxy =
        w.s.cmd("python3")
            .args([
                concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/support/connect_proxy.py"
                ),
                proxy_log.to_str().unwrap(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
    let mut line = String::new();
    BufReader::new(proxy.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let proxy_url = format!("http://127.0.0.1:{}", line.trim());
    w.s.git(&w.s.home, &["config", "--global", "http.proxy", &proxy_url]);
    assert!(git_agrees(&w, &unset));
    fs::write(&proxy_log, "").unwrap();
    let r = w.login(&["--cache", "memory", "--no-verify"], &unset);
    assert_eq!(r.code, 0, "{}", r.stderr);
    fs::write(&proxy_log, "").unwrap();
    logout(&mut w);
    let r = w.login(&["--cache", "memory"], &unset);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let tunnels = fs::read_to_string(&proxy_log).unwrap();
    assert!(
        tunnels.contains(&host),
        "the API check went through the proxy: {tunnels:?}"
    );
    logout(&mut w);
    // NO_PROXY exempts the host again, for git and for the check alike.
    let no_proxy = [("NO_PROXY", "127.0.0.1")];
    fs::write(&proxy_log, "").unwrap();
    assert!(git_agrees(&w, &no_proxy));
    let r = w.login(&["--cache", "memory"], &no_proxy);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fs::read_to_string(&proxy_log).unwrap(), "");
    logout(&mut w);
    let _ = proxy.kill();
    let _ = proxy.wait();
    w.s.git(&w.s.home, &["config", "--global", "--unset", "http.proxy"]);

    // 4. A wrong CA: git refuses the server, so does the check, and nothing is stored.
    w.s.git(&w.s.home, &["config", "--global", "--unset", &key]);
    let other = self_signed(&w.s, &w.s.path().join("tls-wrong"));
    let wrong = [("GIT_SSL_CAINFO", other.0.to_str().unwrap())];
    assert!(!git_agrees(&w, &wrong));
    let r = w.login(&["--cache", "memory"], &wrong);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot reach") && r.stderr.contains("nothing was stored"),
        "{}",
        r.stderr
    );
    // It says what is wrong and how git is told the CA, not --forge or --no-verify; the TLS
    // library's words come with -v.
    assert!(
        r.stderr.contains("certificate is not trusted")
            && r.stderr.contains("sslCAInfo")
            && !r.stderr.contains("--no-verify")
            && !r.stderr.contains("SSL routines"),
        "{}",
        r.stderr
    );
    let r = w.login(&["--cache", "memory", "-v"], &wrong);
    assert!(r.stderr.contains("debug: TLS: "), "{}", r.stderr);
    assert_eq!(w.global_helpers(), "");

    // 5. TLS verification off: git would talk to anyone; the token is not sent.
    let r = w.login(&["--cache", "memory"], &[("GIT_SSL_NO_VERIFY", "1")]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("unverified"), "{}", r.stderr);
    assert_eq!(w.global_helpers(), "");

    // 6. A plain-HTTP API URL that is not loopback is refused before any connection.
    let r = w.login(
        &[
            "--cache",
            "memory",
            "--api-url",
            "http://api.example.invalid/api/v3",
        ],
        &env,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("plain HTTP"), "{}", r.stderr);
    w.assert_no_leak(None);
}

/// GitLab and Gitea/Forgejo: their REST APIs (stand-ins on the test server, shapes from their
/// documentation) check the token; `git fetch` works after; a wrong token stores nothing.
#[test]
fn gitlab_and_gitea_logins_verify_store_and_fetch() {
    for (forge, flag) in [("gitlab", true), ("gitea", false)] {
        let mut w = World::new_with(&ServerOpts {
            forge,
            ..ServerOpts::default()
        });
        let host = w.server.host();
        // GitLab named with --forge; Gitea found from its public version endpoint.
        let mut extra = vec!["--cache", "store"];
        if flag {
            extra.extend(["--forge", forge]);
        }
        let bad = {
            let mut args = vec!["login", "--host", &host, "--token-stdin"];
            args.extend(&extra);
            w.run(&args, Some("glpat-WRONGwrongWRONGwrongWRONG\n"), &[])
        };
        assert_eq!(bad.code, 1, "{forge}: {}", bad.stderr);
        assert!(bad.stderr.contains("rejected"), "{}", bad.stderr);
        assert_eq!(w.global_helpers(), "");
        let r = w.login(&extra, &[]);
        assert_eq!(r.code, 0, "{forge}: {}", r.stderr);
        if forge == "gitlab" {
            assert!(
                r.stderr
                    .contains("token scopes: read_repository, write_repository"),
                "{}",
                r.stderr
            );
            assert!(r.stderr.contains("expires 2030-01-01"), "{}", r.stderr);
        } else {
            assert!(r.stderr.contains("runs gitea"), "{}", r.stderr);
        }
        assert_eq!(w.fetch_push(&[]), (true, true), "{forge}");
        w.assert_no_leak(Some(&w.s.home.join(".git-credentials")));
    }
}

#[test]
fn an_unknown_forge_without_a_terminal_asks_for_forge() {
    let mut w = World::new_with(&ServerOpts {
        forge: "none",
        ..ServerOpts::default()
    });
    let r = w.login(&["--cache", "memory"], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--forge"), "{}", r.stderr);
    assert_eq!(w.global_helpers(), "");
}

#[test]
fn ctrl_c_at_the_hidden_token_prompt_gives_the_terminal_its_echo_back() {
    let w = World::new("repo");
    let host = w.server.host();
    // A shell that outlives the interrupted login, then reads the terminal's settings.
    let mut cmd = w.s.cmd("sh");
    cmd.args([
        "-c",
        "trap : INT; stty echo; \"$0\" login --host \"$1\" --cache memory; echo \"exit=$?\"; stty -a | tr ' ' '\\n' | grep -x -- '-\\{0,1\\}echo' | sed 's/^/ECHO=/'",
        support::BIN,
        &host,
    ])
    .current_dir(&w.client)
    .envs(w.env());
    let mut p = w.s.pty(cmd);
    p.expect("Token for").unwrap();
    p.send("ghp_CANARYtyped").unwrap();
    p.send([3u8]).unwrap();
    p.expect("interrupted: nothing changed").unwrap();
    p.expect("exit=130").unwrap();
    let found = p.expect(expectrl::Regex("ECHO=-?echo")).unwrap();
    let echo = String::from_utf8_lossy(found.get(0).unwrap()).into_owned();
    assert_eq!(echo, "ECHO=echo", "echo is on again");
    assert_eq!(global_config(&w), Vec::<u8>::new());
}

#[test]
fn login_store_reads_as_before() {
    let mut w = World::new("repo, workflow");
    let r = w.login(&["--cache", "store"], &[]);
    settings(&w.s).bind(|| {
        insta::assert_snapshot!("login_store", both(&r));
    });
    w.assert_no_leak(Some(&w.s.home.join(".git-credentials")));
}

#[test]
fn login_with_a_wrong_token_reads_as_before() {
    let mut w = World::new("repo, workflow");
    let host = w.server.host();
    let r = w.run(
        &[
            "login",
            "--host",
            &host,
            "--token-stdin",
            "--cache",
            "store",
        ],
        Some("ghp_WRONGwrongWRONGwrongWRONGwrong0123456\n"),
        &[],
    );
    settings(&w.s).bind(|| {
        insta::assert_snapshot!("login_wrong_token", both(&r));
    });
}
