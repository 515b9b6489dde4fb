//! Tokens go only where they belong: each forge's own environment variables (never another
//! forge's, none while the forge is unknown), doctor's API check only for hosts logged in to
//! or named, an Azure DevOps Server's token checked at that server and never at Microsoft's
//! cloud, one token on stdin for one server only, user names from an API checked before they
//! are printed or stored, and git's own credential files flagged when others can read them.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use serde_json::json;

use crate::stub::{Proxy, Stub};
use crate::world::*;

fn gitlab_world() -> World {
    World::new_with(&ServerOpts {
        forge: "gitlab",
        ..ServerOpts::default()
    })
}

/// Every token variable but GitLab's, each holding the token GitLab would accept.
const NOT_GITLABS: [(&str, &str); 4] = [
    ("GH_TOKEN", TOKEN),
    ("GITHUB_TOKEN", TOKEN),
    ("GH_ENTERPRISE_TOKEN", TOKEN),
    ("AZURE_DEVOPS_EXT_PAT", TOKEN),
];

#[test]
fn login_takes_only_the_variable_of_the_hosts_forge() {
    let mut w = gitlab_world();
    let host = w.server.host();
    // --no-verify and no forge known: no variable applies, whatever is set.
    let mut all = NOT_GITLABS.to_vec();
    all.push(("GITLAB_TOKEN", TOKEN));
    let args = ["login", "--host", &host, "--no-verify", "--cache", "memory"];
    let r = w.run(&args, None, &all);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("forge is not known"), "{}", r.stderr);
    assert_eq!(w.global_helpers(), "");
    // GitLab: GitHub's and Azure's variables are not its own; its API sees no token.
    let args = [
        "login", "--host", &host, "--forge", "gitlab", "--cache", "memory",
    ];
    let r = w.run(&args, None, &NOT_GITLABS);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("set GITLAB_TOKEN"), "{}", r.stderr);
    assert!(!w.server.creds().contains(TOKEN), "{}", w.server.creds());
    assert_eq!(w.global_helpers(), "");
    // glab's own variable is GitLab's.
    let r = w.run(&args, None, &[("GITLAB_TOKEN", TOKEN)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("$GITLAB_TOKEN"), "{}", r.stderr);
    assert_eq!(w.fetch_push(&[]), (true, true));
    w.assert_no_leak(None);
}

