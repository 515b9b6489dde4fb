//! `git-https logout --host HOST`: forget the realm's token everywhere login may have put it —
//! git's cache daemon, the store files login recorded or the helper lines name, the OS keyring —
//! remove the helper lines login wrote, and check that git no longer gets a credential
//! (`engine::auth::logout`); then say what was done.

use anyhow::Result;

use crate::cli::LogoutArgs;
use crate::core::realm::Realm;
use crate::core::redact::Redacted;
use crate::engine::auth::logout::{self, LogoutOutcome, who};
use crate::engine::auth::transaction::LogoutDone;
use crate::env::Env;
use crate::error::{self, usage};
use crate::io::git::{Git, Scope, helper_key};
use crate::io::repo;
use crate::ui::output;
use crate::ui::report::{self, LogoutReport};

pub fn run(args: LogoutArgs, env: &Env) -> Result<u8> {
    let realm = Realm::parse(&args.host).map_err(usage)?;
    let scope = if args.local {
        Scope::Local(repo::discover(&env.cwd)?.root)
    } else {
        Scope::Global
    };
    let git = Git::new(env, scope)?;
    // Ctrl-C lets every place be cleared rather than leave half of them.
    let _interrupted = crate::engine::interrupt::defer_signals();
    let user = args
        .user
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    // One realm failing does not keep the others logged in.
    let mut code = error::OK;
    let mut first_error = None;
    let realms = logout::realms(env, &realm, user)?;
    // With organizations logged in on the host, the host itself may have held nothing.
    let alone = realms.len() == 1;
    for realm in realms {
        let one = logout::logout(env, &git, &realm, user)
            .and_then(|out| show(env, &git, &realm, user, &out, (args.json, alone)));
        match one {
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

/// `--json`'s line for one realm.
fn json(git: &Git, realm: &Realm, user: Option<&str>, out: &LogoutOutcome) -> Result<()> {
    let done = &out.done;
    let rep = LogoutReport {
        host: realm.to_string(),
        scope: git.scope.describe(),
        user: user.map(Redacted::new),
        others: done.others.iter().map(|o| Redacted::new(o)).collect(),
        aliases_removed: out.untied.iter().map(|a| Redacted::new(a)).collect(),
        cleared: done
            .cleared
            .iter()
            .map(|s| Redacted::new(&s.describe()))
            .collect(),
        removed_from: done
            .removed_from
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
    let mut stdout = output::stdout();
    report::json(&mut stdout, &report::Line::Logout(rep))?;
    std::io::Write::flush(&mut stdout)?;
    Ok(())
}

/// Says what logging out of one realm did; the exit status.
fn show(
    env: &Env,
    git: &Git,
    realm: &Realm,
    user: Option<&str>,
    out: &LogoutOutcome,
    (as_json, alone): (bool, bool),
) -> Result<u8> {
    let done = &out.done;
    if as_json {
        json(git, realm, user, out)?;
    }
    let who = who(realm, user);
    if !done.known && done.cleared.is_empty() {
        output::warn(format!(
            "no login of {who} is recorded in this scope, and other scopes' accounts share git's helpers: nothing was removed"
        ));
    } else if !done.known {
        output::warn(format!(
            "no login of {who} was recorded; any token git's helpers held for it was removed"
        ));
    }
    let nothing = nothing_done(done, out);
    if !nothing {
        places(env, &who, done);
    }
    for a in &out.untied {
        env.out.note(format!(
            "{a} is no longer tied to an account in config.toml"
        ));
    }
    for (s, why) in &done.failed {
        output::error_line(format!(
            "{realm}: cannot remove the token from {}: {}",
            s.describe(),
            Redacted::new(why)
        ));
    }
    if !done.others.is_empty() {
        env.out.note(format!(
            "{realm}'s other accounts stay logged in: {} (the helper lines stay for them)",
            done.others.join(", ")
        ));
    }
    lines(env, git, realm, out);
    if done.still_answered {
        output::error_line(format!(
            "git still gets a credential for {who} from helpers git-https did not set up (`git credential fill` answers); remove it there"
        ));
    }
    if !done.failed.is_empty() || done.still_answered {
        return Ok(error::FAILURE);
    }
    if nothing && alone {
        output::error_line(format!("not logged in to {who}: nothing to remove"));
        return Ok(error::FAILURE);
    }
    if done.known && !nothing {
        env.out.note(format!("logged out of {who}"));
    }
    Ok(error::OK)
}

/// The places that held a token, one line each; the ones that held none, in one line.
fn places(env: &Env, who: &str, done: &LogoutDone) {
    for s in &done.removed_from {
        env.out
            .note(format!("{who}: removed the token from {}", s.describe()));
    }
    let empty: Vec<String> = done
        .cleared
        .iter()
        .filter(|s| !done.removed_from.contains(s))
        .map(|s| s.describe())
        .collect();
    if !empty.is_empty() {
        env.out
            .note(format!("{who}: no token in {}", or_list(&empty)));
    }
}

/// "a", "a or b", "a, b or c".
fn or_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// No login recorded, no token anywhere, no helper line or alias removed: there was nothing
/// to log out of (the cases with their own warnings aside).
fn nothing_done(done: &LogoutDone, out: &LogoutOutcome) -> bool {
    done.known
        && !done.recorded
        && done.record_error.is_none()
        && done.removed_from.is_empty()
        && done.removed_lines.is_none()
        && out.untied.is_empty()
}

/// The helper lines removed, or left because git-https did not write them.
fn lines(env: &Env, git: &Git, realm: &Realm, out: &LogoutOutcome) {
    if out.done.removed_lines.is_some() {
        env.out.note(format!(
            "removed {} from the {} config",
            helper_key(realm.as_str()),
            git.scope.describe()
        ));
    }
    if !out.done.foreign_lines.is_empty() {
        output::warn(format!(
            "{} holds helper lines git-https did not write; left them in place",
            helper_key(realm.as_str())
        ));
    }
}
