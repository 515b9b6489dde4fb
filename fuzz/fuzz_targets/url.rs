//! `core::url::parse`, `core::convert::to_https` and `core::redact::redact` on arbitrary UTF-8.
//!
//! Properties: nothing panics; a successful conversion is idempotent (converting the HTTPS
//! form again succeeds and gives the same string, with no credentials left to strip).
//!
//! Known issues can be stepped over, so that one open bug does not stop the search for others:
//! `GIT_HTTPS_FUZZ_KNOWN` names them, comma-separated (see [`KNOWN`]). Unset, every property is
//! checked. `scripts/fuzz.sh` passes the variable through and records it in fuzz/RESULTS.md.
#![no_main]

use std::sync::OnceLock;

use git_https::core::convert::to_https;
use git_https::core::hosts::HostRules;
use git_https::core::redact::redact;
use git_https::core::url::parse;
use libfuzzer_sys::fuzz_target;

/// The known issues this target can step over: an id, and whether a failed re-conversion
/// (its error's `Debug` text) is that issue.
const KNOWN: &[(&str, fn(&str) -> bool)] = &[
    // An scp-like or ssh:// host whose last label is numeric but that is no IPv4 address
    // (`U@0771.0.0.1:o/r`, `999.1.1.1:o/r`, `user.name@tx7f.1:r`) is kept as written in the
    // HTTPS form, which the WHATWG parser then refuses ("invalid IPv4 address").
    ("numeric-host", |e| e.contains("invalid IPv4 address")),
];

fn known(error: &str) -> bool {
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
        .any(|(id, is)| on.iter().any(|o| o == id) && is(error))
}

fuzz_target!(|s: &str| {
    let _ = parse(s);
    let _ = redact(s);
    let rules = HostRules::default();
    if let Ok(c) = to_https(s, &rules) {
        let _ = redact(&c.https);
        match to_https(&c.https, &rules) {
            Ok(again) => {
                assert_eq!(
                    again.https, c.https,
                    "not idempotent: {s:?} -> {:?} -> {:?}",
                    c.https, again.https
                );
                assert!(
                    !again.stripped_credentials,
                    "credentials left in the HTTPS form of {s:?}: {:?}",
                    c.https
                );
            }
            Err(e) if known(&format!("{e:?}")) => {}
            Err(e) => panic!(
                "the HTTPS form of {s:?} does not convert again: {:?}: {e:?}",
                c.https
            ),
        }
    }
});
