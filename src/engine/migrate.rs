//! A migration, start to end: plan the selected repositories into a spooled run, show the
//! plan, confirm, apply, report. `migrate` and `setup` both run it.

mod show;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use super::{Confirm, Ctx, Finished, Observed, Selection, Spool, Workers};
use crate::core::change::{ConfigKey, Edit, FileEdits, FileKind};
use crate::core::insteadof::Rule;
use crate::core::plan::{self, Outcome};
use crate::core::redact::Redacted;
use crate::env::Env;
use crate::error;
use crate::io::discover::Failure;
use crate::io::{repo, settings};
use crate::ui::output;
use crate::ui::progress::Progress;

/// What to migrate and how: the command line's options, without its parser.
#[derive(Debug, Clone, Default)]
pub struct MigrateOptions {
    pub selection: Selection,
    /// `--map SSH_HOST=HTTPS_BASE`, on top of config.toml's rules.
    pub maps: Vec<String>,
    /// Only this remote.
    pub remote: Option<String>,
    /// Only URLs on these hosts.
    pub hosts: Vec<String>,
    pub submodules: bool,
    pub gitmodules: bool,
    pub strip_credentials: bool,
    /// Also remove the insteadOf rules that turn migrated URLs back into SSH.
    pub fix_insteadof: bool,
    /// Show the plan and change nothing.
    pub dry_run: bool,
    /// Do not ask for confirmation.
    pub yes: bool,
    /// JSON Lines instead of the human report.
    pub json: bool,
    /// The caller showed the plan already (setup's dry run before its question): not again.
    pub plan_shown: bool,
    /// The caller ends with its own summary and undo line (setup): the run's is not said.
    pub caller_summarizes: bool,
}

/// What a migration did, for a caller that runs it (setup).
#[derive(Debug, Default)]
pub struct Migrated {
    pub run: Option<String>,
    /// URLs written.
    pub written: usize,
    /// insteadOf rules removed.
    pub rules: usize,
}

/// Runs a migration (a dry run only shows the plan), reporting as it goes and telling `done`
/// what it wrote. The result is the exit status.
pub fn run(opts: &MigrateOptions, env: &Env, done: &mut Migrated) -> Result<u8> {
    let ctx = Ctx {
        env,
        hosts: settings::load_host_rules(env, &opts.maps)?,
        global_rules: repo::global_rules(env)?,
        opts: plan::Options {
            remote: opts.remote.clone(),
            hosts: opts.hosts.clone(),
            submodules: opts.submodules || opts.gitmodules,
            gitmodules: opts.gitmodules,
            strip_credentials: opts.strip_credentials,
        },
        ownership: Some(repo::Ownership::load(env)?),
    };
    let recursive = opts.selection.recursive;
    let workers = Workers::new(opts.selection.jobs)?;
    let progress = Progress::new(env.stderr_tty && recursive && !opts.json);
    let mut out = output::stdout();
    let Planned {
        spool,
        summary,
        failures,
    } = plan_all(opts, &ctx, &workers, &progress, &mut out)?;
    show::rules(env.out, &mut out, &summary, opts)?;
    let planned = summary.planned();
    let rules_left = if opts.fix_insteadof {
        0
    } else {
        summary.undoing_rules.values().sum::<usize>()
    };
    let fixing_rules = opts.fix_insteadof && !summary.undoing_rules.is_empty();
    if (planned == 0 && !fixing_rules) || opts.dry_run {
        show::unapplied(env.out, &mut out, &summary, &failures, opts)?;
        // Remotes migrated before and still turned back by a rule: as much a failure as on
        // the run that migrated them.
        if !opts.dry_run && rules_left > 0 {
            show::still_ssh(rules_left);
            return Ok(error::FAILURE);
        }
        return Ok(exit(failures.is_empty()));
    }
    let confirm = Confirm {
        env,
        yes: opts.yes,
        question: summary.question(fixing_rules),
        verb: "change remotes",
        hint: "pass --yes to apply the plan, or --dry-run to only show it",
        progress: "migrating",
    };
    let finished = spool.apply(&confirm, &failures, &workers, &progress, |o| {
        show::outcome(&mut out, o, opts.json)
    })?;
    let Finished::Applied(tally) = finished else {
        env.out.note("nothing changed");
        return Ok(error::FAILURE);
    };
    done.run = Some(tally.run.clone());
    done.written = tally.written;
    done.rules = tally.rules_written;
    show::applied(env.out, &mut out, &summary, &tally, &failures, opts)?;
    if !opts.json {
        super::accounts::helper_notes(env, summary.by_host.keys())?;
    }
    if rules_left > 0 {
        show::still_ssh(rules_left);
    }
    Ok(exit(tally.clean() && rules_left == 0))
}

fn exit(ok: bool) -> u8 {
    if ok { error::OK } else { error::FAILURE }
}

/// A migration planned: the run its plan is spooled into, its counts, and the repositories
/// that could not be read.
struct Planned {
    spool: Spool,
    summary: Summary,
    failures: Vec<Failure>,
}

