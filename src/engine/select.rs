//! Which repositories a command works on: the PATH arguments, or every repository found under
//! folders with `--recursive`.

use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::Result;

use crate::env::Env;
use crate::error::usage;
use crate::io::discover::{self, Failure};
use crate::io::repo::{self, Repo};
use crate::io::settings;

/// The selection options (the command line's, without its parser).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub paths: Vec<PathBuf>,
    pub recursive: bool,
    pub max_depth: Option<usize>,
    pub exclude: Vec<String>,
    pub bare: bool,
    pub jobs: Option<usize>,
}

/// Repositories picked by a command's PATH arguments and `--recursive` options.
pub struct Selected {
    pub repos: Vec<Repo>,
    pub failures: Vec<Failure>,
    /// The folders or repository paths, as given (absolute), for the journal.
    pub roots: Vec<PathBuf>,
}

/// Whether `e` is [`select`]'s for a current folder outside any repository (no PATH, no
/// `--recursive`): the command's hint goes with it.
pub fn outside_repository(sel: &Selection, e: &anyhow::Error) -> bool {
    sel.paths.is_empty() && !sel.recursive && e.to_string().starts_with("not a git repository")
}

pub fn select(env: &Env, sel: &Selection) -> Result<Selected> {
    let given: Vec<PathBuf> = if sel.paths.is_empty() {
        vec![env.cwd.clone()]
    } else {
        sel.paths.clone()
    };
    let mut out = Selected {
        repos: Vec::new(),
        failures: Vec::new(),
        roots: Vec::new(),
    };
    if sel.recursive {
        let mut exclude = Vec::new();
        for g in &sel.exclude {
            exclude
                .push(glob::Pattern::new(g).map_err(|e| usage(format!("--exclude {g:?}: {e}")))?);
        }
        for p in &given {
            out.roots.push(settings::existing_dir(env, p)?);
        }
        // No folder named: which one is searched is said, once.
        if sel.paths.is_empty()
            && let Some(root) = out.roots.first()
        {
            env.out
                .note(format!("searching {} (the current folder)", root.display()));
        }
        let opts = discover::Options {
            max_depth: sel.max_depth,
            exclude,
            bare: sel.bare,
            threads: super::thread_count(sel.jobs)?,
        };
        let found = discover::discover(&out.roots, &opts);
        out.repos = found.repos;
        out.failures = found.failures;
    } else {
        if sel.max_depth.is_some() || !sel.exclude.is_empty() || sel.bare {
            return Err(usage("--max-depth, --exclude and --bare need --recursive"));
        }
        for p in &given {
            let abs = env.abs(p);
            out.repos.push(repo::discover(&abs)?);
            out.roots.push(abs);
        }
    }
    // Worktrees of one repository share its config: handle it once.
    let mut seen = HashSet::new();
    out.repos.retain(|r| seen.insert(r.config.clone()));
    Ok(out)
}
