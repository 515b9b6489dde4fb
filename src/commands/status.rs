//! `git-https status [PATH] [--recursive DIR…]`: each remote's raw URLs, planned HTTPS URL and
//! the URL git really uses after `insteadOf` rules. Read-only.

use std::io::Write;

use anyhow::{Result, bail};
use serde_json::{Value, json};

use crate::cli::StatusArgs;
use crate::engine::{self, Ctx, Observed};
use crate::env::Env;
use crate::error;
use crate::insteadof::Rewritten;
use crate::output;
use crate::plan::{self, Item, Outcome};
use crate::repo;
use crate::settings;
use crate::url::redact;

pub fn run(args: StatusArgs, env: &Env) -> Result<u8> {
    let hosts = settings::load_host_rules(env, &args.map.maps)?;
    let global_rules = repo::global_rules(env)?;
    let selected = engine::select(env, &args.selection)?;
    let opts = plan::Options {
        remote: args.remote.clone(),
        submodules: true,
        gitmodules: false,
        ..plan::Options::default()
    };
    let ctx = Ctx {
        hosts,
        global_rules,
        opts,
    };
    let workers = engine::Workers::new(engine::thread_count(args.selection.jobs));
    let recursive = args.selection.recursive;
    let mut failures = selected.failures;
    let mut out = output::stdout();
    for f in &failures {
        output::failure(&mut out, f, args.json)?;
    }
    let (mut repos, mut repos_to_change, mut to_change) = (0, 0, 0);
    engine::for_each_planned(selected.repos, &ctx, &workers, recursive, |result| {
        let o = match result {
            Ok(o) => o,
            Err(f) => {
                output::failure(&mut out, &f, args.json)?;
                failures.push(f);
                return Ok(());
            }
        };
        repos += 1;
        repos_to_change += usize::from(o.plan.change_count() > 0);
        to_change += o.plan.change_count();
        if args.json {
            output::json_line(&mut out, &repo_json(&o))?;
        } else {
            render(&mut out, &o, args.remote.as_deref())?;
        }
        Ok(())
    })?;
    if let (false, Some(f)) = (recursive, failures.first()) {
        bail!("{}", f.line());
    }
    if recursive {
        if args.json {
            output::json_line(
                &mut out,
                &json!({"type": "summary", "repos": repos, "repos_to_migrate": repos_to_change, "urls_to_migrate": to_change, "failed": failures.len()}),
            )?;
        } else {
            out.flush()?;
            output::note(format!(
                "{} found; {} to migrate ({}); {} could not be read",
                output::count(repos, "repository", "repositories"),
                output::count(repos_to_change, "repository", "repositories"),
                output::count(to_change, "URL", "URLs"),
                failures.len()
            ));
        }
    }
    out.flush()?;
    Ok(if failures.is_empty() {
        error::OK
    } else {
        error::FAILURE
    })
}

/// Remote names in the order they first appear.
fn remote_names(o: &Observed) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for i in o.plan.items.iter().filter(|i| i.slot.section == "remote") {
        if !names.contains(&i.slot.subsection.as_str()) {
            names.push(&i.slot.subsection);
        }
    }
    names
}

fn items<'a>(o: &'a Observed, remote: &str, name: &str) -> Vec<&'a Item> {
    o.plan
        .items
        .iter()
        .filter(|i| {
            i.slot.section == "remote" && i.slot.subsection == remote && i.slot.name == name
        })
        .collect()
}

fn values(items: &[&Item]) -> Vec<String> {
    items.iter().map(|i| i.slot.value.clone()).collect()
}

fn planned(i: &Item) -> Option<&str> {
    match &i.outcome {
        Outcome::Change { new } | Outcome::Leak { new } | Outcome::Listed { new } => Some(new),
        _ => None,
    }
}

fn outcome_note(i: &Item) -> String {
    match &i.outcome {
        Outcome::Change { new } => format!("→ {}", output::new(new)),
        Outcome::AlreadyHttps => output::dim("already HTTPS"),
        Outcome::Leak { new } => format!(
            "→ {}  {}",
            output::new(new),
            output::old("(credentials in the URL!)")
        ),
        Outcome::Listed { new } => format!("→ {}  (with --gitmodules)", output::new(new)),
        Outcome::Skipped { reason } => output::dim(&format!("left alone: {reason}")),
        Outcome::Filtered => String::new(),
    }
}

