//! The journal: one JSON-lines file per run under the XDG state dir. A run's changes are
//! written and synced **before** any config is touched, so an undo (or a rerun) can finish
//! whatever a killed run left.
//!
//! Records (`type` field): `run` (header), `change` (one per value), `applying` (the plan was
//! confirmed), `result` (one per file after applying), `end` (a run that finished), `undone`
//! (a later undo, whole or per repo). A run without `applying` changed nothing: its process
//! was killed while planning.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result, anyhow};
use serde::{Deserialize, Serialize};

use crate::core::change::{Edit, FileEdits, FileKind, Op};
use crate::core::redact::redact;
use crate::io::platform;

pub const VERSION: u32 = 1;

/// A run's file, never through a symlink planted at its path (nor a FIFO there): git-https
/// made it itself, so anything else is refused before a run is read, undone or appended to.
fn open_run(path: &Path) -> std::io::Result<fs::File> {
    match platform::open_read_nofollow(path)? {
        Some(f) => {
            let t = f.metadata()?.file_type();
            if t.is_file() {
                Ok(f)
            } else {
                Err(platform::not_regular(t))
            }
        }
        None => Err(platform::symlink_refused()),
    }
}

/// A path as the journal keeps it: a JSON string when it is UTF-8 (every common path), else
/// `{"bytes": [...]}`, so a folder whose name is not UTF-8 is found again exactly — never a
/// sibling whose name is its lossy form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StoredPath(pub PathBuf);

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum PathRepr {
    Text(String),
    Bytes { bytes: Vec<u8> },
}

impl Serialize for StoredPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.to_str() {
            Some(t) => PathRepr::Text(t.to_string()),
            None => PathRepr::Bytes {
                bytes: platform::os_str_bytes(self.0.as_os_str()).into_owned(),
            },
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for StoredPath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<StoredPath, D::Error> {
        Ok(StoredPath(match PathRepr::deserialize(d)? {
            PathRepr::Text(t) => PathBuf::from(t),
            PathRepr::Bytes { bytes } => PathBuf::from(
                platform::os_string_from_bytes(bytes)
                    .ok_or_else(|| serde::de::Error::custom("not a path's bytes"))?,
            ),
        }))
    }
}

