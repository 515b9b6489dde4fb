//! A new machine in one run: for each host a verified token remembered the chosen way (the
//! login transaction), then optionally every checkout under some folders migrated (with
//! `--fix-insteadof`, the rules that would force SSH back removed). Guided on a terminal when an
//! answer is missing; scripted with flags, where a missing answer is a usage error, never a
//! hang. Idempotent: a second identical run changes no byte and says so.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::core::cache::{CacheMode, DEFAULT_TIMEOUT};
use crate::core::forge::Forge;
use crate::core::helper::HelperLine;
use crate::core::net;
use crate::core::realm::Realm;
use crate::core::redact::Redacted;
use crate::core::token::{Secret, Source};
use crate::env::Env;
use crate::error::{self, usage};
use crate::io::git::{Chain, Git, Scope, helper_key};
use crate::io::logins::Logins;
use crate::io::store::{Storage, file};
use crate::io::{repo, settings};
use crate::ui::output;
use crate::ui::prompt::Prompter;
use crate::ui::report::{SetupHost, SetupReport};

use super::auth::aliases::{self, Tie};
use super::auth::login::{resolve_realm, user_for};
use super::auth::options::{TokenOptions, choose_mode};
use super::auth::sources::{self, Lookup};
use super::auth::transaction::{self, LoginPlan};
use super::auth::{keyring_note, verify};
use super::migrate::{MigrateOptions, Migrated};

/// What `setup` is asked to do; what is missing is asked on a terminal.
pub struct SetupRequest {
    /// The realms named with `--host` (none: asked).
    pub realms: Vec<Realm>,
    pub opts: TokenOptions,
    pub aliases: Vec<String>,
    /// Folders whose checkouts to migrate.
    pub migrate: Vec<PathBuf>,
    pub maps: Vec<String>,
    pub fix_insteadof: bool,
    pub yes: bool,
}

/// What setup did.
pub struct SetupOutcome {
    pub report: SetupReport,
    pub code: u8,
}

/// Every answer setup needs, gathered before anything changes.
struct Answers {
    realms: Vec<Realm>,
    /// Each realm's forge, resolved before its token was looked for (`None`: `--no-verify`
    /// and not known).
    forges: Vec<Option<Forge>>,
    tokens: Vec<(Secret, Source)>,
    cache: CacheMode,
    timeout: u64,
    dirs: Vec<PathBuf>,
    fix_insteadof: bool,
}

/// Sets the machine up: see the module docs.
pub fn run(env: &Env, req: &SetupRequest, prompter: Prompter) -> Result<SetupOutcome> {
    if prompter.can_ask() {
        crate::engine::interrupt::asking("nothing changed");
    }
    req.opts.check()?;
    let git = Git::new(env, Scope::Global)?;
    let a = answers(env, &git, req, prompter)?;
    let helper = req.opts.helper(a.cache, a.timeout, env)?;
    let mut report = SetupReport {
        changed: false,
        hosts: Vec::new(),
        migrated_urls: 0,
        rules_removed: 0,
        run: None,
    };
    // Every host's token is verified before any is stored: one rejected stops the run whole.
    let mut users = Vec::new();
    for ((realm, (token, source)), forge) in a.realms.iter().zip(&a.tokens).zip(&a.forges) {
        env.out.note(format!(
            "{realm}: using the token from {source} ({})",
            token.kind().describe()
        ));
        users.push(identify(env, &git, realm, *forge, &req.opts, token)?);
    }
    let ties = match (&a.realms[..], &users[..]) {
        ([realm], [user]) => aliases::ties(env, realm, user, &req.aliases)?,
        _ => Vec::new(),
    };
    let interrupted = crate::engine::interrupt::defer_signals();
    for ((realm, (token, _)), user) in a.realms.iter().zip(&a.tokens).zip(users) {
        let changed = set_up(env, &git, realm, &user, token, &helper)?;
        report.changed |= changed;
        report.hosts.push(SetupHost {
            host: realm.to_string(),
            user: Redacted::new(&user),
            cache: a.cache,
            changed,
        });
        if interrupted.load(std::sync::atomic::Ordering::SeqCst) {
            output::warn("interrupted: the hosts above are set up, the rest are not");
            return Ok(SetupOutcome {
                report,
                code: error::INTERRUPTED,
            });
        }
    }
    report.changed |= tie(env, &ties)?;
    let mut code = error::OK;
    if !a.dirs.is_empty() {
        code = migrate(env, req, &a, prompter, &mut report)?;
    }
    Ok(SetupOutcome { report, code })
}