/// Selects and plans every repository, showing each plan as it is made.
fn plan_all(
    opts: &MigrateOptions,
    ctx: &Ctx<'_>,
    workers: &Workers,
    progress: &Progress,
    out: &mut impl std::io::Write,
) -> Result<Planned> {
    let recursive = opts.selection.recursive;
    progress.spin("searching for repositories");
    let selected = super::select(ctx.env, &opts.selection)?;
    progress.spin(&format!(
        "planning {}",
        output::count(selected.repos.len(), "repository", "repositories")
    ));
    let mut spool = Spool::begin(ctx.env, "migrate", &selected.roots, None, opts.dry_run)?;
    let mut failures = selected.failures;
    let mut summary = Summary::default();
    for f in &failures {
        show::failure(out, f, opts.json)?;
    }
    super::for_each_planned(selected.repos, ctx, workers, recursive, |result| {
        let o = match result {
            Ok(o) => o,
            Err(f) => {
                show::failure(out, &f, opts.json)?;
                failures.push(f);
                return Ok(());
            }
        };
        summary.add(&o);
        show::plan(out, &o, opts, recursive)?;
        for f in summary.files_of(&o, opts.fix_insteadof) {
            spool.add(&f)?;
        }
        Ok(())
    })?;
    if opts.fix_insteadof {
        // Rules in the global or system config, or a file they include: one write a file.
        for f in summary.rule_files() {
            spool.add(&f)?;
        }
    }
    summary.failed = failures.len();
    progress.clear();
    out.flush()?;
    Ok(Planned {
        spool,
        summary,
        failures,
    })
}

/// The edit that removes one rule.
fn rule_removal(rule: &Rule) -> Edit {
    let name = if rule.push {
        "pushinsteadof"
    } else {
        "insteadof"
    };
    Edit::remove(ConfigKey::new("url", Some(&rule.base), name), &rule.prefix)
}

/// Counts for the plan summary.
#[derive(Default)]
struct Summary {
    repos: usize,
    repos_to_change: usize,
    repos_unchanged: usize,
    by_host: BTreeMap<Redacted, usize>,
    already_https: usize,
    skipped: BTreeMap<Redacted, usize>,
    leaks: usize,
    listed: usize,
    warnings: usize,
    /// Rules that would undo the migration, with how many URLs each turns back.
    undoing_rules: BTreeMap<Rule, usize>,
    failed: usize,
}

impl Summary {
    fn add(&mut self, o: &Observed) {
        self.repos += 1;
        if o.plan.change_count() > 0 {
            self.repos_to_change += 1;
        } else {
            self.repos_unchanged += 1;
        }
        self.warnings += o.plan.warnings.len();
        // A URL turned back for fetch and for push is one URL.
        let mut seen = std::collections::HashSet::new();
        for w in &o.plan.warnings {
            if seen.insert((&w.source, &w.remote, &w.url)) {
                *self.undoing_rules.entry(w.source.clone()).or_default() += 1;
            }
        }
        for i in &o.plan.items {
            match &i.outcome {
                Outcome::Change { new } => {
                    let host = crate::core::hosts::host_of(new).unwrap_or_default();
                    *self.by_host.entry(Redacted::new(&host)).or_default() += 1;
                }
                Outcome::AlreadyHttps => self.already_https += 1,
                Outcome::Skipped { reason } => {
                    *self.skipped.entry(Redacted::new(reason)).or_default() += 1
                }
                Outcome::Leak { .. } => self.leaks += 1,
                Outcome::Listed { .. } => self.listed += 1,
                Outcome::Filtered => {}
            }
        }
    }

    /// One repository's files to write: its planned edits and, with `fix_insteadof`, the
    /// removal of the undoing rules in its own config.
    fn files_of(&self, o: &Observed, fix_insteadof: bool) -> Vec<FileEdits> {
        let mut files = super::edits_of(o);
        if !fix_insteadof {
            return files;
        }
        // A rule in the repository's own config goes in the same atomic write.
        let own: Vec<Edit> = self
            .rules_in(&o.repo.config)
            .into_iter()
            .map(rule_removal)
            .collect();
        if !own.is_empty() {
            match files.iter_mut().find(|f| f.kind == FileKind::Config) {
                Some(f) => f.edits.extend(own),
                None => files.push(FileEdits {
                    repo: o.repo.root.clone(),
                    kind: FileKind::Rules,
                    path: o.repo.config.clone(),
                    edits: own,
                }),
            }
        }
        files
    }

    /// The undoing rules that live in `file`.
    fn rules_in(&self, file: &Path) -> Vec<&Rule> {
        let file = file.display().to_string();
        self.undoing_rules
            .keys()
            .filter(|r| r.origin == file)
            .collect()
    }

    /// The edits removing the undoing rules that live outside repositories (global, system,
    /// included files), one file each.
    fn rule_files(&self) -> Vec<FileEdits> {
        let mut by_file: BTreeMap<&str, Vec<Edit>> = BTreeMap::new();
        for r in self.undoing_rules.keys() {
            let path = Path::new(&r.origin);
            if path.ends_with(".git/config") || repo::is_repository_file(path) {
                continue;
            }
            by_file.entry(&r.origin).or_default().push(rule_removal(r));
        }
        by_file
            .into_iter()
            .map(|(file, edits)| FileEdits {
                repo: Path::new(file)
                    .parent()
                    .unwrap_or(Path::new("/"))
                    .to_path_buf(),
                kind: FileKind::Rules,
                path: file.into(),
                edits,
            })
            .collect()
    }

    fn planned(&self) -> usize {
        self.by_host.values().sum()
    }

    /// The confirmation question.
    fn question(&self, fixing_rules: bool) -> String {
        let rules = output::count(
            self.undoing_rules.len(),
            "insteadOf rule",
            "insteadOf rules",
        );
        let urls = output::count(self.planned(), "URL", "URLs");
        let repos = output::count(self.repos_to_change, "repository", "repositories");
        match (self.planned(), fixing_rules) {
            (0, _) => format!("Remove {rules}?"),
            (_, true) => format!("Rewrite {urls} in {repos} and remove {rules}?"),
            (_, false) => format!("Rewrite {urls} in {repos}?"),
        }
    }
}
