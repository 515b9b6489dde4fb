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
use git_https::core::url::parse;
use libfuzzer_sys::fuzz_target;

/// A known issue: its id, and whether a failure (the input and the message the target would
/// panic with) is that issue. Each was found by this target; reproducing inputs are in
/// fixtures/fuzz/regressions/url/. Fixed issues are dropped from the list (their inputs stay
/// in the regressions): `numeric-host` (`git@host.1:o/r`), `azure-org-host`
/// (`git@vs-ssh.visualstudio.com:v3/o:1/p/r`) and `http-authority` (`https:////u:pw@h.xz/o/r`),
/// fixed in 05123ee; `bad-host-chars` (invalid punycode, `git@xn--e.:o/r`), fixed in 4b0436c.
type Known = (&'static str, fn(&str, &str) -> bool);

const KNOWN: &[Known] = &[
    // None open. Add an entry as `("id", |input, message| ...)`, e.g. when this target found
    // `numeric-host`: `("numeric-host", |_, m| m.contains("invalid IPv4 address"))`.
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