fn rewritten_note(r: &Rewritten<'_>) -> String {
    match r.rule {
        Some(rule) => format!(
            "{}  {}",
            redact(&r.url),
            output::dim(&format!("via {}", rule.describe()))
        ),
        None => redact(&r.url),
    }
}

fn render(out: &mut impl Write, o: &Observed, only: Option<&str>) -> std::io::Result<()> {
    writeln!(
        out,
        "{}  {}",
        output::heading(&o.repo.root.display().to_string()),
        output::dim(&format!("({})", o.repo.config.display()))
    )?;
    let names = remote_names(o);
    if names.is_empty() {
        writeln!(out, "  {}", output::dim("no remotes"))?;
    }
    for name in names.into_iter().filter(|n| only.is_none_or(|o| o == *n)) {
        let urls = items(o, name, "url");
        let pushurls = items(o, name, "pushurl");
        let kind = urls
            .first()
            .or(pushurls.first())
            .and_then(|i| i.kind)
            .map_or("?", |k| k.as_str());
        writeln!(
            out,
            "  {} {}",
            output::heading(name),
            output::kind(&format!("[{kind}]"))
        )?;
        for i in urls.iter().chain(&pushurls) {
            writeln!(
                out,
                "    {:<8} {}  {}",
                i.slot.name,
                redact(&i.slot.value),
                outcome_note(i)
            )?;
        }
        let eff = o.rewrites.effective(&values(&urls), &values(&pushurls));
        for (what, list) in [("fetch", &eff.fetch), ("push", &eff.push)] {
            for r in list {
                writeln!(
                    out,
                    "    {:<8} {}",
                    format!("git {what}"),
                    rewritten_note(r)
                )?;
            }
        }
    }
    for i in o
        .plan
        .items
        .iter()
        .filter(|i| i.slot.section == "submodule")
    {
        let file = match i.slot.file {
            plan::FileKind::Config => "config",
            plan::FileKind::Gitmodules => ".gitmodules",
        };
        writeln!(
            out,
            "  submodule {} ({file})  {}  {}",
            i.slot.subsection,
            redact(&i.slot.value),
            outcome_note(i)
        )?;
    }
    out.flush()?;
    for w in &o.plan.warnings {
        output::warn(w);
    }
    Ok(())
}

fn url_json(i: &Item) -> Value {
    json!({
        "value": redact(&i.slot.value),
        "kind": i.kind,
        "outcome": i.outcome_name(),
        "https": planned(i),
        "reason": match &i.outcome { Outcome::Skipped { reason } => Some(reason.as_str()), _ => None },
    })
}

fn rewritten_json(list: &[Rewritten<'_>]) -> Value {
    list.iter()
        .map(|r| json!({"url": redact(&r.url), "rule": r.rule.map(|x| x.describe())}))
        .collect()
}

fn repo_json(o: &Observed) -> Value {
    let remotes: Vec<Value> = remote_names(o)
        .into_iter()
        .map(|name| {
            let urls = items(o, name, "url");
            let pushurls = items(o, name, "pushurl");
            let eff = o.rewrites.effective(&values(&urls), &values(&pushurls));
            json!({
                "name": name,
                "urls": urls.iter().map(|i| url_json(i)).collect::<Vec<_>>(),
                "pushurls": pushurls.iter().map(|i| url_json(i)).collect::<Vec<_>>(),
                "effective": {"fetch": rewritten_json(&eff.fetch), "push": rewritten_json(&eff.push)},
            })
        })
        .collect();
    let submodules: Vec<Value> = o
        .plan
        .items
        .iter()
        .filter(|i| i.slot.section == "submodule")
        .map(|i| {
            let mut v = url_json(i);
            v["name"] = json!(i.slot.subsection);
            v["file"] = json!(i.slot.file);
            v
        })
        .collect();
    json!({
        "type": "repo",
        "repo": o.repo.root,
        "config": o.repo.config,
        "remotes": remotes,
        "submodules": submodules,
        "warnings": o.plan.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}