/// The realms, their tokens, the cache mode and timeout, and the folders: flags first, then
/// questions on a terminal, else a usage error.
fn answers(env: &Env, git: &Git, req: &SetupRequest, prompter: Prompter) -> Result<Answers> {
    let ask = prompter.can_ask();
    let realms = match (&req.realms[..], ask) {
        ([], true) => ask_hosts(prompter)?,
        ([], false) => return Err(usage("--host is needed without a terminal to ask on")),
        (given, _) => given.to_vec(),
    };
    if !req.aliases.is_empty() {
        if realms.len() != 1 || realms[0].org().is_some() {
            return Err(usage(
                "--alias goes with exactly one --host (not an organization)",
            ));
        }
        if req.opts.no_verify {
            return Err(usage(
                "--alias ties the alias to the token's verified login: it cannot go with --no-verify",
            ));
        }
    }
    one_token_one_server(req, &realms)?;
    // Each forge first: it decides which environment variables may hold the realm's token.
    let mut forges = Vec::new();
    for realm in &realms {
        forges.push(resolve_realm(env, git, realm, &req.opts, prompter)?.0);
    }
    let stdin_token = match req.opts.token_stdin {
        true => Some(sources::read_stdin_token()?),
        false => None,
    };
    let mut tokens = Vec::new();
    for (realm, forge) in realms.iter().zip(&forges) {
        let lookup = Lookup {
            env,
            git,
            realm,
            // A token already stored belongs to some account: not the one to tie an alias to.
            stored: req.aliases.is_empty(),
            forge: *forge,
            prompter,
        };
        tokens.push(sources::for_setup(stdin_token.as_ref(), &lookup)?);
    }
    let given = req.opts.given_mode();
    let cache = match given {
        Some(c) => c,
        None if ask => choose_mode(None, env, prompter)?,
        None => {
            return Err(usage(
                "--cache is needed without a terminal to ask on (memory, store or keyring)",
            ));
        }
    };
    let timeout = match (cache, req.opts.timeout) {
        (CacheMode::Memory, Some(t)) => t,
        (CacheMode::Memory, None) if ask && given.is_none() => ask_timeout(prompter)?,
        _ => DEFAULT_TIMEOUT,
    };
    let (dirs, fix_insteadof) = folders(env, req, prompter)?;
    Ok(Answers {
        realms,
        forges,
        tokens,
        cache,
        timeout,
        dirs,
        fix_insteadof,
    })
}

/// `--token-stdin` reads one token, and a token belongs to one server: with hosts on several
/// servers it is refused before anything is read or sent (organizations of one host share
/// it).
fn one_token_one_server(req: &SetupRequest, realms: &[Realm]) -> Result<()> {
    let mut hosts: Vec<&str> = realms.iter().map(Realm::host).collect();
    hosts.sort_unstable();
    hosts.dedup();
    if req.opts.token_stdin && hosts.len() > 1 {
        return Err(usage(format!(
            "--token-stdin reads one token, and one token cannot serve several servers ({}): run setup once per host, each with its own token on stdin, or leave --token-stdin out and set each forge's token variable (GH_TOKEN, GH_ENTERPRISE_TOKEN, GITLAB_TOKEN, AZURE_DEVOPS_EXT_PAT)",
            hosts.join(", ")
        )));
    }
    Ok(())
}

