//! `git-https setup`: a new machine in one run — for each host a verified token remembered the
//! chosen way (the transactional login), then optionally every checkout under some folders
//! migrated (with `--fix-insteadof`, the rules that would force SSH back removed). Guided on a
//! terminal when an answer is missing; scripted with flags, where a missing answer is a usage
//! error, never a hang. Idempotent: a second identical run changes no byte and says so, and
//! `--json` ends with one line carrying `changed`.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::cli::{CacheMode, MigrateArgs, Selection, SetupArgs};
use crate::commands::{login, migrate};
use crate::core::helper::HelperLine;
use crate::core::net;
use crate::core::redact::Redacted;
use crate::core::token::{self, Secret, Source};
use crate::engine::credentials::{self, LoginPlan, Storage};
use crate::env::Env;
use crate::error::{self, usage};
use crate::io::git::{Chain, Git, Scope, helper_key};
use crate::io::logins::Logins;
use crate::io::settings;
use crate::ui::output;
use crate::ui::report::{self, Line, SetupHost, SetupReport};

pub fn run(args: SetupArgs, env: &Env) -> Result<u8> {
    let ask = env.interactive();
    if ask {
        crate::engine::apply::asking("nothing changed");
    }
    if args.token.file.is_some() && args.token.cache.is_some_and(|c| c != CacheMode::Store) {
        return Err(usage("--file goes with --cache store"));
    }
    if args.token.timeout.is_some() && args.token.cache.is_some_and(|c| c != CacheMode::Memory) {
        return Err(usage("--timeout goes with --cache memory"));
    }
    let hosts = match (&args.hosts[..], ask) {
        ([], true) => ask_hosts()?,
        ([], false) => return Err(usage("--host is needed without a terminal to ask on")),
        (given, _) => given
            .iter()
            .map(|h| {
                // HOST, or HOST/ORG for an Azure DevOps organization (checked once the forge
                // is known).
                net::split_scope(h)
                    .map(|(h, org)| org.map_or(h.clone(), |o| format!("{h}/{o}")))
                    .map_err(usage)
            })
            .collect::<Result<Vec<_>>>()?,
    };
    if !args.aliases.is_empty() {
        if hosts.len() != 1 || hosts[0].contains('/') {
            return Err(usage(
                "--alias goes with exactly one --host (not an organization)",
            ));
        }
        if args.token.no_verify {
            return Err(usage(
                "--alias ties the alias to the token's verified login: it cannot go with --no-verify",
            ));
        }
    }
    let git = Git::new(env, Scope::Global)?;
    // Every answer before anything changes: a scripted run missing one stops here.
    let stdin_token = if args.token.token_stdin {
        Some(login::read_stdin_token()?)
    } else {
        None
    };
    let mut tokens = Vec::new();
    for host in &hosts {
        // A token already stored belongs to some account: not the one to tie an alias to.
        let reuse = args.aliases.is_empty();
        tokens.push(token_for(
            env,
            &git,
            host,
            stdin_token.as_ref(),
            ask,
            reuse,
        )?);
    }
    let cache = match args.token.cache {
        Some(c) => c,
        None if ask => login::choose_mode(None, env)?,
        None => {
            return Err(usage(
                "--cache is needed without a terminal to ask on (memory, store or keyring)",
            ));
        }
    };
    let timeout = match (cache, args.token.timeout) {
        (CacheMode::Memory, Some(t)) => t,
        (CacheMode::Memory, None) if ask && args.token.cache.is_none() => ask_timeout()?,
        (CacheMode::Memory, None) => 3600,
        (_, Some(_)) => return Err(usage("--timeout goes with --cache memory")),
        _ => 0,
    };
    let mut dirs = args.migrate.clone();
    let mut fix_insteadof = args.fix_insteadof;
    if ask && args.hosts.is_empty() && dirs.is_empty() {
        dirs = ask_folders()?;
        if !dirs.is_empty() && !fix_insteadof {
            fix_insteadof = ask_rules(env)?;
        }
    }
    if !dirs.is_empty() && !args.yes && !ask {
        return Err(usage("--migrate needs --yes without a terminal to ask on"));
    }
    // Folders are checked before any token is stored; `~/` is the home folder even where no
    // shell expanded it (an Ansible argv).
    let dirs = dirs
        .iter()
        .map(|d| {
            settings::existing_dir(env, &env.tilde(d))
                .map_err(|e| usage(format!("--migrate {}", Redacted::new(&format!("{e:#}")))))
        })
        .collect::<Result<Vec<_>>>()?;

    let helper = match cache {
        CacheMode::Memory => HelperLine::Cache { timeout },
        CacheMode::Store => HelperLine::Store {
            file: args.token.file.as_ref().map(|f| env.abs(f)),
        },
        CacheMode::Keyring => HelperLine::Keyring {
            exe: env.exe()?.to_path_buf(),
        },
    };
    let mut rep = SetupReport {
        changed: false,
        hosts: Vec::new(),
        migrated_urls: 0,
        rules_removed: 0,
        run: None,
    };
    // Every host's token is verified before any is stored: one rejected stops the run whole.
    let mut users = Vec::new();
    for (host, (token, source)) in hosts.iter().zip(&tokens) {
        output::note(format!(
            "{host}: using the token from {source} ({})",
            token.kind().describe()
        ));
        let (name, org) = (net::scope_host(host), net::scope_org(host));
        users.push(if args.token.no_verify {
            let forge = args
                .token
                .forge
                .or_else(|| crate::core::forge::detect(name));
            login::credential_scope(name, org, forge)?;
            login::check_scope(env, &git, name, host)?;
            org.unwrap_or("x-access-token").to_string()
        } else {
            let forge = login::resolve_forge(args.token.forge, env, &git, name)?;
            login::credential_scope(name, org, Some(forge))?;
            login::check_scope(env, &git, name, host)?;
            let info = login::verify(forge, args.token.api_url.as_deref(), env, &git, name, token)?;
            // An Azure DevOps organization's token is kept under the organization's name.
            let user = org.map_or_else(|| forge.git_username(&info.login), str::to_string);
            login::prove_with_git(env, &git, host, &user, token)?;
            user
        });
    }
    let ties = match (&hosts[..], &users[..]) {
        ([host], [user]) => login::alias_ties(env, host, user, &args.aliases)?,
        _ => Vec::new(),
    };
    let interrupted = crate::engine::apply::defer_signals();
    for ((host, (token, _)), user) in hosts.iter().zip(&tokens).zip(users) {
        let changed = if already_set_up(env, &git, host, &user, token, &helper) {
            output::note(format!(
                "{host}: already set up for {user}; nothing changed"
            ));
            false
        } else {
            let done = credentials::login(
                env,
                &git,
                &LoginPlan {
                    host,
                    user: &user,
                    token,
                    helper: helper.clone(),
                },
            )?;
            if let Storage::Keyring = done.storage {
                login::keyring_note(done.keystore.as_ref());
            }
            output::note(format!(
                "{host}: logged in as {user}; git remembers the token in {} ({} in the global config)",
                done.storage.describe(),
                helper_key(host)
            ));
            true
        };
        rep.changed |= changed;
        rep.hosts.push(SetupHost {
            host: host.clone(),
            user: Redacted::new(&user),
            cache: match cache {
                CacheMode::Memory => "memory",
                CacheMode::Store => "store",
                CacheMode::Keyring => "keyring",
            },
            changed,
        });
        if interrupted.load(std::sync::atomic::Ordering::SeqCst) {
            output::warn("interrupted: the hosts above are set up, the rest are not");
            return Ok(130);
        }
    }

    // Tied after the login (and before --migrate, which rewrites through the ties); an
    // identical tie is no change.
    if !ties.is_empty() {
        let existing = settings::aliases(env)?;
        if ties.iter().any(|t| !existing.contains(t)) {
            settings::tie_aliases(env, &ties)?;
            rep.changed = true;
        }
        for (alias, base) in &ties {
            output::note(format!(
                "{alias} is tied to {}: its remotes migrate to {base}/OWNER/REPO",
                Redacted::new(base)
            ));
        }
    }
    let mut code = error::OK;
    if !dirs.is_empty() {
        let margs = |dry_run: bool| MigrateArgs {
            selection: Selection {
                paths: dirs.clone(),
                recursive: true,
                ..Selection::default()
            },
            map: args.map.clone(),
            remote: None,
            hosts: Vec::new(),
            submodules: false,
            gitmodules: false,
            strip_credentials: false,
            fix_insteadof,
            dry_run,
            yes: true,
            json: false,
        };
        if ask && !args.yes {
            migrate::run(margs(true), env)?;
            crate::engine::apply::asking("the hosts above are set up; checkouts left as they are");
            let go = dialoguer::Confirm::new()
                .with_prompt("Migrate these checkouts?")
                .default(true)
                .interact()
                .context("cannot read the answer")?;
            if !go {
                output::note("checkouts left as they are");
                return finish(&args, rep, code);
            }
        }
        let mut done = migrate::Migrated::default();
        code = migrate::run_migrate(margs(false), env, &mut done)?;
        rep.migrated_urls = done.written;
        rep.rules_removed = done.rules;
        rep.run = done.run;
        rep.changed |= done.written + done.rules > 0;
    }
    finish(&args, rep, code)
}

