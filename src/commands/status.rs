//! `git-https status [PATH] [--recursive DIR…]`: each remote's raw URLs, planned HTTPS URL and
//! the URL git really uses after `insteadOf` rules. Read-only.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::{Result, bail};

use crate::cli::StatusArgs;
use crate::core::hosts::host_of;
use crate::core::plan;
use crate::core::redact::Redacted;
use crate::engine::accounts::{helper_notes, logged_in};
use crate::engine::{self, Ctx, Observed};
use crate::env::Env;
use crate::error::{self, with_hint};
use crate::io::{repo, settings};
use crate::ui::output;
use crate::ui::report::{self, Line};

pub fn run(args: StatusArgs, env: &Env) -> Result<u8> {
    let hosts = settings::load_host_rules(env, &args.map.maps)?;
    let global_rules = repo::global_rules(env)?;
    let selection = args.selection.to_engine();
    let selected = engine::select(env, &selection).map_err(|e| {
        if engine::select::outside_repository(&selection, &e) {
            return with_hint(
                format!("{e:#}"),
                "run it in a repository, or status -r DIR for every repository under a folder",
            );
        }
        e
    })?;
    let opts = plan::Options {
        remote: args.remote.clone(),
        submodules: true,
        gitmodules: false,
        ..plan::Options::default()
    };
    let ctx = Ctx {
        env,
        hosts,
        global_rules,
        opts,
        ownership: Some(repo::Ownership::load(env)?),
    };
    let accounts = logged_in(env);
    let workers = engine::Workers::new(selection.jobs)?;
    let recursive = selection.recursive;
    let mut failures = selected.failures;
    let mut out = output::stdout();
    for f in &failures {
        show_failure(&mut out, f, args.json)?;
    }
    let mut counts = Counts::default();
    engine::for_each_planned(selected.repos, &ctx, &workers, recursive, |result| {
        let o = match result {
            Ok(o) => o,
            Err(f) => {
                show_failure(&mut out, &f, args.json)?;
                failures.push(f);
                return Ok(());
            }
        };
        counts.add(&o);
        if args.summary {
            return Ok(());
        }
        let status = engine::status::repo_status(&o, args.remote.as_deref(), &accounts);
        if args.json {
            report::json(&mut out, &Line::Repo(status))?;
        } else {
            status.human(&mut out)?;
        }
        Ok(())
    })?;
    if let (false, Some(f)) = (recursive, failures.first()) {
        bail!("{}", Redacted::new(&f.line()));
    }
    if recursive {
        counts.show(&mut out, failures.len(), args.json)?;
    }
    out.flush()?;
    if !args.json {
        helper_notes(env, counts.by_host.keys())?;
    }
    Ok(if failures.is_empty() {
        error::OK
    } else {
        error::FAILURE
    })
}

/// What a plain `migrate` would change in the repositories read: remote URLs (submodules are
/// shown, not counted).
#[derive(Default)]
struct Counts {
    repos: usize,
    repos_to_change: usize,
    to_change: usize,
    by_host: BTreeMap<Redacted, usize>,
}

impl Counts {
    fn add(&mut self, o: &Observed) {
        self.repos += 1;
        let changes: Vec<&str> = o
            .plan
            .changes()
            .filter(|(slot, _)| slot.is_remote())
            .map(|(_, new)| new)
            .collect();
        self.repos_to_change += usize::from(!changes.is_empty());
        self.to_change += changes.len();
        for new in changes {
            *self
                .by_host
                .entry(Redacted::new(&host_of(new).unwrap_or_default()))
                .or_default() += 1;
        }
    }

    /// The summary of a recursive status: a JSON line, or a note after the repositories.
    fn show(&self, out: &mut impl Write, failed: usize, json: bool) -> std::io::Result<()> {
        if json {
            return report::json(
                out,
                &Line::Summary(report::Summary::Status(report::StatusSummary {
                    repos: self.repos,
                    repos_to_migrate: self.repos_to_change,
                    urls_to_migrate: self.to_change,
                    by_host: self.by_host.clone(),
                    failed,
                })),
            );
        }
        let hosts: Vec<String> = self
            .by_host
            .iter()
            .map(|(h, n)| format!("{h}: {n}"))
            .collect();
        let hosts = if hosts.is_empty() {
            String::new()
        } else {
            format!("; {}", hosts.join(", "))
        };
        // The summary is the data `--summary` asks for: stdout, like the repositories.
        writeln!(
            out,
            "{} found; {} to migrate ({}{hosts}); {} could not be read",
            output::count(self.repos, "repository", "repositories"),
            output::count(self.repos_to_change, "repository", "repositories"),
            output::count(self.to_change, "URL", "URLs"),
            output::count(failed, "repository", "repositories"),
        )?;
        Ok(())
    }
}

fn show_failure(
    out: &mut impl Write,
    f: &crate::io::discover::Failure,
    json: bool,
) -> std::io::Result<()> {
    let r = report::Failure::new(&f.path, &f.error);
    if json {
        report::json(out, &Line::Failure(r))
    } else {
        out.flush()?;
        r.human();
        Ok(())
    }
}
