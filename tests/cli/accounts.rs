//! Several accounts on one host: a second login, ssh aliases tied to accounts, Azure DevOps
//! organizations; login, logout, migrate, status and doctor as they meet them.

use std::fs;
use std::path::Path;

use crate::support::{self};
use crate::world::*;

#[test]
fn a_second_account_adds_and_a_failed_relogin_keeps_both() {
    for cache in ["memory", "store"] {
        let mut w = World::new_with(&ServerOpts {
            tokens: Some(&format!("bob:{BOB_TOKEN}")),
            ..ServerOpts::default()
        });
        let host = w.server.host();
        w.login(&["--cache", cache], &[]).ok();
        let helper = if cache == "memory" { "cache" } else { "store" };
        let args = ["login", "--host", &host, "--token-stdin", "--cache", cache];
        let r = w.run(&args, Some(&format!("{BOB_TOKEN}\n")), &[]);
        assert_eq!(r.code, 0, "{cache}: {}", r.stderr);
        assert!(
            r.stderr.contains("has 2 accounts (alice, bob)"),
            "{}",
            r.stderr
        );
        // Each account keeps its own token; git asks for the one a URL names.
        assert!(held_for(&w, helper, "bob").contains(&format!("password={BOB_TOKEN}\n")));
        assert!(held_for(&w, helper, LOGIN).contains(&format!("password={TOKEN}\n")));
        assert_eq!(w.fetch_push(&[]), (true, true));
        // Another cache mode for the same host would hide the first account: refused.
        let other = if cache == "memory" { "store" } else { "memory" };
        let args = ["login", "--host", &host, "--token-stdin", "--cache", other];
        let r = w.run(&args, Some(&format!("{BOB_TOKEN}\n")), &[]);
        assert_eq!(r.code, 1, "{cache}: {}", r.stderr);
        assert!(r.stderr.contains("other account alice"), "{}", r.stderr);

        // A failed re-login (the global config is locked) leaves both accounts whole, and
        // whatever else the place held for the host.
        let store_file = w.s.home.join(".git-credentials");
        let carol = format!("https://carol:CANARYcarol@{host}/o/r.git");
        if cache == "memory" {
            let mut approve = w.s.cmd("git");
            approve.args([
                "-c",
                "credential.helper=",
                "-c",
                "credential.helper=cache",
                "-c",
                "credential.useHttpPath=true",
                "credential",
                "approve",
            ]);
            let r = support::output(&mut approve, Some(&format!("url={carol}\n\n")));
            assert_eq!(r.code, 0, "{}", r.stderr);
        } else {
            let mut text = fs::read_to_string(&store_file).unwrap();
            text.push_str(&format!("{carol}\n"));
            fs::write(&store_file, text).unwrap();
        }
        let file_before = fs::read(&store_file).ok();
        let lock = w.s.home.join(".gitconfig.lock");
        fs::write(&lock, "").unwrap();
        let r = w.login(&["--cache", cache], &[]);
        fs::remove_file(&lock).unwrap();
        assert_eq!(r.code, 1, "{cache}: {}", r.stderr);
        assert!(r.stderr.contains("nothing was changed"), "{}", r.stderr);
        assert!(held_for(&w, helper, "bob").contains(&format!("password={BOB_TOKEN}\n")));
        assert!(held_for(&w, helper, LOGIN).contains(&format!("password={TOKEN}\n")));
        if cache == "store" {
            assert_eq!(
                fs::read(&store_file).ok(),
                file_before,
                "the file is as it was"
            );
        } else {
            assert!(
                held_for(&w, helper, "carol").contains("password=CANARYcarol"),
                "carol's stays"
            );
        }
        assert_eq!(w.fetch_push(&[]), (true, true));

        // logout --user removes one account; the other and the helper lines stay.
        let r = w.run(&["logout", "--host", &host, "--user", "bob"], None, &[]);
        assert_eq!(r.code, 0, "{cache}: {}", r.stderr);
        assert!(
            r.stderr.contains("other accounts stay logged in: alice"),
            "{}",
            r.stderr
        );
        assert!(!held_for(&w, helper, "bob").contains("password="));
        assert!(held_for(&w, helper, LOGIN).contains(&format!("password={TOKEN}\n")));
        assert_ne!(w.global_helpers(), "");
        let file = w.s.home.join(".git-credentials");
        w.assert_no_leak((cache == "store").then_some(file.as_path()));
    }
}