/// The closing summary: what changed and how to take it back; `--json`'s one line.
fn finish(args: &SetupArgs, rep: SetupReport, code: u8) -> Result<u8> {
    if args.json {
        let mut out = output::stdout();
        report::json(&mut out, &Line::Setup(rep))?;
        out.flush()?;
        return Ok(code);
    }
    if !rep.changed {
        output::note("already set up: nothing changed");
    }
    for h in &rep.hosts {
        output::note(format!(
            "  {}: {} ({}); undo with: git-https logout --host {}",
            h.host, h.user, h.cache, h.host
        ));
    }
    if let Some(run) = &rep.run {
        output::note(format!(
            "  checkouts: {} migrated, {} removed; undo with: git-https undo --run {run}",
            output::count(rep.migrated_urls, "URL", "URLs"),
            output::count(rep.rules_removed, "insteadOf rule", "insteadOf rules")
        ));
    }
    Ok(code)
}

/// Whether `host` already has exactly this setup: the same helper lines, git's chain giving
/// this token for this user, the store file private, and the login record in place.
fn already_set_up(
    env: &Env,
    git: &Git,
    host: &str,
    user: &str,
    token: &Secret,
    helper: &HelperLine,
) -> bool {
    let want: Vec<String> = [HelperLine::Reset, helper.clone()]
        .iter()
        .map(HelperLine::render)
        .collect();
    if git.helpers(host).ok().as_ref() != Some(&want) {
        return false;
    }
    let gives = git
        .fill(host, Chain::Configured)
        .is_some_and(|c| c.password.as_ref() == Some(token) && c.username.as_deref() == Some(user));
    let private = match helper {
        HelperLine::Store { file } => {
            let f = file
                .clone()
                .unwrap_or_else(|| crate::io::git::default_store_file(env));
            std::fs::metadata(f).is_ok_and(|m| m.permissions().mode() & 0o777 == 0o600)
        }
        _ => true,
    };
    let recorded = Logins::new(&env.state_dir())
        .for_host(host, "global")
        .is_ok_and(|p| p.len() == 1);
    gives && private && recorded
}

