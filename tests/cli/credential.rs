//! `git-https credential`: the keyring helper as git drives it, and the proof helper login uses.

use crate::snap::{both, regex_escape, settings};
use crate::support::{self, BIN, Sandbox};
use crate::world::*;

#[test]
fn the_proof_helper_answers_for_its_host_only() {
    let mut w = World::new("repo");
    let host = w.server.host();
    let proof_url = format!("https://{host}");
    let env = [
        ("GIT_HTTPS_PROOF_URL", proof_url.as_str()),
        ("GIT_HTTPS_PROOF_USER", "alice"),
        ("GIT_HTTPS_PROOF_TOKEN", TOKEN),
    ];
    let mine = w.run(
        &["credential", "--from-env", "get"],
        Some(&format!("protocol=https\nhost={host}\n\n")),
        &env,
    );
    assert!(mine.stdout.contains("password="), "{mine:?}");
    w.outputs = w.outputs.replace(&mine.stdout, "");
    for other in [
        "protocol=https\nhost=evil.example\n\n".to_string(),
        format!("protocol=http\nhost={host}\n\n"),
        "protocol=https\nhost=127.0.0.1:1\n\n".to_string(),
    ] {
        let r = w.run(&["credential", "--from-env", "get"], Some(&other), &env);
        assert_eq!(r.stdout, "", "answered {other:?}");
    }
    assert!(!w.outputs.contains("CANARY"), "{}", w.outputs);
}