#[test]
fn setup_takes_only_the_variable_of_the_hosts_forge() {
    let mut w = gitlab_world();
    let host = w.server.host();
    let args = [
        "setup", "--host", &host, "--forge", "gitlab", "--cache", "memory",
    ];
    let r = w.run(&args, None, &NOT_GITLABS);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("set GITLAB_TOKEN"), "{}", r.stderr);
    assert!(!w.server.creds().contains(TOKEN), "{}", w.server.creds());
    assert_eq!(global_config(&w), Vec::<u8>::new());
    let r = w.run(&args, None, &[("GITLAB_TOKEN", TOKEN)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(w.fetch_push(&[]), (true, true));
    w.assert_no_leak(None);
}

/// `--forge` with several hosts is for the hosts whose name does not tell: github.com stays
/// GitHub (and takes GitHub's variable), and the contradiction is said.
#[test]
fn forge_flag_never_overrides_a_host_known_by_name() {
    let mut w = World::new("repo");
    let host = w.server.host();
    let args = [
        "setup",
        "--host",
        "github.com",
        "--host",
        &host,
        "--forge",
        "gitlab",
        "--no-verify",
        "--cache",
        "store",
    ];
    let r = w.run(
        &args,
        None,
        &[("GH_TOKEN", TOKEN2), ("GITLAB_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("github.com runs github") && r.stderr.contains("--forge gitlab"),
        "{}",
        r.stderr
    );
    let store = fs::read_to_string(w.s.home.join(".git-credentials")).unwrap();
    assert!(store.contains(&format!("{TOKEN2}@github.com")), "{store}");
    assert!(store.contains(&format!("{TOKEN}@127.0.0.1")), "{store}");
    w.run(&["logout", "--host", "github.com"], None, &[]).ok();
}

/// The variables env.rs reads are stripped from every child, GitLab's and Azure's too.
#[test]
fn no_token_variable_reaches_a_child() {
    let mut w = World::new("repo");
    let dump = w.s.path().join("helper-env");
    let helper = format!("!f() {{ env > '{}'; }}; f", dump.display());
    let set = w.user_git(
        &["config", "--global", "credential.helper", &helper],
        &[],
        None,
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    let vars = [
        ("GH_TOKEN", "CANARYgh"),
        ("GH_ENTERPRISE_TOKEN", "CANARYghe"),
        ("GITLAB_TOKEN", "CANARYgl"),
        ("AZURE_DEVOPS_EXT_PAT", "CANARYaz"),
    ];
    w.run(&["doctor", "--offline"], None, &vars);
    let seen = fs::read_to_string(&dump).expect("git ran the helper");
    assert!(seen.contains("HOME="), "{seen}");
    assert!(!seen.contains("CANARY"), "{seen}");
}

/// A checkout from anyone names a server of theirs; a helper for every host (the CI idiom)
/// answers it. doctor says git has a token for it, and sends it nowhere.
#[test]
fn doctor_sends_no_token_to_a_server_only_a_checkout_names() {
    let mut w = World::new("repo");
    let stranger = Stub::start(
        &w.s,
        "stranger",
        &json!({
            "/api/v3/meta": [200, {"installed_version": "3.14.0"}],
            "/api/v3/user": [200, {"login": "mallory"}],
        }),
    );
    let there = stranger.host();
    let helper = "!f() { echo username=ci; echo password=$TOKEN; }; f";
    let url = format!("https://{there}/o/r.git");
    for args in [
        vec!["config", "--global", "credential.helper", helper],
        vec!["remote", "set-url", "origin", &url],
    ] {
        assert_eq!(w.user_git(&args, &[], None).code, 0, "{args:?}");
    }
    let r = w.run(&["doctor", "--json"], None, &[("TOKEN", TOKEN)]);
    assert_eq!(stranger.requests(), "", "nothing reaches the stranger");
    let f = r.json_lines();
    let check = format!("credentials for {there}");
    let said = |status: &str, text: &str| {
        f.iter().any(|x| {
            x["status"] == status
                && x["check"] == check.as_str()
                && x["message"].as_str().unwrap().contains(text)
        })
    };
    assert!(said("ok", "git gets a token for it"), "{}", r.stdout);
    assert!(said("warn", "not checked with the API"), "{}", r.stdout);
    // Named with --host, it is the user's choice: checked.
    let r = w.run(
        &["doctor", "--json", "--host", &there],
        None,
        &[("TOKEN", TOKEN)],
    );
    assert!(
        stranger
            .requests()
            .contains(&format!("/api/v3/user bearer {TOKEN}")),
        "{}\n{}",
        stranger.requests(),
        r.stdout
    );
    w.assert_no_leak(None);
}

/// An Azure DevOps Server on premises: login and doctor ask that server's connectionData, and
/// nothing goes to Microsoft's cloud (every other request would leave through the proxy).
#[test]
fn an_azure_devops_server_token_is_checked_at_that_server_only() {
    let mut w = World::new("repo");
    let tfs = Stub::start(
        &w.s,
        "tfs",
        &json!({"/_apis/connectionData": [200, {
            "authenticatedUser": {
                "id": "6b1b2f0e-0000-0000-0000-000000000001",
                "providerDisplayName": "Alice Smith",
                "properties": {"Account": {"$type": "System.String", "$value": "alice@corp.example"}}
            },
            "instanceId": "e9f2b1c0-0000-0000-0000-000000000002"
        }]}),
    );
    let proxy = Proxy::start(&w.s);
    let env = [
        ("HTTPS_PROXY", proxy.url.as_str()),
        ("NO_PROXY", "127.0.0.1"),
    ];
    let host = tfs.host();
    let r = w.run(
        &[
            "login",
            "--host",
            &host,
            "--forge",
            "azure",
            "--token-stdin",
            "--cache",
            "store",
        ],
        Some(&format!("{TOKEN}\n")),
        &env,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("as alice@corp.example"), "{}", r.stderr);
    assert_eq!(
        tfs.requests(),
        format!("/_apis/connectionData basic {TOKEN}\n")
    );
    // doctor, the forge from config.toml: the same server again, and only it.
    let config = w.s.home.join(".config/git-https/config.toml");
    fs::create_dir_all(config.parent().unwrap()).unwrap();
    fs::write(&config, format!("[forges]\n\"{host}\" = \"azure\"\n")).unwrap();
    let r = w.run(&["doctor", "--json"], None, &env);
    assert!(
        r.json_lines().iter().any(|x| x["status"] == "ok"
            && x["message"] == "the API knows the token as alice@corp.example"),
        "{}",
        r.stdout
    );
    assert_eq!(tfs.requests().lines().count(), 2, "{}", tfs.requests());
    assert_eq!(proxy.tunnels(), "", "nothing went to another server");
    // Its token is never sent to the cloud's API, even when --api-url names it.
    let r = w.run(
        &[
            "login",
            "--host",
            &host,
            "--forge",
            "azure",
            "--token-stdin",
            "--cache",
            "store",
            "--api-url",
            "https://app.vssps.visualstudio.com/_apis",
        ],
        Some(&format!("{TOKEN}\n")),
        &env,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("Azure DevOps Server"), "{}", r.stderr);
    assert_eq!(proxy.tunnels(), "");
    w.assert_no_leak(Some(&w.s.home.join(".git-credentials")));
}

#[test]
fn setup_refuses_one_stdin_token_for_two_servers_before_any_request() {
    let mut w = World::new("repo");
    let b = Server::start_with(
        &w.s,
        &ServerOpts {
            name: "b",
            ..ServerOpts::default()
        },
    );
    let (ha, hb) = (w.server.host(), b.host());
    let r = w.run(
        &[
            "setup",
            "--host",
            &ha,
            "--host",
            &hb,
            "--token-stdin",
            "--cache",
            "memory",
        ],
        Some(&format!("{TOKEN}\n")),
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("once per host"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert_eq!(w.server.creds(), "", "no request reached {ha}");
    assert_eq!(b.creds(), "", "no request reached {hb}");
    assert_eq!(global_config(&w), Vec::<u8>::new());
}

/// A name from an API that no user of that forge has (escape sequences, `/`, `?`; a token's
/// shape) is refused in one line, neither echoed raw nor stored.
#[test]
fn a_user_name_no_forge_has_is_refused_and_not_echoed() {
    let mut w = World::new("repo");
    let bad = "alice@corp\u{1b}]0;pwned\u{7}/../?x";
    let shaped = format!("ghp_{}", "A".repeat(36));
    let api = Stub::start(
        &w.s,
        "names",
        &json!({
            "/_apis/connectionData": [200, {"authenticatedUser": {
                "id": "1", "properties": {"Account": {"$value": bad}}}}],
            "/_apis/profile/profiles/me": [200, {"emailAddress": bad}],
            "/api/v3/user": [200, {"login": shaped}],
        }),
    );
    let host = api.host();
    for (forge, api_url) in [
        ("azure", format!("https://{host}/_apis")),
        ("github", format!("https://{host}/api/v3")),
    ] {
        let r = w.run(
            &[
                "login",
                "--host",
                &host,
                "--forge",
                forge,
                "--api-url",
                &api_url,
                "--token-stdin",
                "--cache",
                "store",
            ],
            Some(&format!("{TOKEN}\n")),
            &[],
        );
        assert_eq!(r.code, 1, "{forge}: {}", r.stderr);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(!all.contains('\u{1b}') && !all.contains("pwned"), "{all:?}");
        assert!(!all.contains(&shaped), "{all}");
        assert!(all.contains("user name"), "{all}");
        assert_eq!(
            r.stderr.lines().filter(|l| l.starts_with("error:")).count(),
            1
        );
        assert!(!w.s.home.join(".git-credentials").exists());
        assert!(!w.s.state_dir().join("logins.json").exists());
        assert_eq!(global_config(&w), Vec::<u8>::new());
    }
}

/// `~/.git-credentials` and `$XDG_CONFIG_HOME/git/credentials`, which git's store helper
/// reads without a helper line naming them: flagged when others can read them, content
/// never shown.
#[test]
fn doctor_flags_gits_own_credential_files_that_others_can_read() {
    let mut w = World::new("repo");
    let files = [
        w.s.home.join(".git-credentials"),
        w.s.home.join(".config/git/credentials"),
    ];
    for f in &files {
        fs::create_dir_all(f.parent().unwrap()).unwrap();
        fs::write(f, "https://u:CANARYstored0123@example.com\n").unwrap();
        fs::set_permissions(f, fs::Permissions::from_mode(0o644)).unwrap();
    }
    let store_file = |r: &crate::support::Run, status: &str, f: &std::path::Path| {
        r.json_lines().iter().any(|x| {
            x["status"] == status
                && x["check"] == "store file"
                && x["message"].as_str().unwrap().contains(f.to_str().unwrap())
                && (status == "ok" || x["fix"] == format!("chmod 600 '{}'", f.display()))
        })
    };
    let r = w.run(&["doctor", "--json", "--offline"], None, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for f in &files {
        assert!(store_file(&r, "fail", f), "{}: {}", f.display(), r.stdout);
        fs::set_permissions(f, fs::Permissions::from_mode(0o600)).unwrap();
    }
    assert!(!r.stdout.to_ascii_lowercase().contains("canary"));
    let r = w.run(&["doctor", "--json", "--offline"], None, &[]);
    for f in &files {
        assert!(store_file(&r, "ok", f), "{}: {}", f.display(), r.stdout);
    }
}
