//! `git-https logout --host HOST`: forget the host's token everywhere login may have put it —
//! git's cache daemon, the store files login recorded or the helper lines name, the OS keyring —
//! remove the helper lines login wrote, and check that git no longer gets a credential.

use anyhow::Result;

use crate::cli::LogoutArgs;
use crate::core::net;
use crate::core::redact::Redacted;
use crate::engine::credentials;
use crate::env::Env;
use crate::error::{self, usage};
use crate::io::git::{Git, Scope, helper_key};
use crate::io::logins::Logins;
use crate::io::{repo, settings};
use crate::ui::output;
use crate::ui::report::{self, LogoutReport};

pub fn run(args: LogoutArgs, env: &Env) -> Result<u8> {
    let (host, org) = net::split_scope(&args.host).map_err(usage)?;
    let scope = if args.local {
        Scope::Local(repo::discover(&env.cwd)?.root)
    } else {
        Scope::Global
    };
    let git = Git::new(env, scope)?;
    // Ctrl-C lets every place be cleared rather than leave half of them.
    let _interrupted = crate::engine::apply::defer_signals();
    let user = args
        .user
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    // An organization's token is kept under the organization's name: another name there
    // would be another organization's.
    if let (Some(o), Some(u)) = (&org, user)
        && o != u
    {
        return Err(usage(format!(
            "--host {host}/{o} has one account, kept under {o}: drop --user (or log out of {host}/{u})"
        )));
    }
    // The host, and (without an organization) every organization logged in on it.
    let mut scopes = vec![match &org {
        Some(o) => format!("{host}/{o}"),
        None => host.clone(),
    }];
    let recorded = Logins::new(&env.state_dir()).load().unwrap_or_default();
    // An organization only where login could have made one: Azure DevOps, or a recorded login.
    if org.is_some()
        && crate::core::forge::detect(&host) != Some(crate::core::forge::Forge::Azure)
        && !recorded.iter().any(|p| p.host == scopes[0])
    {
        return Err(usage(format!(
            "--host {}: an organization goes with Azure DevOps only (no login for it is recorded)",
            scopes[0]
        )));
    }
    if org.is_none() {
        let prefix = format!("{host}/");
        for p in recorded {
            if p.host.starts_with(&prefix) && !scopes.contains(&p.host) {
                scopes.push(p.host);
            }
        }
    }
    // One scope failing does not keep the others logged in.
    let mut code = error::OK;
    let mut first_error = None;
    for scope in scopes {
        match logout_one(env, &git, scope, user, args.json) {
            Ok(c) => code = code.max(c),
            // The first is the command's error; the others are said as they come.
            Err(e) if first_error.is_none() => first_error = Some(e),
            Err(e) => output::error_line(format!("{e:#}")),
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(code),
    }
}

/// Logs out of one credential scope (a host, or an organization on it).
fn logout_one(env: &Env, git: &Git, host: String, user: Option<&str>, json: bool) -> Result<u8> {
    let done = credentials::logout(env, git, &host, user)?;
    // The aliases tied to the accounts logged out no longer lead to a token.
    // The aliases tied to the accounts logged out no longer lead to a token (kept while a
    // token could not be removed: a retry finds them).
    let untied = match (
        done.failed.is_empty(),
        settings::untie_aliases(env, &host, user),
    ) {
        (false, _) => Vec::new(),
        (true, Ok(gone)) => gone,
        (true, Err(e)) => {
            output::warn(format!("{e:#}; the aliases tied to the account were left"));
            Vec::new()
        }
    };
    if let Some(e) = &done.record_error {
        output::warn(format!("{e}; the other places were cleared"));
    }
    if json {
        let rep = LogoutReport {
            host: host.clone(),
            scope: git.scope.describe(),
            user: user.map(Redacted::new),
            others: done.others.iter().map(|o| Redacted::new(o)).collect(),
            aliases_removed: untied.iter().map(|a| Redacted::new(a)).collect(),
            cleared: done
                .cleared
                .iter()
                .map(|s| Redacted::new(&s.describe()))
                .collect(),
            failed: done
                .failed
                .iter()
                .map(|(s, why)| Redacted::new(&format!("{}: {why}", s.describe())))
                .collect(),
            removed_lines: done
                .removed_lines
                .iter()
                .flatten()
                .map(Redacted::from)
                .collect(),
            foreign_lines: done.foreign_lines.iter().map(Redacted::from).collect(),
            still_answered: done.still_answered,
        };
        let mut out = output::stdout();
        report::json(&mut out, &report::Line::Logout(rep))?;
        std::io::Write::flush(&mut out)?;
    }
    // As typed: a token pasted into --user is not printed back.
    let who = user.map_or_else(|| host.clone(), |u| format!("{}@{host}", Redacted::new(u)));
    if !done.known && done.cleared.is_empty() {
        output::warn(format!(
            "no login of {who} is recorded in this scope, and other scopes' accounts share git's helpers: nothing was removed"
        ));
    } else if !done.known {
        output::warn(format!(
            "no login of {who} was recorded; any token git's helpers held for it was removed"
        ));
    }
    for s in &done.cleared {
        output::note(format!("{who}: no token in {}", s.describe()));
    }
    for a in &untied {
        output::note(format!(
            "{a} is no longer tied to an account in config.toml"
        ));
    }
    for (s, why) in &done.failed {
        output::error_line(format!(
            "{host}: cannot remove the token from {}: {}",
            s.describe(),
            Redacted::new(why)
        ));
    }
    if !done.others.is_empty() {
        output::note(format!(
            "{host}'s other accounts stay logged in: {} (the helper lines stay for them)",
            done.others.join(", ")
        ));
    }
    if done.removed_lines.is_some() {
        output::note(format!(
            "removed {} from the {} config",
            helper_key(&host),
            git.scope.describe()
        ));
    }
    if !done.foreign_lines.is_empty() {
        output::warn(format!(
            "{} holds helper lines git-https did not write; left them in place",
            helper_key(&host)
        ));
    }
    if done.still_answered {
        output::error_line(format!(
            "git still gets a credential for {who} from helpers git-https did not set up (`git credential fill` answers); remove it there"
        ));
    }
    if !done.failed.is_empty() || done.still_answered {
        return Ok(error::FAILURE);
    }
    if done.known {
        output::note(format!("logged out of {who}"));
    }
    Ok(error::OK)
}
