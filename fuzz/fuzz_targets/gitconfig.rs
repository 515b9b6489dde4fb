//! `core::gitconfig::parse` and `core::gitconfig::rewrite` on arbitrary bytes.
//!
//! Properties: nothing panics; for a file that parses, a rewrite with no edits gives the same
//! bytes; rewriting one URL-valued entry (`url`, `pushurl`, `insteadof`, `pushinsteadof`) to a
//! fixed value gives a file that parses, with that value at that entry and every other entry
//! (section, subsection, name, value) as it was.
#![no_main]

use git_https::core::gitconfig::{Entry, parse, rewrite};
use libfuzzer_sys::fuzz_target;

/// A plain URL, and one that needs every kind of quoting and escaping `format_pair` does.
const VALUES: &[&str] = &[
    "https://example.com/owner/repo.git",
    " https://h/a b#c;d \"q\" \\back\\ tab\there\nnl ",
];

/// Entries checked per input, so a file with thousands of URLs stays fast.
const MAX_EDITS: usize = 4;

fn shape(e: &Entry) -> (&str, Option<&str>, &str, Option<&str>) {
    (
        &e.section,
        e.subsection.as_deref(),
        &e.name,
        e.value.as_deref(),
    )
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(entries) = parse(bytes) else { return };
    assert_eq!(
        rewrite(bytes, &entries, &[]),
        bytes,
        "a rewrite with no edits changed the file"
    );
    let url_valued = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.value.is_some()
                && matches!(
                    e.name.as_str(),
                    "url" | "pushurl" | "insteadof" | "pushinsteadof"
                )
        })
        .map(|(i, _)| i)
        .take(MAX_EDITS);
    for i in url_valued {
        for &value in VALUES {
            let out = rewrite(bytes, &entries, &[(i, value)]);
            let again = match parse(&out) {
                Ok(e) => e,
                Err(err) => panic!(
                    "rewriting entry {i} to {value:?} gives a file that does not parse: {err}\n\
                     before: {:?}\nafter: {:?}",
                    String::from_utf8_lossy(bytes),
                    String::from_utf8_lossy(&out)
                ),
            };
            assert_eq!(
                again.len(),
                entries.len(),
                "entry count changed after rewriting entry {i}\nbefore: {:?}\nafter: {:?}",
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(&out)
            );
            for (j, (old, new)) in entries.iter().zip(&again).enumerate() {
                if j == i {
                    assert_eq!(
                        new.value.as_deref(),
                        Some(value),
                        "rewritten value does not read back\nbefore: {:?}\nafter: {:?}",
                        String::from_utf8_lossy(bytes),
                        String::from_utf8_lossy(&out)
                    );
                    assert_eq!(
                        (&new.section, &new.subsection, &new.name),
                        (&old.section, &old.subsection, &old.name),
                        "rewritten entry changed its key"
                    );
                } else {
                    assert_eq!(
                        shape(new),
                        shape(old),
                        "entry {j} changed when rewriting entry {i}\nbefore: {:?}\nafter: {:?}",
                        String::from_utf8_lossy(bytes),
                        String::from_utf8_lossy(&out)
                    );
                }
            }
        }
    }
});