/// The keyring helper as git drives it (`git credential fill|approve|reject`), through the
/// cases git's own helper tests (lib-credential.sh) check: several users at one place, erasing
/// one user or every one, a rejected password that is not the stored one, an empty user name,
/// protocols and paths kept apart, and the expiry and refresh token git passes along.
fn keyring_helper_protocol(backend: &str) {
    let s = Sandbox::new();
    // The kernel keyring links uid's persistent keyring into every session (keyring-rs links
    // each entry there too), so a run elsewhere on this machine, as the same user, sees these
    // entries: a host of this process alone keeps two runs' approve and reject apart.
    let host = format!("helper-{backend}-{}.example", std::process::id());
    let helper = format!("credential.helper=!'{BIN}' credential");
    let git = |verb: &str, input: &str, extra: &[&str]| {
        let mut cmd = s.cmd("git");
        cmd.args(["-c", "credential.helper=", "-c", &helper])
            .args(extra)
            .args(["credential", verb])
            .env("GIT_HTTPS_KEYRING", backend)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env_remove("GIT_ASKPASS")
            .env_remove("SSH_ASKPASS");
        support::output(&mut cmd, Some(input))
    };
    let fill = |input: &str, extra: &[&str]| {
        let r = git("fill", input, extra);
        (r.code == 0).then_some(r.stdout)
    };
    let ok = |verb: &str, input: &str| {
        let r = git(verb, input, &[]);
        assert_eq!(r.code, 0, "{verb}: {}", r.stderr);
    };
    let at = format!("protocol=https\nhost={host}\n");

    ok(
        "approve",
        &format!("{at}username=user1\npassword=pass1\n\n"),
    );
    ok(
        "approve",
        &format!("{at}username=user2\npassword=pass2\n\n"),
    );
    // Several users at one place: each gets their own; without a name, the newest answers.
    let one = fill(&format!("{at}username=user1\n\n"), &[]).unwrap();
    assert!(one.contains("username=user1\npassword=pass1\n"), "{one}");
    let two = fill(&format!("{at}username=user2\n\n"), &[]).unwrap();
    assert!(two.contains("password=pass2\n"), "{two}");
    assert!(
        fill(&format!("{at}\n"), &[])
            .unwrap()
            .contains("username=user2\n")
    );
    // Another protocol, another host: nothing.
    assert_eq!(fill(&format!("protocol=http\nhost={host}\n\n"), &[]), None);
    assert_eq!(fill("protocol=https\nhost=other.example\n\n", &[]), None);

    // A rejected password that is not the stored one leaves the stored one.
    ok("reject", &format!("{at}username=user1\npassword=stale\n\n"));
    assert!(fill(&format!("{at}username=user1\n\n"), &[]).is_some());
    // Forgetting one user keeps the other.
    ok("reject", &format!("{at}username=user1\n\n"));
    assert_eq!(fill(&format!("{at}username=user1\n\n"), &[]), None);
    assert!(fill(&format!("{at}username=user2\n\n"), &[]).is_some());
    // Forgetting the host forgets everyone.
    ok("reject", &format!("{at}\n"));
    assert_eq!(fill(&format!("{at}username=user2\n\n"), &[]), None);

    // An empty user name is a user name.
    ok(
        "approve",
        &format!("{at}username=\npassword=empty-user\n\n"),
    );
    let empty = fill(&format!("{at}username=\n\n"), &[]).unwrap();
    assert!(empty.contains("password=empty-user\n"), "{empty}");
    ok("reject", &format!("{at}\n"));

    // With useHttpPath, each repository is its own place.
    let path = ["-c", "credential.useHttpPath=true"];
    let r = git(
        "approve",
        &format!("{at}path=o/a.git\nusername=u\npassword=for-a\n\n"),
        &path,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let a = fill(&format!("{at}path=o/a.git\n\n"), &path).unwrap();
    assert!(a.contains("password=for-a\n"), "{a}");
    assert_eq!(fill(&format!("{at}path=o/b.git\n\n"), &path), None);
    git("reject", &format!("{at}path=o/a.git\n\n"), &path);
    assert_eq!(fill(&format!("{at}path=o/a.git\n\n"), &path), None);

    // What git passes along beside the password comes back.
    ok(
        "approve",
        &format!(
            "{at}username=u\npassword=p\npassword_expiry_utc=9999999999\noauth_refresh_token=refresh\n\n"
        ),
    );
    let full = fill(&format!("{at}\n"), &[]).unwrap();
    assert!(
        full.contains("password_expiry_utc=9999999999\n")
            && full.contains("oauth_refresh_token=refresh\n"),
        "{full}"
    );
    ok("reject", &format!("{at}\n"));
    assert_eq!(fill(&format!("{at}\n"), &[]), None);
}

#[test]
#[ignore = "needs the keyring sessions scripts/test starts"]
fn keyring_helper_protocol_secret_service() {
    keyring_helper_protocol("secret-service");
}

#[test]
#[ignore = "needs the keyring sessions scripts/test starts"]
fn keyring_helper_protocol_keyutils() {
    keyring_helper_protocol("keyutils");
}

/// The keyring helper as git drives it: store, get, erase, get again.
#[test]
#[ignore = "needs the keyring sessions scripts/test starts"]
fn credential_keyring_reads_as_before() {
    let s = Sandbox::new();
    // A host of this process alone (see keyring_helper_protocol), named [HOST] in the snapshot.
    let host = format!("snapshot-{}.example", std::process::id());
    let at = format!("protocol=https\nhost={host}\n");
    let mut shown = String::new();
    for (action, input) in [
        (
            "store",
            format!("{at}username=user1\npassword=not-a-real-token\n\n"),
        ),
        ("get", format!("{at}\n")),
        ("erase", format!("{at}username=user1\n\n")),
        ("get", format!("{at}\n")),
    ] {
        let mut cmd = s.bin();
        cmd.args(["credential", action])
            .env("GIT_HTTPS_KEYRING", "keyutils");
        let r = support::output(&mut cmd, Some(&input));
        shown.push_str(&format!("=== credential {action}\n{}", both(&r)));
    }
    let mut settings = settings(&s);
    settings.add_filter(&regex_escape(&host), "[HOST]");
    settings.bind(|| {
        insta::assert_snapshot!("credential_keyring", shown);
    });
}
