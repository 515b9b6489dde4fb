//! observe → plan → apply for a set of repositories, in parallel; shared by `status`,
//! `migrate` and `undo`, for one repository or ten thousand.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use rayon::prelude::*;

use crate::cli::Selection;
use crate::discover::{self, Failure};
use crate::env::Env;
use crate::error::usage;
use crate::hosts::HostRules;
use crate::insteadof::{Rewrites, Rule};
use crate::journal::Record;
use crate::plan::{self, FileKind, RepoPlan};
use crate::repo::{self, ApplyError, Edit, Repo};
use crate::settings;

/// Repositories picked by a command's PATH arguments and `--recursive` options.
pub struct Selected {
    pub repos: Vec<Repo>,
    pub failures: Vec<Failure>,
    /// The folders or repository paths, as given (absolute), for the journal.
    pub roots: Vec<PathBuf>,
}

/// The worker threads of one command, made once and used by every batch.
pub struct Workers(Option<rayon::ThreadPool>);

impl Workers {
    pub fn new(threads: usize) -> Workers {
        Workers(
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .ok(),
        )
    }

    fn run<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match &self.0 {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }
}

pub fn thread_count(jobs: Option<usize>) -> usize {
    jobs.filter(|&j| j > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
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
        let opts = discover::Options {
            max_depth: sel.max_depth,
            exclude,
            bare: sel.bare,
            threads: thread_count(sel.jobs),
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

/// Settings every repository's plan needs.
pub struct Ctx {
    pub hosts: HostRules,
    pub global_rules: Vec<Rule>,
    pub opts: plan::Options,
}

/// One repository read and planned.
pub struct Observed {
    pub repo: Repo,
    pub plan: RepoPlan,
    pub rewrites: Rewrites,
}

/// Repositories planned (and files applied) per batch: memory stays flat however many
/// repositories a run has.
pub const BATCH: usize = 512;

/// Plans every repository, batch by batch, and hands each to `visit` in order: `Ok` for a
/// planned repository, `Err` for one that could not be read. With one repository (not
/// `recursive`) that failure, or a `remote` it does not have, is the command's error instead.
pub fn for_each_planned(
    repos: Vec<Repo>,
    ctx: &Ctx,
    workers: &Workers,
    recursive: bool,
    mut visit: impl FnMut(Result<Observed, Failure>) -> Result<()>,
) -> Result<()> {
    observe_batches(repos, ctx, workers, BATCH, |batch| {
        for result in batch {
            match result {
                Err(f) if !recursive => anyhow::bail!("{}", f.line()),
                Ok(o) if !recursive => {
                    if let Some(name) = &ctx.opts.remote {
                        if !o
                            .plan
                            .items
                            .iter()
                            .any(|i| i.slot.section == "remote" && &i.slot.subsection == name)
                        {
                            anyhow::bail!("no remote named '{name}' in {}", o.repo.root.display());
                        }
                    }
                    visit(Ok(o))?;
                }
                other => visit(other)?,
            }
        }
        Ok(())
    })
}

/// Reads and plans the repositories in parallel, `batch` at a time, handing each batch's
/// results to `sink` in order; a repository that cannot be read is a failure with its reason,
/// and the others go on. Only one batch is in memory at a time.
fn observe_batches(
    repos: Vec<Repo>,
    ctx: &Ctx,
    workers: &Workers,
    batch: usize,
    mut sink: impl FnMut(Vec<Result<Observed, Failure>>) -> Result<()>,
) -> Result<()> {
    let mut repos = repos.into_iter().peekable();
    while repos.peek().is_some() {
        let chunk: Vec<Repo> = repos.by_ref().take(batch.max(1)).collect();
        let results = workers.run(|| {
            chunk
                .into_par_iter()
                .map(|r| observe_one(r, ctx))
                .collect::<Vec<_>>()
        });
        sink(results)?;
    }
    Ok(())
}

fn observe_one(repo: Repo, ctx: &Ctx) -> Result<Observed, Failure> {
    match plan_repo(&repo, ctx) {
        Ok((plan, rewrites)) => Ok(Observed {
            repo,
            plan,
            rewrites,
        }),
        Err(e) => Err(Failure {
            path: repo.root,
            error: format!("{e:#}"),
        }),
    }
}

fn plan_repo(repo: &Repo, ctx: &Ctx) -> Result<(RepoPlan, Rewrites)> {
    let parsed = repo::read_config(&repo.config)?;
    let mut slots = repo::slots_of(FileKind::Config, &parsed.entries);
    let gitmodules = repo
        .gitmodules()
        .filter(|p| (ctx.opts.submodules || ctx.opts.gitmodules) && p.is_file());
    if let Some(gm) = gitmodules {
        let gm_parsed = repo::read_config(&gm)?;
        slots.extend(repo::slots_of(FileKind::Gitmodules, &gm_parsed.entries));
    }
    let rewrites = Rewrites {
        rules: repo::repo_rules(repo, &parsed, &ctx.global_rules)?,
    };
    let plan = plan::plan(&slots, &ctx.hosts, &rewrites, &ctx.opts);
    Ok((plan, rewrites))
}

/// One file's edits.
pub struct FileEdits {
    pub repo: PathBuf,
    pub kind: FileKind,
    pub path: PathBuf,
    pub edits: Vec<Edit>,
}

/// The edits a plan makes, grouped per file.
pub fn edits_of(o: &Observed) -> Vec<FileEdits> {
    let mut out: Vec<FileEdits> = Vec::new();
    for (slot, new) in o.plan.changes() {
        let Some(path) = o.repo.file(slot.file) else {
            continue;
        };
        let edit = Edit {
            section: slot.section.clone(),
            subsection: slot.subsection.clone(),
            name: slot.name.clone(),
            index: slot.index,
            old: slot.value.clone(),
            new: new.to_string(),
        };
        match out.iter_mut().find(|f| f.kind == slot.file) {
            Some(f) => f.edits.push(edit),
            None => out.push(FileEdits {
                repo: o.repo.root.clone(),
                kind: slot.file,
                path,
                edits: vec![edit],
            }),
        }
    }
    out
}

/// What applying one file's edits came to.
pub struct FileOutcome<'a> {
    pub repo: &'a Path,
    pub path: &'a Path,
    pub edits: &'a [Edit],
    pub result: Result<repo::Applied, ApplyError>,
}

impl FileOutcome<'_> {
    /// The journal's record of it.
    pub fn record(&self) -> Record {
        let error = self.result.as_ref().err().map(ToString::to_string);
        Record::Result {
            repo: self.repo.display().to_string(),
            file: self.path.display().to_string(),
            ok: error.is_none(),
            error,
        }
    }
}

/// Set by Ctrl-C or SIGTERM during apply: files not yet started are left alone.
static STOP: AtomicBool = AtomicBool::new(false);

/// From here on, Ctrl-C and SIGTERM finish the files being written and skip the rest, so no
/// lock file is left behind and the journal records what happened (SIGKILL cannot be caught:
/// each file is still old or new, but a lock may remain).
pub fn stop_on_signals() {
    let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
}

/// Applies every file's edits in parallel, each file in one atomic write.
pub fn apply_all<'a>(
    files: &'a [FileEdits],
    workers: &Workers,
    tick: &(dyn Fn(bool) + Sync),
) -> Vec<FileOutcome<'a>> {
    workers.run(|| {
        files
            .par_iter()
            .map(|f| {
                let result = if STOP.load(Ordering::SeqCst) {
                    Err(ApplyError::Interrupted)
                } else {
                    repo::apply(&f.path, &f.edits)
                };
                tick(result.is_ok());
                FileOutcome {
                    repo: &f.repo,
                    path: &f.path,
                    edits: &f.edits,
                    result,
                }
            })
            .collect()
    })
}