/// The folders to migrate (asked in a fully guided run) and whether to remove the rules that
/// force SSH, each checked before any token is stored.
fn folders(env: &Env, req: &SetupRequest, prompter: Prompter) -> Result<(Vec<PathBuf>, bool)> {
    let ask = prompter.can_ask();
    let mut dirs = req.migrate.clone();
    let mut fix_insteadof = req.fix_insteadof;
    if ask && req.realms.is_empty() && dirs.is_empty() {
        dirs = ask_folders(prompter)?;
        if !dirs.is_empty() && !fix_insteadof {
            fix_insteadof = ask_rules(env, prompter)?;
        }
    }
    if !dirs.is_empty() && !req.yes && !ask {
        return Err(usage("--migrate needs --yes without a terminal to ask on"));
    }
    // `~/` is the home folder even where no shell expanded it (an Ansible argv).
    let dirs = dirs
        .iter()
        .map(|d| {
            settings::existing_dir(env, &env.tilde(d))
                .map_err(|e| usage(format!("--migrate {}", Redacted::new(&format!("{e:#}")))))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((dirs, fix_insteadof))
}

/// The token verified with the realm's forge and proven: the user name git will send with it.
fn identify(
    env: &Env,
    git: &Git,
    realm: &Realm,
    forge: Option<Forge>,
    opts: &TokenOptions,
    token: &Secret,
) -> Result<String> {
    let Some(forge) = forge.filter(|_| !opts.no_verify) else {
        return Ok(user_for(realm, forge, None));
    };
    let info = verify::verify(
        forge,
        opts.api_url.as_deref(),
        env,
        git,
        realm.host(),
        token,
    )?;
    let user = user_for(realm, Some(forge), Some(&info));
    verify::prove_with_git(env, git, realm, &user, token)?;
    Ok(user)
}

/// Logs the realm in, unless it is set up exactly so already; returns whether it changed.
fn set_up(
    env: &Env,
    git: &Git,
    realm: &Realm,
    user: &str,
    token: &Secret,
    helper: &HelperLine,
) -> Result<bool> {
    if already_set_up(env, git, realm, user, token, helper) {
        env.out.note(format!(
            "{realm}: already set up for {user}; nothing changed"
        ));
        return Ok(false);
    }
    let plan = LoginPlan {
        realm,
        user,
        token,
        helper: helper.clone(),
    };
    let done = transaction::login(env, git, &plan)?;
    match &done.storage {
        Storage::Keyring => keyring_note(env, done.keystore.as_ref()),
        // As login says it: a token in plain text is worth a warning whoever stored it.
        Storage::Store(f) => output::warn(format!(
            "the token is stored in plain text in {}",
            f.display()
        )),
        Storage::Memory => {}
    }
    env.out.note(format!(
        "{realm}: logged in as {user}; git remembers the token in {} ({} in the global config)",
        done.storage.describe(),
        helper_key(realm.as_str())
    ));
    Ok(true)
}

/// Ties the aliases after the login (and before a migration, which rewrites through the
/// ties); an identical tie is no change. Returns whether anything changed.
fn tie(env: &Env, ties: &[Tie]) -> Result<bool> {
    if ties.is_empty() {
        return Ok(false);
    }
    let existing = settings::aliases(env)?;
    let changed = ties.iter().any(|t| !existing.contains(t));
    if changed {
        settings::tie_aliases(env, ties)?;
    }
    for (alias, base) in ties {
        env.out.note(format!(
            "{alias} is tied to {}: its remotes migrate to {base}/OWNER/REPO",
            Redacted::new(base)
        ));
    }
    Ok(changed)
}

/// Migrates the folders' checkouts: on a terminal the plan is shown and confirmed first.
fn migrate(
    env: &Env,
    req: &SetupRequest,
    a: &Answers,
    prompter: Prompter,
    report: &mut SetupReport,
) -> Result<u8> {
    let mut shown = false;
    let opts = |dry_run: bool, plan_shown: bool| MigrateOptions {
        selection: crate::engine::Selection {
            paths: a.dirs.clone(),
            recursive: true,
            ..crate::engine::Selection::default()
        },
        maps: req.maps.clone(),
        fix_insteadof: a.fix_insteadof,
        dry_run,
        yes: true,
        plan_shown,
        // Setup's own summary ends with how to undo the run.
        caller_summarizes: true,
        ..MigrateOptions::default()
    };
    if prompter.can_ask() && !req.yes {
        crate::engine::migrate::run(&opts(true, false), env, &mut Migrated::default())?;
        shown = true;
        crate::engine::interrupt::asking("the hosts above are set up; checkouts left as they are");
        if !prompter
            .confirm("Migrate these checkouts?", true)
            .context("cannot read the answer")?
        {
            env.out.note("checkouts left as they are");
            return Ok(error::OK);
        }
    }
    let mut done = Migrated::default();
    let code = crate::engine::migrate::run(&opts(false, shown), env, &mut done)?;
    report.migrated_urls = done.written;
    report.rules_removed = done.rules;
    report.run = done.run;
    report.changed |= done.written + done.rules > 0;
    Ok(code)
}

/// Whether the realm already has exactly this setup: the same helper lines, git's chain giving
/// this token for this user, the store file private, and the login record in place.
fn already_set_up(
    env: &Env,
    git: &Git,
    realm: &Realm,
    user: &str,
    token: &Secret,
    helper: &HelperLine,
) -> bool {
    let want: Vec<String> = [HelperLine::Reset, helper.clone()]
        .iter()
        .map(HelperLine::render)
        .collect();
    if git.helpers(realm.as_str()).ok().as_ref() != Some(&want) {
        return false;
    }
    let gives = git
        .fill(realm.as_str(), Chain::Configured)
        .is_some_and(|c| c.password.as_ref() == Some(token) && c.username.as_deref() == Some(user));
    let private = match helper {
        HelperLine::Store { file } => {
            let f = file
                .clone()
                .unwrap_or_else(|| crate::io::git::default_store_file(env));
            file::mode(&f) == Some(0o600)
        }
        _ => true,
    };
    let recorded = Logins::new(&env.state_dir())
        .for_host(realm.as_str(), "global")
        .is_ok_and(|p| p.len() == 1);
    gives && private && recorded
}

fn ask_hosts(prompter: Prompter) -> Result<Vec<Realm>> {
    let mut realms = Vec::new();
    loop {
        let host = prompter
            .text(
                "Host (github.com, or your GitHub Enterprise host[:port])",
                Some("github.com"),
                |h| net::normalize_host(h).map(|_| ()),
            )
            .context("cannot read the host")?;
        realms.push(Realm::new(
            &net::normalize_host(&host).map_err(usage)?,
            None,
        ));
        let more = prompter
            .confirm("Set up another host?", false)
            .context("cannot read the answer")?;
        if !more {
            return Ok(realms);
        }
    }
}

fn ask_timeout(prompter: Prompter) -> Result<u64> {
    prompter
        .number("Seconds git's cache keeps the token", DEFAULT_TIMEOUT, 1)
        .context("cannot read the timeout")
}

fn ask_folders(prompter: Prompter) -> Result<Vec<PathBuf>> {
    let line = prompter
        .text(
            "Folders of checkouts to migrate to HTTPS (space-separated; empty: none)",
            Some(""),
            |_| Ok(()),
        )
        .context("cannot read the folders")?;
    Ok(line.split_whitespace().map(PathBuf::from).collect())
}

/// Offers to remove the rules that would turn migrated URLs back into SSH, listing them.
fn ask_rules(env: &Env, prompter: Prompter) -> Result<bool> {
    let rules: Vec<_> = repo::global_rules(env)?
        .into_iter()
        .filter(|r| {
            r.prefix.starts_with("https://")
                && crate::core::url::parse(&r.base)
                    .is_ok_and(|p| p.kind != crate::core::url::Kind::Https)
        })
        .collect();
    if rules.is_empty() {
        return Ok(false);
    }
    for r in &rules {
        output::warn(format!(
            "{} turns HTTPS URLs back into SSH",
            Redacted::new(&r.describe())
        ));
    }
    prompter
        .confirm(
            "Remove these rules when migrating (undo puts them back)?",
            true,
        )
        .context("cannot read the answer")
}
