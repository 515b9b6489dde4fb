//! Read and plan repositories in parallel, one batch at a time, in order.

use anyhow::Result;
use rayon::prelude::*;

use super::{BATCH, Workers};
use crate::core::change::FileEdits;
use crate::core::hosts::HostRules;
use crate::core::insteadof::{Rewrites, Rule};
use crate::core::plan::{self, FileKind, RepoPlan};
use crate::env::Env;
use crate::io::discover::Failure;
use crate::io::git::{Git, Scope};
use crate::io::repo::{self, Repo};

/// Settings every repository's plan needs.
pub struct Ctx<'a> {
    pub env: &'a Env,
    pub hosts: HostRules,
    pub global_rules: Vec<Rule>,
    pub opts: plan::Options,
    /// git's ownership rule; `None` plans every repository.
    pub ownership: Option<repo::Ownership>,
}

/// One repository read and planned.
pub struct Observed {
    pub repo: Repo,
    pub plan: RepoPlan,
    pub rewrites: Rewrites,
}

/// Plans every repository, batch by batch, and hands each to `visit` in order: `Ok` for a
/// planned repository, `Err` for one that could not be read. With one repository (not
/// `recursive`) that failure, or a `remote` it does not have, is the command's error instead.
pub fn for_each_planned(
    repos: Vec<Repo>,
    ctx: &Ctx<'_>,
    workers: &Workers,
    recursive: bool,
    mut visit: impl FnMut(Result<Observed, Failure>) -> Result<()>,
) -> Result<()> {
    observe_batches(repos, ctx, workers, BATCH, |batch| {
        for result in batch {
            match result {
                Err(f) if !recursive => anyhow::bail!("{}", f.line()),
                Ok(o) if !recursive => {
                    if let Some(name) = &ctx.opts.remote
                        && !o
                            .plan
                            .items
                            .iter()
                            .any(|i| i.slot.key.is_remote(Some(name)))
                    {
                        anyhow::bail!(
                            "no remote named '{}' in {}",
                            crate::core::redact::printable(name),
                            o.repo.root.display()
                        );
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
    ctx: &Ctx<'_>,
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
        rules: repo::repo_rules(ctx.env, repo, &parsed, &ctx.global_rules)?,
    };
    let mut plan = plan::plan(&slots, &ctx.hosts, &rewrites, &ctx.opts);
    // Remotes git reads from files the config includes: shown, left where they are.
    if parsed
        .entries
        .iter()
        .any(|e| e.section == "include" || e.section == "includeif")
    {
        let git = Git::new(ctx.env, Scope::Local(repo.root.clone()))?;
        for (origin, slot) in git.included_remote_urls(&repo.config)? {
            let kind = crate::core::url::parse(&slot.value).ok().map(|p| p.kind);
            let outcome = if slot.key.is_remote(ctx.opts.remote.as_deref()) {
                plan::Outcome::Skipped {
                    reason: format!(
                        "in {}, included from the repository's config: change it there",
                        origin.display()
                    ),
                }
            } else {
                plan::Outcome::Filtered
            };
            plan.items.push(plan::Item {
                slot,
                kind,
                outcome,
            });
        }
    }
    if let Some(why) = ctx.ownership.as_ref().and_then(|o| o.refusal(repo)) {
        plan.skip_all(&why);
    }
    Ok((plan, rewrites))
}

/// The edits a plan makes, grouped per file.
pub fn edits_of(o: &Observed) -> Vec<FileEdits> {
    let mut out: Vec<FileEdits> = Vec::new();
    for (slot, new) in o.plan.changes() {
        let Some(path) = o.repo.file(slot.file) else {
            continue;
        };
        let edit = slot.edit(new);
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
