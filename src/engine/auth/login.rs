//! One login, start to end: the realm checked against its forge, the token found and verified
//! (asked again on a terminal when a stored one is stale), proven with git, the aliases checked,
//! the cache mode chosen, then the transaction, and the aliases tied.

use anyhow::{Context, Result};

use crate::core::forge::Forge;
use crate::core::realm::Realm;
use crate::core::redact::Redacted;
use crate::core::token::{Secret, Source};
use crate::env::Env;
use crate::error::usage;
use crate::io::api::TokenInfo;
use crate::io::git::Git;
use crate::io::logins::Place;
use crate::io::settings;
use crate::ui::output;
use crate::ui::prompt::Prompter;
use crate::ui::report::LoginReport;

use super::aliases::{self, Tie};
use super::options::{TokenOptions, choose_mode};
use super::sources::{Lookup, find_token};
use super::transaction::{self, LoginDone, LoginPlan};
use super::{forge as forges, scope, verify};

/// What `login` is asked to do (its flags checked by the caller, `TokenOptions::check`).
pub struct LoginRequest {
    pub realm: Realm,
    pub opts: TokenOptions,
    pub aliases: Vec<String>,
}

/// What it did, for the report.
pub struct LoginOutcome {
    pub report: LoginReport,
    pub user: String,
    pub done: LoginDone,
    pub ties: Vec<Tie>,
    /// Helpers set for every host that the realm's own lines now shadow.
    pub shadowed: Vec<Redacted>,
    /// The memory cache's timeout.
    pub timeout: u64,
}

/// The forge the realm's host runs (resolved unless `--no-verify`), the realm checked against
/// it, and every recorded login.
pub fn resolve_realm(
    env: &Env,
    git: &Git,
    realm: &Realm,
    opts: &TokenOptions,
    prompter: Prompter,
) -> Result<(Option<Forge>, Vec<Place>)> {
    // Without a check nothing is probed: the forge is the one named, known from the name or
    // config.toml's, or unknown (then no environment variable is taken for it).
    let forge = if opts.no_verify {
        match forges::given_or_known(opts.forge, realm.host()) {
            Some(f) => Some(f),
            None => settings::configured_forge(env, realm.host())?,
        }
    } else {
        Some(forges::resolve(
            opts.forge,
            env,
            git,
            realm.host(),
            prompter,
        )?)
    };
    realm.for_forge(forge).map_err(usage)?;
    let recorded = scope::check(env, git, realm)?;
    Ok((forge, recorded))
}

/// The user name git sends with the token: an Azure DevOps organization's own (its token is
/// kept under it, apart from the other organizations' on the host), else the forge's name for
/// the verified login, else the name a forge wants with a bare token.
pub fn user_for(realm: &Realm, forge: Option<Forge>, info: Option<&TokenInfo>) -> String {
    if let Some(org) = realm.org() {
        return org.to_string();
    }
    match (forge, info) {
        (Some(f), Some(info)) => f.git_username(&info.login),
        (Some(f), None) => f.git_username("x-access-token"),
        (None, _) => "x-access-token".to_string(),
    }
}

/// Verifies the token with the API; a stale token found stored is replaced by one asked for on
/// a terminal.
fn verify_token(
    env: &Env,
    git: &Git,
    req: &LoginRequest,
    forge: Forge,
    token: &mut Secret,
    source: &Source,
    prompter: Prompter,
) -> Result<TokenInfo> {
    let check = |t: &Secret| {
        verify::verify(
            forge,
            req.opts.api_url.as_deref(),
            env,
            git,
            req.realm.host(),
            t,
        )
    };
    match check(token) {
        Err(e) if matches!(source, Source::Keyring | Source::GitHelper) && prompter.can_ask() => {
            output::warn(format!("{e:#}"));
            let lookup = Lookup {
                env,
                git,
                realm: &req.realm,
                stored: false,
                forge: Some(forge),
                prompter,
            };
            (*token, _) = find_token(req.opts.token_stdin, &lookup)?;
            check(token)
        }
        other => other,
    }
}

/// Logs in: see the module docs.
pub fn login(env: &Env, git: &Git, req: &LoginRequest, prompter: Prompter) -> Result<LoginOutcome> {
    let realm = &req.realm;
    if prompter.can_ask() {
        crate::engine::interrupt::asking("nothing changed");
    }
    if !req.aliases.is_empty() && req.opts.no_verify {
        return Err(usage(
            "--alias ties the alias to the token's verified login: it cannot go with --no-verify",
        ));
    }
    let (forge, recorded) = resolve_realm(env, git, realm, &req.opts, prompter)?;
    if realm.org().is_some() && !req.aliases.is_empty() {
        return Err(usage("--alias goes with a host, not an organization"));
    }
    // A token already stored belongs to some account: with several on the realm, or an alias
    // to tie, which one is meant is not known, so it is asked for (or piped in). With one,
    // it is that account's (a login moving it to another cache mode).
    let lookup = Lookup {
        env,
        git,
        realm,
        stored: req.aliases.is_empty() && scope::users(&recorded, realm).len() <= 1,
        forge,
        prompter,
    };
    let (mut token, source) = find_token(req.opts.token_stdin, &lookup)?;
    env.out.note(format!(
        "using the token from {source} ({})",
        token.kind().describe()
    ));
    let mut report = LoginReport::new(realm.as_str(), git.scope.describe());
    let user = match forge.filter(|_| !req.opts.no_verify) {
        None => user_for(realm, forge, None),
        Some(f) => {
            let info = verify_token(env, git, req, f, &mut token, &source, prompter)?;
            report.verified = true;
            report.scopes = info.scopes.clone();
            report.expires = info.expires.clone();
            let user = user_for(realm, forge, Some(&info));
            report.proof = Some(verify::prove_with_git(env, git, realm, &user, &token)?);
            user
        }
    };
    // Checked before anything is stored: each alias must lead to this host.
    let ties = aliases::ties(env, realm, &user, &req.aliases)?;
    let mode = choose_mode(req.opts.given_mode(), env, prompter)?;
    let timeout = req.opts.timeout_or_default();
    let helper = req.opts.helper(mode, timeout, env)?;
    let shadowed = git.inherited_helpers();
    // From here Ctrl-C or SIGTERM lets the transaction finish (stored and proven, or rolled
    // back) instead of cutting it in half; git's config and helper children run in their own
    // process group, so the terminal's signal does not reach them either.
    let interrupted = crate::engine::interrupt::defer_signals();
    let plan = LoginPlan {
        realm,
        user: &user,
        token: &token,
        helper,
    };
    let done = transaction::login(env, git, &plan)?;
    if interrupted.load(std::sync::atomic::Ordering::SeqCst) {
        output::warn("interrupted after the login completed");
    }
    report.user = Some(user.clone());
    if !ties.is_empty() {
        settings::tie_aliases(env, &ties).with_context(|| {
            format!(
                "logged in to {} as {user}, but the aliases were not tied to the account",
                realm.host()
            )
        })?;
        report.aliases = ties.iter().map(|(a, _)| Redacted::new(a)).collect();
    }
    Ok(LoginOutcome {
        report,
        user,
        done,
        ties,
        shadowed,
        timeout,
    })
}
