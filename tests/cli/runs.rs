//! `git-https runs`: the journal's runs, a migration and its undo.

use crate::snap::{both, fixture, settings};
use crate::support::Sandbox;

#[test]
fn runs_reads_as_before() {
    let s = Sandbox::new();
    let repo = fixture(&s);
    s.run(&repo, &["migrate", "--yes"]).ok();
    s.run(&repo, &["undo", "--yes"]).ok();
    let r = s.run(&repo, &["runs"]).ok();
    let mut set = settings(&s);
    // The TIME column, in the machine's local time.
    set.add_filter(r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b", "[TIME]");
    set.bind(|| {
        insta::assert_snapshot!("runs", both(&r));
    });
}

#[test]
fn runs_shows_local_time_to_the_minute_and_json_keeps_utc() {
    let s = Sandbox::new();
    let repo = fixture(&s);
    s.run(&repo, &["migrate", "--yes"]).ok();
    // A POSIX zone nine hours east of UTC, with no DST: the table's time is the JSON's + 9h.
    let tz = [("TZ", "XST-9")];
    let json = s.run_env(&repo, &["runs", "--json"], &tz).ok();
    let time = json.json_lines()[0]["time"].as_str().unwrap().to_string();
    assert!(time.ends_with('Z') && time.contains('.'), "{time}");
    let utc = humantime::parse_rfc3339(&time).unwrap();
    let there = utc + std::time::Duration::from_secs(9 * 3600);
    let there = humantime::format_rfc3339_seconds(there).to_string();
    let expected = format!("{} {}", &there[..10], &there[11..16]);
    let r = s.run_env(&repo, &["runs"], &tz).ok();
    let header = r.stdout.lines().next().unwrap();
    assert!(
        header.contains("TIME ") && !header.contains("UTC"),
        "{header}"
    );
    let row = r.stdout.lines().nth(1).unwrap();
    assert!(
        row.contains(&format!(" {expected} ")),
        "{expected}\n{}",
        r.stdout
    );
}
