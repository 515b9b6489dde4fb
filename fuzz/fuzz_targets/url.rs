//! `core::url::parse`, `core::convert::to_https` and `core::redact::redact` on arbitrary UTF-8.
//!
//! Properties: nothing panics; a successful conversion is idempotent (converting the HTTPS
//! form again succeeds and gives the same string, with no credentials left to strip).
//!
//! Known issues can be stepped over, so that one open bug does not stop the search for others:
//! `GIT_HTTPS_FUZZ_KNOWN` names them, comma-separated (see [`KNOWN`]; `all` for every one).
//! Unset, every property is checked. `scripts/fuzz.sh` passes the variable through, records it
//! in fuzz/RESULTS.md, and replays fixtures/fuzz/regressions/ without it.
#![no_main]

use std::sync::OnceLock;

use git_https::core::convert::to_https;
use git_https::core::hosts::HostRules;
use git_https::core::redact::redact;
use git_https::core::url::{Kind, parse};
use libfuzzer_sys::fuzz_target;

/// A known issue: its id, and whether a failure (the input and the message the target would
/// panic with) is that issue. Each was found by this target; a reproducing input is in
/// fixtures/fuzz/regressions/url/.
type Known = (&'static str, fn(&str, &str) -> bool);

const KNOWN: &[Known] = &[
    // A host whose last label is numeric but that is no IPv4 address (`git@host.1:o/r`,
    // `git@0771.0.0.1:o/r`) is kept as written in the HTTPS form, which the WHATWG parser
    // then refuses: "invalid IPv4 address".
    ("numeric-host", |_, m| m.contains("invalid IPv4 address")),
    // The Azure DevOps org becomes a host label unchecked: `git@vs-ssh.visualstudio.com:
    // v3/o:1/p/r` -> `https://o:1.visualstudio.com/p/_git/r` ("invalid port number"),
    // `v3/a b/p/r` -> `https://a%20b.visualstudio.com/...` ("invalid international domain
    // name"), and an org holding `@` turns into userinfo, so the second conversion differs.
    ("azure-org-host", |s, _| {
        s.to_ascii_lowercase().contains("vs-ssh.visualstudio.com")
    }),
    // Any other host with bytes no domain may hold.
    ("bad-host-chars", |_, m| {
        m.contains("invalid international domain name") || m.contains("invalid domain character")
    }),
    // http(s) inputs: the userinfo is found by one reading of the authority (WHATWG, `url`)
    // and stripped by another (`strip_userinfo`, curl's), so `http://u:pw@h.xz/x://y` and
    // `https:////u:pw@h.xz/o/r` keep their password, the second conversion differs, or (for
    // `http://g\it@` and a tab) the HTTPS form has no host.
    ("http-authority", |s, _| {
        matches!(parse(s).map(|p| p.kind), Ok(Kind::Http | Kind::Https))
    }),
];

fn known(input: &str, failure: &str) -> bool {
    static ON: OnceLock<Vec<String>> = OnceLock::new();
    let on = ON.get_or_init(|| {
        std::env::var("GIT_HTTPS_FUZZ_KNOWN")
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    });
    KNOWN
        .iter()
        .any(|(id, is)| on.iter().any(|o| o == id || o == "all") && is(input, failure))
}

/// The properties; `Err` is the failure, as the panic would word it.
fn check(s: &str) -> Result<(), String> {
    let _ = parse(s);
    let _ = redact(s);
    let rules = HostRules::default();
    let Ok(c) = to_https(s, &rules) else {
        return Ok(());
    };
    let _ = redact(&c.https);
    match to_https(&c.https, &rules) {
        Ok(again) if again.https != c.https => Err(format!(
            "not idempotent: {s:?} -> {:?} -> {:?}",
            c.https, again.https
        )),
        Ok(again) if again.stripped_credentials => Err(format!(
            "credentials left in the HTTPS form of {s:?}: {:?}",
            c.https
        )),
        Ok(_) => Ok(()),
        Err(e) => Err(format!(
            "the HTTPS form of {s:?} does not convert again: {:?}: {e:?}",
            c.https
        )),
    }
}

fuzz_target!(|s: &str| {
    if let Err(failure) = check(s) {
        if !known(s, &failure) {
            panic!("{failure}");
        }
    }
});
