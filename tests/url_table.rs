//! The URL model against a table of real-world forms, git's own parse of them, and properties.

use git_https::core::hosts::HostRules;
use git_https::core::url::{self, Kind};
use git_https::core::{convert, redact};
use proptest::prelude::*;

mod support;

fn table() -> Vec<(String, String)> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/urls.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (a, b) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("no tab in {l:?}"));
            (a.to_string(), b.to_string())
        })
        .collect()
}

#[test]
fn every_row_converts_as_listed() {
    let rows = table();
    assert!(rows.len() >= 50, "the table should hold at least 50 forms");
    let rules = HostRules::default();
    let mut wrong = Vec::new();
    for (input, expected) in &rows {
        let got = match convert::to_https(input, &rules) {
            Ok(c) => c.https,
            Err(e) => format!(
                "!{}",
                format!("{e:?}").split(['(', ' ', '{']).next().unwrap()
            ),
        };
        if &got != expected {
            wrong.push(format!("{input:?}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// What `git fetch-pack --diag-url` says of a URL: (host, port, path).
fn git_diag(url: &str) -> Option<(String, Option<u16>, String)> {
    let s = support::Sandbox::new();
    s.git(s.path(), &["init", "-q"]);
    let out = support::output(s.cmd("git").args(["fetch-pack", "--diag-url", url]), None).stdout;
    let field = |k: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("Diag: {k}=")).map(str::to_string))
    };
    let host = field("userandhost").or_else(|| field("hostandport"))?;
    let host = host.rsplit('@').next().unwrap().to_string();
    let port = field("port").and_then(|p| p.parse().ok());
    Some((host, port, field("path")?))
}

/// Our parse agrees with git's own on host, port and path for every SSH and git:// row.
#[test]
fn parse_agrees_with_git() {
    let mut checked = 0;
    for (input, expected) in table() {
        let ours = match url::parse(&input) {
            Ok(p) => p,
            Err(e) => {
                assert!(
                    expected.starts_with('!'),
                    "{input:?} does not parse ({e}), but the table expects {expected:?}"
                );
                continue;
            }
        };
        if !matches!(ours.kind, Kind::Scp | Kind::Ssh) || ours.host.starts_with('-') {
            continue;
        }
        let Some((host, port, path)) = git_diag(&input) else {
            // git refuses it outright; so must we.
            assert!(
                convert::to_https(&input, &HostRules::default()).is_err(),
                "git refuses {input:?}, we converted it"
            );
            continue;
        };
        let our_path = ours
            .path
            .strip_prefix('/')
            .filter(|p| p.starts_with('~'))
            .unwrap_or(&ours.path);
        assert_eq!(host.to_ascii_lowercase(), ours.host, "host of {input:?}");
        assert_eq!(port, ours.port, "port of {input:?}");
        assert_eq!(path, our_path, "path of {input:?}");
        checked += 1;
    }
    assert!(
        checked >= 30,
        "only {checked} rows were checked against git"
    );
}

proptest! {
    #[test]
    fn parsing_never_panics(s in "\\PC{0,80}") {
        let _ = url::parse(&s);
        let _ = convert::to_https(&s, &HostRules::default());
        let _ = redact::redact(&s);
    }

    #[test]
    fn url_like_inputs_never_panic(s in "(ssh://|git://|https://|git@|\\[)?[a-z0-9@:\\[\\]/~%.-]{0,40}") {
        let _ = convert::to_https(&s, &HostRules::default());
    }

    #[test]
    fn conversion_is_idempotent(
        user in "(git@|me@)?",
        host in "[a-z][a-z0-9-]{0,10}(\\.[a-z]{2,5})?",
        port in proptest::option::of(1u16..),
        path in "[A-Za-z0-9 _.#?%-]{1,12}(/[A-Za-z0-9 _.-]{1,12}){0,3}/?",
        scp in any::<bool>(),
    ) {
        let input = match (scp, port) {
            (true, _) => format!("{user}{host}:{path}"),
            (false, Some(p)) => format!("ssh://{user}{host}:{p}/{path}"),
            (false, None) => format!("ssh://{user}{host}/{path}"),
        };
        let rules = HostRules::default();
        if let Ok(once) = convert::to_https(&input, &rules) {
            let twice = convert::to_https(&once.https, &rules).unwrap();
            prop_assert_eq!(&twice.https, &once.https);
            prop_assert!(once.https.starts_with("https://"));
        }
    }
}

/// A fixed sample of the differential corpus, each input judged against what git itself does
/// with it (`git ls-remote` with every transport replaced by a logger, `ssh -G`): every URL
/// converted must name what git would reach. The full run is `python3 scripts/differential.py`
/// (results in bench/DIFFERENTIAL.md).
#[test]
fn a_sample_of_the_differential_corpus_agrees_with_git() {
    let s = support::Sandbox::new();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/differential.py");
    let r = support::output(
        s.cmd("python3").args([
            script,
            "--bin",
            support::BIN,
            "--sample",
            "400",
            "--fail-on-disagree",
        ]),
        None,
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

/// Inputs the fuzzer once broke (fixtures/fuzz/regressions/url): they must never panic, and
/// a conversion must be stable — its HTTPS form converts to itself, with no credentials.
#[test]
fn fuzzer_findings_stay_fixed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/fuzz/regressions/url");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let rules = HostRules::default();
    let mut checked = 0;
    for e in entries.flatten() {
        let bytes = std::fs::read(e.path()).unwrap();
        let Ok(input) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let _ = redact::redact(input);
        if let Ok(c) = convert::to_https(input, &rules) {
            let again = convert::to_https(&c.https, &rules).unwrap_or_else(|e| {
                panic!("{input:?} -> {:?} does not convert again: {e}", c.https)
            });
            assert_eq!(again.https, c.https, "{input:?}");
            assert!(
                !again.stripped_credentials,
                "{input:?} -> {:?} keeps credentials",
                c.https
            );
        }
        checked += 1;
    }
    assert!(checked > 0);
}

// Issue 18, "URL agreement with git": each class an independent corpus found git-https reading
// differently from git 2.47 and OpenSSH (`fixtures/differential/classes.tsv` holds a few
// hundred inputs of each; `docs/url-conversion.md` says what is converted and refused, why).

fn https(input: &str) -> Result<String, url::Refusal> {
    convert::to_https(input, &HostRules::default()).map(|c| c.https)
}

#[track_caller]
fn converts(input: &str, want: &str) {
    assert_eq!(https(input).as_deref(), Ok(want), "{input:?}");
}

#[track_caller]
fn refused(input: &str) -> url::Refusal {
    match https(input) {
        Ok(u) => panic!("{input:?} converted to {u:?}, but git or ssh would not reach it"),
        Err(e) => e,
    }
}

/// `ssh.github.com.` is `ssh.github.com` written as a fully qualified name: the forge mapping
/// applies, not `https://ssh.github.com./…` (SSH, not HTTPS, answers there).
#[test]
fn forge_ssh_hosts_with_a_trailing_dot_map_as_without_it() {
    converts("git@ssh.github.com.:o/r.git", "https://github.com/o/r.git");
    converts(
        "ssh://git@SSH.GitHub.com.:443/o/r",
        "https://github.com/o/r",
    );
    converts("altssh.gitlab.com.:o/r.git", "https://gitlab.com/o/r.git");
    converts("git@altssh.bitbucket.org.:o/r", "https://bitbucket.org/o/r");
    converts(
        "git@ssh.dev.azure.com.:v3/org/proj/repo",
        "https://dev.azure.com/org/proj/_git/repo",
    );
    converts(
        "ssh://git@vs-ssh.visualstudio.com./v3/org/proj/repo",
        "https://org.visualstudio.com/proj/_git/repo",
    );
    assert!(matches!(
        refused("git@ssh.dev.azure.com.:org/repo"),
        url::Refusal::AzurePath(_)
    ));
}

/// OpenSSH's `ssh_valid_ruser` uses C's `isspace`, which counts the vertical tab; it refuses
/// control bytes too (since 10.1). Such a user stops ssh before it connects.
#[test]
fn users_openssh_refuses_are_refused() {
    for input in [
        "a\u{b}-x@github.com:o/r.git",
        "ssh://a%0B-x@github.com/o/r.git",
        "ssh://a%0b-@host.xz/o/r",
        "a\u{c}-x@github.com:o/r.git",
        "a\u{1}b@github.com:o/r.git",
        "ssh://a%7Fb@github.com/o/r.git",
        "git+ssh://%0Cgit@github.com/o/r.git",
    ] {
        assert!(
            matches!(refused(input), url::Refusal::BadUser(_)),
            "{input:?}"
        );
    }
    // What ssh accepts still converts: a blank not before '-', `%0B` unescaped in scp form.
    converts("a b@github.com:o/r.git", "https://github.com/o/r.git");
    converts("a%0B-x@github.com:o/r.git", "https://github.com/o/r.git");
}

/// git splits a port out of `[host:port]` only for ssh; git:// looks up `host:port` whole.
#[test]
fn git_urls_read_no_port_inside_brackets() {
    for input in [
        "git://[host.xz:9418]/o/r.git",
        "git://[github.com:22]/o/r",
        "git://[127.0.0.1:1]/o/r",
    ] {
        assert!(
            matches!(refused(input), url::Refusal::GitBracketPort(_)),
            "{input:?}"
        );
    }
    converts("ssh://[host.xz:2222]/o/r.git", "https://host.xz/o/r.git");
    converts("git://[host.xz]:9418/o/r.git", "https://host.xz/o/r.git");
    converts("git://[::1]/o/r.git", "https://[::1]/o/r.git");
}

/// glibc's `inet_aton` (ssh, curl) refuses `0x` without digits and a final dot; the URL
/// Standard reads both as IPv4 numbers. A name ending in a number must be an address to both.
#[test]
fn hosts_inet_aton_refuses_are_not_read_as_ipv4() {
    for input in [
        "git@0x:o/r.git",
        "ssh://0X/o/r",
        "git@1.0x:o/r.git",
        "0x.0x:o/r.git",
        "ssh://0x.1/o/r",
        "git@1.2.3.4.:o/r.git",
        "git://127.1./o/r",
    ] {
        assert!(
            matches!(
                refused(input),
                url::Refusal::BadHost { .. } | url::Refusal::UnknownHost(_)
            ),
            "{input:?}"
        );
    }
    assert!(!url::is_ipv4("0x") && !url::is_ipv4("1.0x") && !url::is_ipv4("0x.0x"));
    converts("git@0x7f.1:o/r", "https://0x7f.1/o/r");
    converts("git@0x0:o/r", "https://0x0/o/r");
    converts("ssh://0x0000000001/o/r", "https://0x0000000001/o/r");
}

/// An Azure DevOps name that decodes to `.` or `..` (or holds a `/`) would be resolved or
/// split into another path by URL parsers: refused, as a literal `..` is.
#[test]
fn azure_names_that_decode_to_dot_segments_are_refused() {
    for input in [
        "git@ssh.dev.azure.com:v3/org/%2e%2e/repo",
        "git@ssh.dev.azure.com:v3/%2E%2E/proj/repo",
        "git@ssh.dev.azure.com:v3/org/proj/%2e",
        "git@ssh.dev.azure.com:v3/org/.%2e/repo",
        "ssh://git@ssh.dev.azure.com/v3/org/%252e%252e/repo",
        "git@vs-ssh.visualstudio.com:v3/org/%2e%2e/repo",
        "git@ssh.dev.azure.com:v3/org/%2f/repo",
    ] {
        assert!(
            matches!(refused(input), url::Refusal::AzurePath(_)),
            "{input:?}"
        );
    }
    converts(
        "git@ssh.dev.azure.com:v3/org/a%2eb/repo",
        "https://dev.azure.com/org/a%2eb/_git/repo",
    );
}

/// A `[` before the `@` is part of the user name ssh is given (`a[b@host`: user `a[b`), as
/// git reads it; an `xn--` label that is no punycode stays refused (no HTTPS URL names it;
/// docs/url-conversion.md).
#[test]
fn a_bracket_in_the_user_is_ssh_s_and_bad_punycode_is_refused() {
    converts("a[b@host.xz:o/r", "https://host.xz/o/r");
    converts("[git@github.com:o/r", "https://github.com/o/r");
    converts("ssh://u[@host.xz/o/r", "https://host.xz/o/r");
    assert!(matches!(
        refused("git@[host.xz:o/r"),
        url::Refusal::UnclosedBracket
    ));
    assert!(matches!(
        refused("git@xn--zz.example:o/r.git"),
        url::Refusal::BadHost { .. }
    ));
}