impl From<&Path> for StoredPath {
    fn from(p: &Path) -> StoredPath {
        StoredPath(p.to_path_buf())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Record {
    Run {
        run: String,
        time: String,
        command: String,
        paths: Vec<StoredPath>,
        version: u32,
        /// For an undo run: the run it reverts.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reverts: Option<String>,
    },
    Change(ChangeRecord),
    /// The plan above was confirmed; configs are touched only after this record is synced.
    Applying {
        time: String,
    },
    Result {
        repo: StoredPath,
        file: StoredPath,
        ok: bool,
        /// Values written to the file.
        #[serde(default, skip_serializing_if = "is_zero")]
        written: usize,
        /// The file's edits (by position among its `change` records) that found their new
        /// value already there — another run or a hand edit made it: this run wrote none of
        /// them, and an undo of it leaves them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        already: Vec<usize>,
        /// Not reached: Ctrl-C or SIGTERM came first (nothing was changed).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        interrupted: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    End {
        time: String,
        changed: usize,
        failed: usize,
        /// Files not reached because of Ctrl-C or SIGTERM.
        #[serde(default, skip_serializing_if = "is_zero")]
        interrupted: usize,
    },
    Undone {
        time: String,
        by: String,
        /// `None`: the whole run; else just this repository.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        repo: Option<StoredPath>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRecord {
    pub run: String,
    pub time: String,
    pub repo: StoredPath,
    pub file: StoredPath,
    pub file_kind: FileKind,
    pub key: String,
    #[serde(flatten)]
    pub edit: Edit,
    /// The old value held credentials and was stored redacted: it cannot be restored.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub redacted: bool,
    /// Read back from the file's `result`, never stored here: the run found the value
    /// already new and did not write it.
    #[serde(skip)]
    pub already: bool,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl ChangeRecord {
    /// The record of one planned edit. An old value that holds a secret is kept redacted (it
    /// cannot be restored, and the journal never holds a secret).
    pub fn new(run: &str, time: &str, file: &FileEdits, edit: &Edit) -> ChangeRecord {
        let old = redact(&edit.old);
        ChangeRecord {
            run: run.to_string(),
            time: time.to_string(),
            repo: StoredPath(file.repo.clone()),
            file: StoredPath(file.path.clone()),
            file_kind: file.kind,
            key: edit.key.to_string(),
            redacted: old != edit.old,
            already: false,
            edit: Edit {
                old,
                new: redact(&edit.new),
                ..edit.clone()
            },
        }
    }
}

pub fn now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// A new run id: sortable by time, unique per process.
pub fn new_run_id() -> String {
    let t = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let stamp = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    let compact: String = stamp.chars().filter(|c| c.is_ascii_digit()).collect();
    format!(
        "{}-{:04x}",
        &compact[..compact.len().min(17)],
        (t.subsec_nanos() ^ std::process::id()) & 0xffff
    )
}

pub struct Journal {
    dir: PathBuf,
}

/// A run being written. Dropped without [`RunWriter::keep`], its file is deleted: a plan that
/// was never confirmed is not a run.
pub struct RunWriter {
    pub id: String,
    out: BufWriter<fs::File>,
    path: PathBuf,
    keep: bool,
}

impl Drop for RunWriter {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_file(&self.path);
        }
    }
}

impl RunWriter {
    pub fn record(&mut self, r: &Record) -> Result<()> {
        serde_json::to_writer(&mut self.out, r)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    /// The run's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// From now on the run stays in the journal.
    pub fn keep(&mut self) {
        self.keep = true;
    }

    /// Flushes and syncs: after this the records survive a crash. Returns the file's length.
    pub fn sync(&mut self) -> Result<u64> {
        self.out.flush()?;
        let f = self.out.get_ref();
        f.sync_data()?;
        Ok(f.metadata()?.len())
    }
}

/// A run read back.
#[derive(Debug, Clone)]
pub struct Run {
    pub id: String,
    pub time: String,
    pub command: String,
    pub paths: Vec<PathBuf>,
    pub reverts: Option<String>,
    pub changes: Vec<ChangeRecord>,
    /// Files the run could not change (so there is nothing there to undo).
    pub failed_files: Vec<PathBuf>,
    pub failed: usize,
    /// Whether configs may have been touched (the plan was confirmed).
    pub applying: bool,
    pub finished: bool,
    /// Values written, from the `end` record.
    pub written: Option<usize>,
    /// Files not reached (Ctrl-C, SIGTERM), from the `end` record.
    pub interrupted: usize,
    /// Files not reached, from the result records (also without an `end`).
    pub not_reached: usize,
    /// Values written, from the result records (also without an `end`).
    pub written_results: usize,
    /// Repositories undone one by one, or `None` in the set for the whole run.
    pub undone: Vec<Option<PathBuf>>,
}

impl Run {
    /// The changes the run wrote, once applying: not those it found already new, nor those in
    /// a file it failed on or never reached. A killed run's files without a result count as
    /// written (undo checks what is there).
    pub fn written_changes(&self) -> impl Iterator<Item = &ChangeRecord> {
        self.changes
            .iter()
            .filter(|c| !c.already && !self.failed_files.contains(&c.file.0))
    }

    /// Whether the run wrote nothing: never confirmed, or every value it planned failed, was
    /// not reached, or was already there (another run, running at the same time, wrote it).
    pub fn wrote_nothing(&self) -> bool {
        !self.applying || self.written_changes().next().is_none()
    }

    pub fn fully_undone(&self) -> bool {
        self.undone.iter().any(Option::is_none)
            || (self.written_changes().next().is_some()
                && self
                    .written_changes()
                    .all(|c| self.undone.contains(&Some(c.repo.0.clone()))))
    }

    pub fn repo_undone(&self, repo: &Path) -> bool {
        self.undone
            .iter()
            .any(|u| u.as_deref().is_none_or(|r| r == repo))
    }

    /// Changes an undo could still restore: written by the run, not redacted, in
    /// repositories not undone yet.
    pub fn restorable(&self) -> usize {
        self.written_changes()
            .filter(|c| !c.redacted && !self.repo_undone(&c.repo.0))
            .count()
    }

    pub fn repos(&self) -> usize {
        let mut r: Vec<&Path> = self.changes.iter().map(|c| c.repo.0.as_path()).collect();
        r.sort_unstable();
        r.dedup();
        r.len()
    }

    /// Changes grouped by file, in journal order.
    pub fn by_file(&self) -> BTreeMap<(PathBuf, PathBuf), Vec<&ChangeRecord>> {
        let mut m: BTreeMap<(PathBuf, PathBuf), Vec<&ChangeRecord>> = BTreeMap::new();
        for c in &self.changes {
            m.entry((c.repo.0.clone(), c.file.0.clone()))
                .or_default()
                .push(c);
        }
        m
    }
}

impl Journal {
    pub fn new(state_dir: &Path) -> Journal {
        Journal {
            dir: state_dir.join("runs"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.jsonl"))
    }

    /// Starts a run: creates its file (0600; the journal names every repository).
    pub fn begin(
        &self,
        command: &str,
        paths: &[PathBuf],
        reverts: Option<&str>,
    ) -> Result<RunWriter> {
        fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create journal dir {}", self.dir.display()))?;
        let id = new_run_id();
        let path = self.path(&id);
        let f = platform::create_mode(fs::OpenOptions::new().create_new(true).append(true), 0o600)
            .open(&path)
            .with_context(|| format!("cannot create journal {}", path.display()))?;
        let mut w = RunWriter {
            id: id.clone(),
            out: BufWriter::new(f),
            path,
            keep: false,
        };
        w.record(&Record::Run {
            run: id,
            time: now(),
            command: command.to_string(),
            paths: paths.iter().map(|p| StoredPath(p.clone())).collect(),
            version: VERSION,
            reverts: reverts.map(str::to_string),
        })?;
        Ok(w)
    }

    /// Appends one record to an existing run's file. A torn last line (a kill mid-write) is
    /// cut off first, so no record is ever glued to it.
    pub fn append(&self, id: &str, r: &Record) -> Result<()> {
        let path = self.path(id);
        // Never through a link planted at a run's path: its target would be cut and appended to.
        let mut f = platform::open_own_rw(&path)
            .with_context(|| format!("cannot open journal {}", path.display()))?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut bytes)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            f.set_len(keep as u64)?;
        }
        std::io::Seek::seek(&mut f, std::io::SeekFrom::End(0))?;
        let mut line = serde_json::to_vec(r)?;
        line.push(b'\n');
        f.write_all(&line)?;
        f.sync_data()?;
        Ok(())
    }

    /// The changes of run `id` within its first `len` bytes, grouped per file in the order
    /// they were planned (a file's changes are written together), read lazily.
    pub fn read_plan(
        &self,
        id: &str,
        len: u64,
    ) -> Result<impl Iterator<Item = Result<FileEdits>> + use<>> {
        let path = self.path(id);
        let f =
            open_run(&path).with_context(|| format!("cannot read journal {}", path.display()))?;
        let mut lines = std::io::BufReader::new(std::io::Read::take(f, len)).lines();
        let mut pending: Option<FileEdits> = None;
        Ok(std::iter::from_fn(move || {
            loop {
                let Some(line) = lines.next() else {
                    return pending.take().map(Ok);
                };
                let rec = match line
                    .map_err(anyhow::Error::from)
                    .and_then(|l| Ok(serde_json::from_str::<Record>(&l)?))
                {
                    Ok(Record::Change(c)) => c,
                    Ok(_) => continue,
                    Err(e) => {
                        return Some(Err(e.context(format!("bad record in {}", path.display()))));
                    }
                };
                match &mut pending {
                    Some(p) if p.path == rec.file.0 => p.edits.push(rec.edit),
                    _ => {
                        let next = FileEdits {
                            repo: rec.repo.0,
                            kind: rec.file_kind,
                            path: rec.file.0,
                            edits: vec![rec.edit],
                        };
                        if let Some(done) = pending.replace(next) {
                            return Some(Ok(done));
                        }
                    }
                }
            }
        }))
    }

    pub fn load(&self, id: &str) -> Result<Run> {
        // A run id names a file in the runs folder, nothing else.
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(anyhow!(
                "{:?} is not a run id (`git-https runs` lists them)",
                crate::core::redact::printable(id)
            ));
        }
        let path = self.path(id);
        let f = match open_run(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(anyhow!(
                    "no run {id:?} in the journal ({})",
                    self.dir.display()
                ));
            }
            Err(e) => return Err(anyhow!("cannot read journal {}: {e}", path.display())),
        };
        let mut run = Run {
            id: id.to_string(),
            time: String::new(),
            command: String::new(),
            paths: Vec::new(),
            reverts: None,
            changes: Vec::new(),
            failed_files: Vec::new(),
            failed: 0,
            applying: false,
            finished: false,
            written: None,
            interrupted: 0,
            not_reached: 0,
            written_results: 0,
            undone: Vec::new(),
        };
        // Each file's change records (written together) and whether its result came, so a
        // `result` finds the edits it speaks of.
        let mut files: Vec<(PathBuf, Range<usize>, bool)> = Vec::new();
        let mut lines = std::io::BufReader::new(f).lines().enumerate().peekable();
        while let Some((n, line)) = lines.next() {
            let line = line.with_context(|| format!("cannot read {}", path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let rec = match serde_json::from_str::<Record>(&line) {
                Ok(rec) => rec,
                Err(_) if n == 0 => {
                    return Err(anyhow!("{}: not a git-https journal", path.display()));
                }
                // A kill can leave the last line cut short; everything before it is good.
                Err(_) if lines.peek().is_none() => break,
                Err(e) => {
                    return Err(anyhow!(
                        "{}: line {} is not a journal record ({e})",
                        path.display(),
                        n + 1
                    ));
                }
            };
            match rec {
                Record::Run {
                    time,
                    command,
                    paths,
                    reverts,
                    ..
                } => {
                    run.time = time;
                    run.command = command;
                    run.paths = paths.into_iter().map(|p| p.0).collect();
                    run.reverts = reverts;
                }
                Record::Change(c) => {
                    let at = run.changes.len();
                    match files.last_mut() {
                        Some((file, range, _)) if *file == c.file.0 => range.end = at + 1,
                        _ => files.push((c.file.0.clone(), at..at + 1, false)),
                    }
                    run.changes.push(c);
                }
                Record::Result {
                    ok: false,
                    file,
                    interrupted,
                    ..
                } => {
                    if interrupted {
                        run.not_reached += 1;
                    } else {
                        run.failed += 1;
                    }
                    result_for(&mut files, &file.0);
                    run.failed_files.push(file.0);
                }
                Record::Result {
                    file,
                    written,
                    already,
                    ..
                } => {
                    run.written_results += written;
                    if let Some(range) = result_for(&mut files, &file.0) {
                        mark_already(&mut run.changes[range], written, &already);
                    }
                }
                Record::Applying { .. } => run.applying = true,
                Record::End {
                    changed,
                    interrupted,
                    ..
                } => {
                    run.finished = true;
                    run.written = Some(changed);
                    run.interrupted = interrupted;
                }
                Record::Undone { repo, .. } => run.undone.push(repo.map(|r| r.0)),
            }
        }
        if run.command.is_empty() {
            return Err(anyhow!(
                "{}: not a git-https journal (no header)",
                path.display()
            ));
        }
        Ok(run)
    }

    /// Every run that reads back, oldest first, and a line for each file that does not.
    pub fn runs(&self) -> Result<(Vec<Run>, Vec<String>)> {
        let mut ids: Vec<String> = match fs::read_dir(&self.dir) {
            Ok(rd) => rd
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    e.file_name()
                        .to_str()?
                        .strip_suffix(".jsonl")
                        .map(str::to_string)
                })
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                return Err(anyhow!(
                    "cannot read journal dir {}: {e}",
                    self.dir.display()
                ));
            }
        };
        ids.sort();
        let mut runs = Vec::with_capacity(ids.len());
        let mut bad = Vec::new();
        for id in &ids {
            match self.load(id) {
                Ok(r) => runs.push(r),
                Err(e) => bad.push(format!("{e:#}; skipped")),
            }
        }
        Ok((runs, bad))
    }
}

