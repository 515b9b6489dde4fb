//! The journal reader: the input is written as the only run file of a journal, then read with
//! `Journal::load` and `Journal::runs`.
//!
//! Properties: nothing panics (errors are fine); `runs()` agrees with `load()`: a run that
//! loads is listed, one that does not is reported as a bad file.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use git_https::io::journal::Journal;
use libfuzzer_sys::fuzz_target;

const ID: &str = "20260101000000000-abcd";

/// One state dir for the whole process, under `$GIT_HTTPS_FUZZ_TMPDIR` (scripts/fuzz.sh sets it
/// and removes it afterwards), else /dev/shm where it exists (in memory: no disk writes per
/// run), else the system temp dir. libFuzzer exits without unwinding, so the dir is kept
/// rather than left to a `TempDir` that would never be dropped.
fn state_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = match std::env::var_os("GIT_HTTPS_FUZZ_TMPDIR") {
            Some(d) => PathBuf::from(d),
            None if Path::new("/dev/shm").is_dir() => PathBuf::from("/dev/shm"),
            None => std::env::temp_dir(),
        };
        let path = tempfile::Builder::new()
            .prefix("git-https-fuzz-journal-")
            .tempdir_in(&base)
            .expect("temp dir")
            .keep();
        std::fs::create_dir_all(path.join("runs")).expect("runs dir");
        path
    })
}

fuzz_target!(|bytes: &[u8]| {
    let dir = state_dir();
    let file = dir.join("runs").join(format!("{ID}.jsonl"));
    std::fs::write(&file, bytes).expect("write run file");
    let journal = Journal::new(dir);
    let loaded = journal.load(ID);
    if let Ok(run) = &loaded {
        // What `runs`/`undo` derive from a loaded run (argument-free, so the target follows
        // the API as it changes).
        let _ = (run.fully_undone(), run.repos(), run.by_file());
    }
    let (runs, bad) = journal.runs().expect("the runs dir exists");
    match &loaded {
        Ok(run) => {
            assert_eq!(
                (runs.len(), bad.len()),
                (1, 0),
                "load ok but runs() disagrees"
            );
            assert_eq!(runs[0].id, run.id);
            assert_eq!(runs[0].changes, run.changes);
        }
        Err(_) => assert_eq!(
            (runs.len(), bad.len()),
            (0, 1),
            "load failed but runs() disagrees"
        ),
    }
});
