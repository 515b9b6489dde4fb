//! `git-https login --host HOST`: find a token, verify it with the forge's API (reached as git
//! would reach it), prove it with git where a repository here has a remote on the host, then
//! store it transactionally in the chosen cache (`engine::auth`), and say what was done.

use anyhow::Result;

use crate::cli::LoginArgs;
use crate::core::helper::HelperLine;
use crate::core::realm::Realm;
use crate::core::redact::Redacted;
use crate::engine::auth::keyring_note;
use crate::engine::auth::login::{self, LoginOutcome, LoginRequest};
use crate::env::Env;
use crate::error::{self, usage};
use crate::io::git::{Git, Scope, helper_key};
use crate::io::store::Storage;
use crate::io::{repo, settings};
use crate::ui::output;
use crate::ui::prompt::Prompter;
use crate::ui::report::{self, LoginReport};

pub fn run(args: LoginArgs, env: &Env) -> Result<u8> {
    let req = LoginRequest {
        realm: Realm::parse(&args.host).map_err(usage)?,
        opts: args.token.to_engine(),
        aliases: args.aliases,
    };
    // Contradicting flags first, before a repository is looked for (`--local`).
    req.opts.check()?;
    let scope = if args.local {
        Scope::Local(repo::discover(&env.cwd)?.root)
    } else {
        Scope::Global
    };
    let git = Git::new(env, scope)?;
    let mut out = login::login(env, &git, &req, Prompter::new(env.interactive()))?;
    if args.json {
        let mut rep = std::mem::replace(
            &mut out.report,
            LoginReport::new(req.realm.as_str(), git.scope.describe()),
        );
        written(&mut rep, &out, &helper_key(req.realm.as_str()));
        let mut stdout = output::stdout();
        report::json(&mut stdout, &report::Line::Login(rep))?;
        std::io::Write::flush(&mut stdout)?;
    }
    stored(env, &req.realm, &out);
    helpers(env, &req.realm, &git, &out);
    accounts(&req.realm, &out);
    Ok(error::OK)
}

/// The report's record of what was written.
fn written(rep: &mut LoginReport, out: &LoginOutcome, key: &str) {
    let done = &out.done;
    rep.cache = Some(done.storage.mode());
    if let Storage::Store(f) = &done.storage {
        rep.store_file = Some(report::path(f));
    }
    rep.keyring = done.keystore.as_ref().map(|k| k.backend.describe());
    rep.helper_key = Some(key.to_string());
    rep.helper_lines = done.lines.iter().map(Redacted::from).collect();
    rep.replaced_lines = done.replaced.iter().map(Redacted::from).collect();
    rep.removed_from = done
        .removed
        .iter()
        .map(|s| Redacted::new(&s.describe()))
        .collect();
    rep.proven = true;
}

/// Where the token is now, and where an earlier one was removed from.
fn stored(env: &Env, realm: &Realm, out: &LoginOutcome) {
    let done = &out.done;
    if let Some(mode) = done.loosened_mode {
        env.out.note(format!(
            "{} was mode {mode:04o}; now 0600",
            done.storage.describe()
        ));
    }
    match &done.storage {
        Storage::Memory => env.out.note(format!(
            "git's credential cache holds the token for {} seconds",
            out.timeout
        )),
        Storage::Store(f) => output::warn(format!(
            "the token is stored in plain text in {}",
            f.display()
        )),
        Storage::Keyring => keyring_note(env, done.keystore.as_ref()),
    }
    for s in &done.removed {
        env.out.note(format!(
            "removed the earlier token for {realm} from {}",
            s.describe()
        ));
    }
    for (s, why) in &done.left {
        output::warn(format!(
            "could not remove the earlier token for {realm} from {}: {why}",
            s.describe()
        ));
    }
}

/// The helper lines written, the helpers they shadow, the aliases tied, and the login.
fn helpers(env: &Env, realm: &Realm, git: &Git, out: &LoginOutcome) {
    let done = &out.done;
    env.out.note(format!(
        "wrote {} = {} in the {} config",
        helper_key(realm.as_str()),
        done.lines
            .iter()
            .map(|l| format!("{l:?}"))
            .collect::<Vec<_>>()
            .join(", "),
        git.scope.describe()
    ));
    if !out.shadowed.is_empty() {
        env.out.note(format!(
            "for {}, this replaces the helpers set for every host: {}",
            realm.host(),
            out.shadowed
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    // Checked against the forge's user names already; escaped all the same on its way out.
    let user = Redacted::new(&out.user);
    for (alias, base) in &out.ties {
        env.out.note(format!(
            "tied {alias} to {user}: migrate rewrites git@{alias}:OWNER/REPO to {base}/OWNER/REPO ({})",
            settings::config_file(env).display()
        ));
    }
    env.out.note(format!(
        "logged in to {realm} as {user}: git credential fill returns the token from {}",
        done.storage.describe()
    ));
}

/// With several accounts on the realm: the shared timeout, and how a URL names one.
fn accounts(realm: &Realm, out: &LoginOutcome) {
    let accounts = &out.done.accounts;
    // One helper line per host: its timeout is every account's the next time git stores one.
    let timeout = |lines: &[String]| {
        lines.iter().find_map(|l| match HelperLine::parse(l) {
            Some(HelperLine::Cache { timeout }) => Some(timeout),
            _ => None,
        })
    };
    let (old_timeout, new_timeout) = (timeout(&out.done.replaced), timeout(&out.done.lines));
    if let (true, Some(old), Some(timeout)) = (accounts.len() > 1, old_timeout, new_timeout)
        && old != timeout
    {
        output::warn(format!(
            "{realm}'s helper line now says --timeout={timeout} (it said {old}): the other accounts' tokens get it too the next time git stores them"
        ));
    }
    if accounts.len() > 1 {
        output::hint(format!(
            "{realm} has {} accounts ({}): a remote URL that names none gets whichever the helper answers first; name one with https://LOGIN@{realm}/… (login --alias, or migrate --map ALIAS=https://LOGIN@{realm})",
            accounts.len(),
            accounts.join(", ")
        ));
    }
}
