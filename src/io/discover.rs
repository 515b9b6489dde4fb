//! Walking folders for repositories, in parallel: a `.git` directory or file (worktrees and
//! submodules) marks one, bare repositories count with `--bare`; `.git` itself and the usual
//! dependency and build folders are not entered; symlinks are not followed, so there are no loops.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use crate::io::repo::{self, Repo};

/// Folders skipped by default: dependency caches and build output, never checkouts of one's own.
pub const DEFAULT_SKIP: &[&str] = &[
    "node_modules",
    "target",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".gradle",
    ".terraform",
    "bower_components",
];

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub max_depth: Option<usize>,
    pub exclude: Vec<glob::Pattern>,
    pub bare: bool,
    pub threads: usize,
}

/// A place that could not be read or resolved, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub path: PathBuf,
    pub error: String,
}

impl Failure {
    /// One line naming the place: the error alone when it already names it.
    pub fn line(&self) -> String {
        let path = self.path.display().to_string();
        if self.error.contains(&path) {
            self.error.clone()
        } else {
            format!("{path}: {}", self.error)
        }
    }
}

#[derive(Debug, Default)]
pub struct Found {
    pub repos: Vec<Repo>,
    pub failures: Vec<Failure>,
}

fn excluded(opts: &Options, path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy());
    opts.exclude
        .iter()
        .any(|p| p.matches_path(path) || name.as_deref().is_some_and(|n| p.matches(n)))
}

/// Every repository under `roots`, sorted by path.
pub fn discover(roots: &[PathBuf], opts: &Options) -> Found {
    let Some((first, rest)) = roots.split_first() else {
        return Found::default();
    };
    let mut builder = WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    let skip_opts = opts.clone();
    builder
        .standard_filters(false)
        .hidden(false)
        .follow_links(false)
        .max_depth(opts.max_depth.map(|d| d + 1))
        .threads(opts.threads)
        .filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            let name = e.file_name().to_string_lossy();
            let skipped = is_dir && e.depth() > 0 && DEFAULT_SKIP.contains(&name.as_ref());
            !skipped && !excluded(&skip_opts, e.path())
        });
    let found = Mutex::new(Found::default());
    builder.build_parallel().run(|| {
        let found = &found;
        let bare = opts.bare;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let path = err_path(&err).unwrap_or_default();
                    found
                        .lock()
                        .expect("no panics under the lock")
                        .failures
                        .push(Failure {
                            path,
                            error: io_reason(&err),
                        });
                    return WalkState::Continue;
                }
            };
            let ft = entry.file_type();
            if entry.file_name() == ".git" && ft.is_some_and(|t| t.is_dir() || t.is_file()) {
                let result = repo::from_dotgit(entry.path(), ft.is_some_and(|t| t.is_dir()));
                let mut f = found.lock().expect("no panics under the lock");
                match result {
                    Ok(r) => f.repos.push(r),
                    Err(e) => f.failures.push(Failure {
                        path: entry.path().to_path_buf(),
                        error: format!("{e:#}"),
                    }),
                }
                return WalkState::Skip;
            }
            if bare && ft.is_some_and(|t| t.is_dir()) && repo::is_git_dir(entry.path()) {
                if let Ok(r) = repo::from_git_dir(None, entry.path().to_path_buf()) {
                    found
                        .lock()
                        .expect("no panics under the lock")
                        .repos
                        .push(r);
                }
                return WalkState::Skip;
            }
            WalkState::Continue
        })
    });
    let mut found = found.into_inner().expect("no panics under the lock");
    found.repos.sort_by(|a, b| a.root.cmp(&b.root));
    found.failures.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        _ => None,
    }
}

fn io_reason(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => io_reason(err),
        ignore::Error::Io(e) => e.to_string(),
        other => other.to_string(),
    }
}