/// The token for `host`: `--token-stdin`'s, else the environment's, else one git's helpers or
/// the keyring already hold, else (on a terminal) asked for.
fn token_for(
    env: &Env,
    git: &Git,
    host: &str,
    stdin: Option<&Secret>,
    ask: bool,
    reuse: bool,
) -> Result<(Secret, Source)> {
    if let Some(t) = stdin {
        let (secret, warnings) = token::clean(t.expose());
        for w in warnings {
            output::warn(w);
        }
        return Ok((secret, Source::Stdin));
    }
    if !ask
        && env.token(token::env_vars(host)).is_none()
        && !(reuse && git.fill(host, Chain::Configured).is_some())
    {
        let vars = token::env_vars(host).join(" or ");
        return Err(usage(format!(
            "no token for {host} and no terminal to ask on: pipe it in with --token-stdin, or set {vars}"
        )));
    }
    login::find_token(
        false,
        env,
        git,
        host,
        reuse,
        crate::core::forge::detect(net::scope_host(host)),
    )
}

fn ask_hosts() -> Result<Vec<String>> {
    let mut hosts = Vec::new();
    loop {
        let host: String = dialoguer::Input::new()
            .with_prompt("Host (github.com, or your GitHub Enterprise host[:port])")
            .default("github.com".to_string())
            .validate_with(|h: &String| net::normalize_host(h).map(|_| ()))
            .interact_text()
            .context("cannot read the host")?;
        hosts.push(net::normalize_host(&host).map_err(usage)?);
        let more = dialoguer::Confirm::new()
            .with_prompt("Set up another host?")
            .default(false)
            .interact()
            .context("cannot read the answer")?;
        if !more {
            return Ok(hosts);
        }
    }
}

fn ask_timeout() -> Result<u64> {
    let secs: u64 = dialoguer::Input::new()
        .with_prompt("Seconds git's cache keeps the token")
        .default(3600)
        .validate_with(|s: &u64| if *s >= 1 { Ok(()) } else { Err("at least 1") })
        .interact_text()
        .context("cannot read the timeout")?;
    Ok(secs)
}

fn ask_folders() -> Result<Vec<PathBuf>> {
    let line: String = dialoguer::Input::new()
        .with_prompt("Folders of checkouts to migrate to HTTPS (space-separated; empty: none)")
        .allow_empty(true)
        .interact_text()
        .context("cannot read the folders")?;
    Ok(line.split_whitespace().map(PathBuf::from).collect())
}

/// Offers to remove the rules that would turn migrated URLs back into SSH, listing them.
fn ask_rules(env: &Env) -> Result<bool> {
    let rules: Vec<_> = crate::io::repo::global_rules(env)?
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
    dialoguer::Confirm::new()
        .with_prompt("Remove these rules when migrating (undo puts them back)?")
        .default(true)
        .interact()
        .context("cannot read the answer")
}