/// The changes of `file` whose result has not come yet (marked as come now).
fn result_for(files: &mut [(PathBuf, Range<usize>, bool)], file: &Path) -> Option<Range<usize>> {
    let (_, range, done) = files.iter_mut().find(|(f, _, done)| f == file && !done)?;
    *done = true;
    Some(range.clone())
}

/// Marks the changes of one file that its run found already done: those its result names,
/// or — in a journal from before results named them — every one when the file had only
/// values to set and none was written (a file is written whole or not at all).
fn mark_already(changes: &mut [ChangeRecord], written: usize, already: &[usize]) {
    if already.is_empty() && written == 0 && changes.iter().all(|c| c.edit.op == Op::Set) {
        changes.iter_mut().for_each(|c| c.already = true);
    }
    for &i in already {
        if let Some(c) = changes.get_mut(i) {
            c.already = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(run: &str, repo: &str) -> Record {
        Record::Change(ChangeRecord {
            run: run.into(),
            time: now(),
            repo: StoredPath(repo.into()),
            file: StoredPath(format!("{repo}/.git/config").into()),
            file_kind: FileKind::Config,
            key: "remote.origin.url".into(),
            edit: Edit {
                key: crate::core::change::ConfigKey::new("remote", Some("origin"), "url"),
                index: 0,
                old: "git@h:o/r".into(),
                new: "https://h/o/r".into(),
                op: crate::core::change::Op::Set,
            },
            redacted: false,
            already: false,
        })
    }

    #[test]
    fn round_trip_and_undone_state() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path());
        let mut w = j.begin("migrate", &[PathBuf::from("/x")], None).unwrap();
        w.keep();
        let id = w.id.clone();
        w.record(&change(&id, "/a")).unwrap();
        w.record(&change(&id, "/b")).unwrap();
        w.sync().unwrap();
        drop(w);
        let run = j.load(&id).unwrap();
        assert_eq!(run.changes.len(), 2);
        assert!(!run.finished);
        j.append(
            &id,
            &Record::Undone {
                time: now(),
                by: "u".into(),
                repo: Some(StoredPath("/a".into())),
            },
        )
        .unwrap();
        let run = j.load(&id).unwrap();
        assert!(
            run.repo_undone(Path::new("/a"))
                && !run.repo_undone(Path::new("/b"))
                && !run.fully_undone()
        );
        j.append(
            &id,
            &Record::Undone {
                time: now(),
                by: "u".into(),
                repo: Some(StoredPath("/b".into())),
            },
        )
        .unwrap();
        assert!(j.load(&id).unwrap().fully_undone());
        assert_eq!(j.runs().unwrap().0.len(), 1);
    }

    #[test]
    fn an_unconfirmed_plan_leaves_no_run_and_a_plan_reads_back_per_file() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path());
        let w = j.begin("migrate", &[], None).unwrap();
        drop(w);
        assert!(j.runs().unwrap().0.is_empty());
        let mut w = j.begin("migrate", &[], None).unwrap();
        w.keep();
        let id = w.id.clone();
        for repo in ["/a", "/a", "/b"] {
            w.record(&change(&id, repo)).unwrap();
        }
        let len = w.sync().unwrap();
        w.record(&Record::End {
            time: now(),
            changed: 3,
            failed: 0,
            interrupted: 0,
        })
        .unwrap();
        w.sync().unwrap();
        let files: Vec<FileEdits> = j
            .read_plan(&id, len)
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!((files[0].edits.len(), files[1].edits.len()), (2, 1));
        assert_eq!(files[1].path, PathBuf::from("/b/.git/config"));
    }

    #[test]
    fn values_a_run_found_already_new_are_not_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path());
        let result = |repo: &str, written: usize, already: Vec<usize>| Record::Result {
            repo: StoredPath(repo.into()),
            file: StoredPath(format!("{repo}/.git/config").into()),
            ok: true,
            written,
            already,
            interrupted: false,
            error: None,
        };
        let mut w = j.begin("migrate", &[], None).unwrap();
        w.keep();
        let id = w.id.clone();
        for repo in ["/a", "/a", "/b", "/c"] {
            w.record(&change(&id, repo)).unwrap();
        }
        w.record(&Record::Applying { time: now() }).unwrap();
        // /a: its second value was already new; /b: a journal from before results named
        // them, nothing written; /c: no result (killed): it may have been written.
        w.record(&result("/a", 1, vec![1])).unwrap();
        w.record(&result("/b", 0, vec![])).unwrap();
        w.sync().unwrap();
        drop(w);
        let run = j.load(&id).unwrap();
        let already: Vec<bool> = run.changes.iter().map(|c| c.already).collect();
        assert_eq!(already, [false, true, true, false]);
        assert_eq!(run.restorable(), 2);
        assert!(!run.wrote_nothing());
        // Nothing written anywhere: never a run to undo.
        let mut w = j.begin("migrate", &[], None).unwrap();
        w.keep();
        let id = w.id.clone();
        w.record(&change(&id, "/a")).unwrap();
        w.record(&Record::Applying { time: now() }).unwrap();
        w.record(&result("/a", 0, vec![0])).unwrap();
        w.sync().unwrap();
        drop(w);
        let run = j.load(&id).unwrap();
        assert!(run.wrote_nothing() && run.restorable() == 0 && !run.fully_undone());
        let text = fs::read_to_string(j.path(&id)).unwrap();
        assert!(text.contains("\"already\":[0]"), "{text}");
    }

    #[test]
    fn a_torn_last_line_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path());
        let mut w = j.begin("migrate", &[], None).unwrap();
        w.keep();
        let id = w.id.clone();
        w.record(&change(&id, "/a")).unwrap();
        w.sync().unwrap();
        drop(w);
        let mut f = fs::OpenOptions::new()
            .append(true)
            .open(j.path(&id))
            .unwrap();
        f.write_all(b"{\"type\":\"change\",\"ru").unwrap();
        assert_eq!(j.load(&id).unwrap().changes.len(), 1);
    }
}