/// Two ssh aliases of one host, tied to two accounts: after migrate, each checkout fetches
/// as its own account (the server checks the user name against the token); logging one out
/// leaves the other.
fn two_aliases_two_accounts(cache: &str, env: &[(&str, &str)]) {
    let mut w = World::new_with(&ServerOpts {
        tokens: Some(&format!("bob:{BOB_TOKEN}")),
        ..ServerOpts::default()
    });
    let host = w.server.host();
    // The comment stays through every edit login and logout make.
    w.ssh_aliases(
        "Host gh-work\n  HostName 127.0.0.1\n  User git\n\nHost gh-personal\n  HostName 127.0.0.1\n",
        "# my rules\n",
    );
    let work = w.s.repo("work", &[("origin", "git@gh-work:o/r.git")]);
    let personal =
        w.s.repo("personal", &[("origin", "git@gh-personal:o/r.git")]);

    let r = w.login(&["--cache", cache, "--alias", "gh-work"], env);
    assert_eq!(r.code, 0, "{cache}: {}", r.stderr);
    assert!(r.stderr.contains("tied gh-work to alice"), "{}", r.stderr);
    // A second account's login never reuses the token already stored (it is alice's).
    let args = [
        "login",
        "--host",
        &host,
        "--cache",
        cache,
        "--alias",
        "gh-personal",
    ];
    let r = w.run(&args, None, env);
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("no token for"), "{}", r.stderr);
    // The host itself, or a name ~/.ssh/config does not know, is no alias.
    for alias in ["127.0.0.1", "gh-nowhere"] {
        let args = ["login", "--host", &host, "--token-stdin", "--alias", alias];
        let r = w.run(&args, Some(&format!("{BOB_TOKEN}\n")), env);
        assert_eq!(r.code, 2, "{alias}: {}", r.stderr);
    }
    let args = [
        "login",
        "--host",
        &host,
        "--token-stdin",
        "--cache",
        cache,
        "--alias",
        "gh-personal",
    ];
    let r = w.run(&args, Some(&format!("{BOB_TOKEN}\n")), env);
    assert_eq!(r.code, 0, "{cache}: {}", r.stderr);
    let config = fs::read_to_string(w.s.home.join(".config/git-https/config.toml")).unwrap();
    assert!(
        config.contains(&format!("gh-work = \"https://alice@{host}\""))
            && config.contains(&format!("gh-personal = \"https://bob@{host}\"")),
        "{config}"
    );

    for dir in [&work, &personal] {
        let r = w.run(&["migrate", dir.to_str().unwrap(), "--yes"], None, env);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let url = |dir: &Path| {
        w.s.git(dir, &["config", "remote.origin.url"])
            .trim()
            .to_string()
    };
    assert_eq!(url(&work), format!("https://alice@{host}/o/r.git"));
    assert_eq!(url(&personal), format!("https://bob@{host}/o/r.git"));

    assert_eq!(
        fetch_in(&w, &work, env),
        (true, Some("alice".into())),
        "{cache}"
    );
    assert_eq!(
        fetch_in(&w, &personal, env),
        (true, Some("bob".into())),
        "{cache}"
    );

    // status names each remote's account, and warns where a URL names none.
    let r = w.run(&["status", work.to_str().unwrap()], None, env);
    assert!(
        r.stdout.contains("alice (named in the URL)"),
        "{}",
        r.stdout
    );
    let r = w.run(&["status", "--json"], None, env);
    assert!(r.stdout.contains("\"how\":\"unnamed\""), "{}", r.stdout);
    let r = w.run(&["status"], None, env);
    assert!(
        r.stderr.contains("several accounts (alice, bob)"),
        "{}",
        r.stderr
    );
    let r = w.run(&["doctor", work.to_str().unwrap(), "--offline"], None, env);
    assert!(
        r.stdout
            .contains("remote origin authenticates as alice (named in the URL)"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );

    let r = w.run(&["logout", "--host", &host, "--user", "bob"], None, env);
    assert_eq!(r.code, 0, "{cache}: {}", r.stderr);
    assert!(
        !fetch_in(&w, &personal, env).0,
        "{cache}: bob is logged out"
    );
    assert_eq!(
        fetch_in(&w, &work, env),
        (true, Some("alice".into())),
        "{cache}"
    );
    let config = fs::read_to_string(w.s.home.join(".config/git-https/config.toml")).unwrap();
    assert!(
        config.contains("gh-work") && !config.contains("gh-personal"),
        "{config}"
    );
    assert!(config.starts_with("# my rules\n[hosts]"), "{config}");

    let r = w.run(&["logout", "--host", &host], None, env);
    assert_eq!(r.code, 0, "{cache}: {}", r.stderr);
    assert!(!fetch_in(&w, &work, env).0, "{cache}: all logged out");
    assert_eq!(w.global_helpers(), "");
    let file = w.s.home.join(".git-credentials");
    w.assert_no_leak((cache == "store").then_some(file.as_path()));
}

/// Another account's login leaves the first account's cache entry alone: its token and its
/// expiry.
#[test]
fn another_accounts_login_keeps_the_first_ones_cache_expiry() {
    let mut w = World::new_with(&ServerOpts {
        tokens: Some(&format!("bob:{BOB_TOKEN}")),
        ..ServerOpts::default()
    });
    let host = w.server.host();
    let r = w.login(&["--cache", "memory", "--timeout", "28800"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let args = [
        "login",
        "--host",
        &host,
        "--token-stdin",
        "--cache",
        "memory",
        "--timeout",
        "3",
    ];
    let r = w.run(&args, Some(&format!("{BOB_TOKEN}\n")), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("now says --timeout=3 (it said 28800)"),
        "{}",
        r.stderr
    );
    // Until bob's entry expires (asked with `git credential fill`, which never renews it).
    support::poll("bob's cache entry to expire", || {
        (!held_for(&w, "cache", "bob").contains("password=")).then_some(())
    });
    assert!(held_for(&w, "cache", LOGIN).contains(&format!("password={TOKEN}\n")));
    assert!(
        !held_for(&w, "cache", "bob").contains("password="),
        "bob's expired"
    );
    w.assert_no_leak(None);
}

every_cache_mode!(two_aliases_two_accounts: two_aliases_two_accounts_store, two_aliases_two_accounts_memory, two_aliases_two_accounts_secret_service, two_aliases_two_accounts_keyutils);

/// Azure DevOps tokens are per organization: two organizations on one host each keep their
/// own token (scoped to `https://HOST/ORG` in git's config, kept under the organization's
/// name), fetch with it, and log out alone.
fn organizations_on_one_host(cache: &str, env: &[(&str, &str)]) {
    const ORG_O: &str = "CANARYorgOtokenCANARYorgOtoken0123456789";
    const ORG_P: &str = "CANARYorgPtokenCANARYorgPtoken0123456789";
    {
        let mut w = World::new_with(&ServerOpts {
            tokens: Some(&format!("o:{ORG_O},p:{ORG_P}")),
            ..ServerOpts::default()
        });
        let host = w.server.host();
        let root = w.s.path().join("served-main");
        w.s.git(&root, &["init", "-q", "--bare", "p/r.git"]);
        let seed = w.s.path().join("seed-main");
        let target = root.join("p/r.git");
        w.s.git(
            &seed,
            &[
                "push",
                "-q",
                target.to_str().unwrap(),
                "HEAD:refs/heads/main",
            ],
        );
        let p_repo = w.s.repo(
            "p-checkout",
            &[("origin", &format!("https://{host}/p/r.git"))],
        );
        let o_repo = w.client.clone();

        for (org, token) in [("o", ORG_O), ("p", ORG_P)] {
            let scope = format!("{host}/{org}");
            let args = [
                "login",
                "--host",
                &scope,
                "--forge",
                "azure",
                "--no-verify",
                "--token-stdin",
                "--cache",
                cache,
            ];
            let r = w.run(&args, Some(&format!("{token}\n")), env);
            assert_eq!(r.code, 0, "{cache} {org}: {}", r.stderr);
        }
        // The host itself cannot be logged in beside its organizations (they share git's
        // helpers, which would answer its URLs with an organization's token).
        let r = w.login(&["--cache", cache], env);
        assert_eq!(r.code, 2, "{cache}: {}", r.stderr);
        assert!(
            r.stderr.contains("organizations and the host itself"),
            "{}",
            r.stderr
        );
        // A helper for every host would answer other organizations with one of these tokens.
        w.s.git(
            &w.s.home,
            &["config", "--global", "credential.helper", "store"],
        );
        let r = w.run(&["doctor", "--offline"], None, env);
        assert!(
            r.stdout
                .contains("warn  organizations: credential.helper is set for every host"),
            "{}",
            r.stdout
        );
        w.s.git(
            &w.s.home,
            &["config", "--global", "--unset", "credential.helper"],
        );
        let config = fs::read_to_string(w.s.home.join(".gitconfig")).unwrap();
        assert!(
            config.contains(&format!("[credential \"https://{host}/o\"]"))
                && config.contains("username = p"),
            "{config}"
        );
        assert_eq!(
            fetch_in(&w, &o_repo, env),
            (true, Some("o".into())),
            "{cache}"
        );
        assert_eq!(
            fetch_in(&w, &p_repo, env),
            (true, Some("p".into())),
            "{cache}"
        );

        // dev.azure.com needs the organization; an organization elsewhere needs Azure.
        let r = w.run(
            &[
                "login",
                "--host",
                "dev.azure.com",
                "--no-verify",
                "--token-stdin",
            ],
            Some(&format!("{ORG_O}\n")),
            env,
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("per organization"), "{}", r.stderr);
        let r = w.run(
            &[
                "login",
                "--host",
                "github.com/acme",
                "--no-verify",
                "--token-stdin",
            ],
            Some(&format!("{ORG_O}\n")),
            env,
        );
        assert_eq!(r.code, 2, "{}", r.stderr);

        let r = w.run(&["logout", "--host", &format!("{host}/p")], None, env);
        assert_eq!(r.code, 0, "{cache}: {}", r.stderr);
        assert!(!fetch_in(&w, &p_repo, env).0, "{cache}: p is logged out");
        assert_eq!(
            fetch_in(&w, &o_repo, env),
            (true, Some("o".into())),
            "{cache}"
        );

        // setup takes the organization too, and a second identical run changes nothing.
        let scope = format!("{host}/p");
        let args = [
            "setup",
            "--host",
            &scope,
            "--forge",
            "azure",
            "--no-verify",
            "--token-stdin",
            "--cache",
            cache,
            "--json",
        ];
        for changed in [true, false] {
            let r = w.run(&args, Some(&format!("{ORG_P}\n")), env);
            assert_eq!(r.code, 0, "{cache}: {}", r.stderr);
            assert!(
                r.stdout.contains(&format!("\"changed\":{changed}")),
                "{}",
                r.stdout
            );
        }
        assert_eq!(
            fetch_in(&w, &p_repo, env),
            (true, Some("p".into())),
            "{cache}"
        );
        assert_eq!(
            fetch_in(&w, &o_repo, env),
            (true, Some("o".into())),
            "{cache}"
        );

        // The host without an organization: every organization on it.
        let r = w.run(&["logout", "--host", &host], None, env);
        assert_eq!(r.code, 0, "{cache}: {}", r.stderr);
        assert!(!fetch_in(&w, &o_repo, env).0, "{cache}: o is logged out");
        let config = fs::read_to_string(w.s.home.join(".gitconfig")).unwrap();
        assert!(
            !config.contains("helper") && !config.contains("username"),
            "{config}"
        );
        let file = w.s.home.join(".git-credentials");
        w.assert_no_leak((cache == "store").then_some(file.as_path()));
    }
}

every_cache_mode!(organizations_on_one_host: organizations_on_one_host_keep_their_own_tokens_store, organizations_on_one_host_keep_their_own_tokens_memory, organizations_on_one_host_keep_their_own_tokens_secret_service, organizations_on_one_host_keep_their_own_tokens_keyutils);

/// With the host's one account, a login that only moves the token to another cache mode
/// reuses the token git already has (no prompt, no stdin).
#[test]
fn one_account_moves_to_another_cache_mode_with_its_stored_token() {
    let mut w = World::new("repo");
    let host = w.server.host();
    let r = w.login(&["--cache", "memory"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = w.run(&["login", "--host", &host, "--cache", "store"], None, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("using the token from git's"),
        "{}",
        r.stderr
    );
    assert!(held_for(&w, "store", LOGIN).contains(&format!("password={TOKEN}\n")));
    assert!(
        !held_for(&w, "cache", LOGIN).contains("password="),
        "moved, not copied"
    );
    let file = w.s.home.join(".git-credentials");
    w.assert_no_leak(Some(file.as_path()));
}
