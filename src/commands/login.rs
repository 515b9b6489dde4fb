//! `git-https login --host HOST`: find a token, verify it with the forge's API (reached as git
//! would reach it), prove it with git where a repository here has a remote on the host, then
//! store it transactionally (`engine::credentials`) in the chosen cache.

use std::io::BufRead;

use anyhow::{Context, Result, bail};

use crate::cli::{CacheMode, LoginArgs};
use crate::core::forge::{self, Forge};
use crate::core::helper::{HelperLine, shell_quote};
use crate::core::net;
use crate::core::redact::Redacted;
use crate::core::token::{self, Secret, Source};
use crate::core::url::{self as remote_url, Kind};
use crate::engine::credentials::{self, LoginPlan, Storage};
use crate::env::Env;
use crate::error::{self, usage, with_hint};
use crate::io::api::{self, Network};
use crate::io::git::{Chain, Git, Scope, helper_key};
use crate::io::keystore::{Backend, Keystore};
use crate::io::{repo, settings};
use crate::ui::output;
use crate::ui::report::{self, LoginReport};

pub fn run(args: LoginArgs, env: &Env) -> Result<u8> {
    if env.interactive() {
        crate::engine::apply::asking("nothing changed");
    }
    let (host, org) = net::split_scope(&args.host).map_err(usage)?;
    if args.token.file.is_some() && args.token.cache != Some(CacheMode::Store) {
        return Err(usage("--file goes with --cache store"));
    }
    if args.token.timeout.is_some() && args.token.cache.is_some_and(|c| c != CacheMode::Memory) {
        return Err(usage("--timeout goes with --cache memory"));
    }
    let scope = if args.local {
        Scope::Local(repo::discover(&env.cwd)?.root)
    } else {
        Scope::Global
    };
    if let Some(f) = &args.token.file
        && f.to_str().is_none()
    {
        return Err(usage(
            "--file must be a UTF-8 path (git config holds it as text)",
        ));
    }
    if !args.aliases.is_empty() && args.token.no_verify {
        return Err(usage(
            "--alias ties the alias to the token's verified login: it cannot go with --no-verify",
        ));
    }
    let git = Git::new(env, scope)?;
    let forge = if args.token.no_verify {
        args.token.forge.or_else(|| forge::detect(&host))
    } else {
        Some(resolve_forge(args.token.forge, env, &git, &host)?)
    };
    // The credential's scope: the host, or an Azure DevOps organization on it.
    let cscope = credential_scope(&host, org.as_deref(), forge)?;
    if org.is_some() && !args.aliases.is_empty() {
        return Err(usage("--alias goes with a host, not an organization"));
    }
    let recorded = check_scope(env, &git, &host, &cscope)?;
    // A token already stored belongs to some account: with several on the host, or an alias
    // to tie, which one is meant is not known, so it is asked for (or piped in). With one,
    // it is that account's (a login moving it to another cache mode).
    let mut users: Vec<&str> = recorded
        .iter()
        .filter(|p| p.host == cscope && !p.user.is_empty())
        .map(|p| p.user.as_str())
        .collect();
    users.sort_unstable();
    users.dedup();
    let reuse = args.aliases.is_empty() && users.len() <= 1;
    let (mut token, source) = find_token(args.token.token_stdin, env, &git, &cscope, reuse, forge)?;
    output::note(format!(
        "using the token from {source} ({})",
        token.kind().describe()
    ));
    let mut rep = LoginReport::new(&cscope, git.scope.describe());
    let user = match forge {
        // Unverified: the name a forge wants with a bare token (an organization's own, below).
        _ if args.token.no_verify => org.clone().unwrap_or_else(|| {
            forge.map_or_else(
                || "x-access-token".to_string(),
                |f| f.git_username("x-access-token"),
            )
        }),
        None => unreachable!("a forge is resolved unless --no-verify"),
        Some(forge) => {
            let check =
                |t: &Secret| verify(forge, args.token.api_url.as_deref(), env, &git, &host, t);
            let info = match check(&token) {
                // A token found already stored may be stale: on a terminal, ask for a new one.
                Err(e)
                    if matches!(source, Source::Keyring | Source::GitHelper)
                        && env.interactive() =>
                {
                    output::warn(format!("{e:#}"));
                    (token, _) = find_token(
                        args.token.token_stdin,
                        env,
                        &git,
                        &cscope,
                        false,
                        Some(forge),
                    )?;
                    check(&token)?
                }
                other => other?,
            };
            rep.verified = true;
            rep.scopes = info.scopes.clone();
            rep.expires = info.expires.clone();
            // Azure DevOps ignores the name: an organization's token is kept under the
            // organization's, so that each one's stays apart from the others' on the host.
            let user = org
                .clone()
                .unwrap_or_else(|| forge.git_username(&info.login));
            rep.proof = Some(prove_with_git(env, &git, &cscope, &user, &token)?);
            user
        }
    };

    // Checked before anything is stored: each alias must lead to this host.
    let ties = alias_ties(env, &host, &user, &args.aliases)?;
    let mode = choose_mode(args.token.cache, env)?;
    if args.token.timeout.is_some() && mode != CacheMode::Memory {
        return Err(usage("--timeout goes with --cache memory"));
    }
    let helper = match mode {
        CacheMode::Memory => HelperLine::Cache {
            timeout: args.token.timeout.unwrap_or(3600),
        },
        CacheMode::Store => HelperLine::Store {
            file: args.token.file.as_ref().map(|f| env.abs(f)),
        },
        CacheMode::Keyring => HelperLine::Keyring {
            exe: env.exe()?.to_path_buf(),
        },
    };
    let shadowed = git.inherited_helpers();
    // From here Ctrl-C or SIGTERM lets the transaction finish (stored and proven, or rolled
    // back) instead of cutting it in half; git's config and helper children run in their own
    // process group, so the terminal's signal does not reach them either.
    let interrupted = crate::engine::apply::defer_signals();
    let done = credentials::login(
        env,
        &git,
        &LoginPlan {
            host: &cscope,
            user: &user,
            token: &token,
            helper: helper.clone(),
        },
    )?;
    if interrupted.load(std::sync::atomic::Ordering::SeqCst) {
        output::warn("interrupted after the login completed");
    }
    rep.user = Some(user.clone());
    written(&mut rep, &done, &helper_key(&cscope));
    if !ties.is_empty() {
        settings::tie_aliases(env, &ties).with_context(|| {
            format!("logged in to {host} as {user}, but the aliases were not tied to the account")
        })?;
        rep.aliases = ties.iter().map(|(a, _)| Redacted::new(a)).collect();
    }
    if args.json {
        let mut out = output::stdout();
        report::json(&mut out, &report::Line::Login(rep))?;
        std::io::Write::flush(&mut out)?;
    }
    if let Some(mode) = done.loosened_mode {
        output::note(format!(
            "{} was mode {mode:04o}; now 0600",
            done.storage.describe()
        ));
    }
    match &done.storage {
        Storage::Memory => output::note(format!(
            "git's credential cache holds the token for {} seconds",
            args.token.timeout.unwrap_or(3600)
        )),
        Storage::Store(f) => output::warn(format!(
            "the token is stored in plain text in {}",
            f.display()
        )),
        Storage::Keyring => keyring_note(done.keystore.as_ref()),
    }
    for s in &done.removed {
        output::note(format!(
            "removed the earlier token for {cscope} from {}",
            s.describe()
        ));
    }
    for (s, why) in &done.left {
        output::warn(format!(
            "could not remove the earlier token for {cscope} from {}: {why}",
            s.describe()
        ));
    }
    output::note(format!(
        "wrote {} = {} in the {} config",
        helper_key(&cscope),
        done.lines
            .iter()
            .map(|l| format!("{l:?}"))
            .collect::<Vec<_>>()
            .join(", "),
        git.scope.describe()
    ));
    if !shadowed.is_empty() {
        output::note(format!(
            "for {host}, this replaces the helpers set for every host: {}",
            shadowed
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    for (alias, base) in &ties {
        output::note(format!(
            "tied {alias} to {user}: migrate rewrites git@{alias}:OWNER/REPO to {base}/OWNER/REPO ({})",
            settings::config_file(env).display()
        ));
    }
    output::note(format!(
        "logged in to {cscope} as {user}: git credential fill returns the token from {}",
        done.storage.describe()
    ));
    let accounts = &done.accounts;
    // One helper line per host: its timeout is every account's the next time git stores one.
    let old_timeout = done
        .replaced
        .iter()
        .find_map(|l| match HelperLine::parse(l) {
            Some(HelperLine::Cache { timeout }) => Some(timeout),
            _ => None,
        });
    if let (true, Some(old), HelperLine::Cache { timeout }) =
        (accounts.len() > 1, old_timeout, &helper)
        && old != *timeout
    {
        output::warn(format!(
            "{cscope}'s helper line now says --timeout={timeout} (it said {old}): the other accounts' tokens get it too the next time git stores them"
        ));
    }
    if accounts.len() > 1 {
        output::hint(format!(
            "{cscope} has {} accounts ({}): a remote URL that names none gets whichever the helper answers first; name one with https://LOGIN@{cscope}/… (login --alias, or migrate --map ALIAS=https://LOGIN@{cscope})",
            accounts.len(),
            accounts.join(", ")
        ));
    }
    Ok(error::OK)
}

/// What a credential scope must not meet before anything is stored: `useHttpPath` on for an
/// organization, or an organization beside its bare host (they share git's helpers, so a URL
/// on the host outside every organization would be answered with some organization's token).
/// Returns every recorded login.
pub(crate) fn check_scope(
    env: &Env,
    git: &Git,
    host: &str,
    cscope: &str,
) -> Result<Vec<crate::io::logins::Place>> {
    let http_path = git.urlmatch(
        "credential.useHttpPath",
        &format!("https://{cscope}/"),
        Some("bool"),
    )?;
    if cscope.contains('/') && http_path.as_deref() == Some("true") {
        return Err(with_hint(
            format!(
                "credential.useHttpPath is on for https://{cscope}: git would ask for each repository's own path, and no token kept for the organization would answer"
            ),
            format!(
                "`git config --show-origin --get-urlmatch credential.useHttpPath https://{cscope}/` shows where it is set; remove it there, then log in again"
            ),
        ));
    }
    let recorded = crate::io::logins::Logins::new(&env.state_dir())
        .load()
        .unwrap_or_default();
    let clash = recorded.iter().find(|p| {
        !p.user.is_empty()
            && net::scope_host(&p.host) == host
            && p.host.contains('/') != cscope.contains('/')
    });
    if let Some(p) = clash {
        return Err(usage(format!(
            "{host} has a login for {} already: organizations and the host itself cannot both be logged in (`git-https logout --host {}` first)",
            p.host, p.host
        )));
    }
    Ok(recorded)
}

/// `HOST`, or `HOST/ORG` for an Azure DevOps organization on `dev.azure.com` (its tokens are
/// per organization); an organization anywhere else, or none on `dev.azure.com`, is refused.
pub(crate) fn credential_scope(
    host: &str,
    org: Option<&str>,
    forge: Option<Forge>,
) -> Result<String> {
    let azure = forge == Some(Forge::Azure);
    match org {
        Some(o) if azure => Ok(format!("{host}/{o}")),
        Some(_) => Err(usage(format!(
            "--host {host}/…: an organization goes with Azure DevOps (--forge azure) only"
        ))),
        None if azure && host == "dev.azure.com" => Err(usage(
            "Azure DevOps tokens are per organization: --host dev.azure.com/ORGANIZATION",
        )),
        None => Ok(host.to_string()),
    }
}

/// Each `--alias` with the base that carries the account: where the alias leads (its ssh
/// `HostName`, or a host rule for that host) with the login as the URL's user name. An alias
/// that leads to another host, or that `[hosts]` already maps (it would win over the tie),
/// is refused.
pub(crate) fn alias_ties(
    env: &Env,
    host: &str,
    login: &str,
    aliases: &[String],
) -> Result<Vec<(String, String)>> {
    if aliases.is_empty() {
        return Ok(Vec::new());
    }
    if login == "x-token-auth" {
        return Err(usage(
            "--alias: Bitbucket access tokens all go with the user name x-token-auth, so an alias cannot tell one from another",
        ));
    }
    // Read as migrate will read it (`[aliases]` included), before anything is stored.
    let rules = settings::load_host_rules(env, &[])?;
    let known = rules.ssh.aliases();
    let mut ties = Vec::new();
    for alias in aliases {
        let a = alias.trim().to_ascii_lowercase();
        // Not echoed: a token pasted into the wrong flag must not be printed back.
        let bad_shape = a.is_empty()
            || a.contains(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
            || crate::core::token::holds_secret(&a);
        if bad_shape {
            return Err(usage(
                "--alias: expected the Host name of an ~/.ssh/config entry (github-work)",
            ));
        }
        // The host itself would tie every one of its SSH remotes (and every alias of it
        // without a tie) to this account.
        if a == net::host_only(host) || !known.contains(&a) {
            return Err(usage(format!(
                "--alias {a}: not a Host of ~/.ssh/config (an alias such as github-work, with HostName {})",
                net::host_only(host)
            )));
        }
        if let Some(base) = settings::hosts_rule(env, &a)? {
            return Err(usage(format!(
                "--alias {a}: [hosts] in config.toml maps it to {} already, and that rule wins; put the login there (https://{login}@…) instead",
                Redacted::new(&base)
            )));
        }
        let target = rules
            .resolve(&a, b"o/r")
            .map_err(|e| usage(format!("--alias {a}: {e}")))?;
        let mut base =
            ::url::Url::parse(&target.base).map_err(|e| usage(format!("--alias {a}: {e}")))?;
        let leads = crate::core::hosts::host_of(base.as_str()).unwrap_or_default();
        if leads != host {
            let same_name = net::host_only(&leads) == net::host_only(host);
            return Err(usage(if same_name {
                format!(
                    "--alias {a}: it leads to https://{leads}, not {host}; a [hosts] rule in config.toml (\"{}\" = \"https://{host}\") gives its port",
                    net::host_only(host)
                )
            } else {
                format!(
                    "--alias {a}: it leads to {leads}, not {host} (~/.ssh/config's HostName or a host rule)"
                )
            }));
        }
        base.set_username(login)
            .map_err(|()| usage(format!("--alias {a}: {login} cannot be a URL's user name")))?;
        ties.push((a, base.as_str().trim_end_matches('/').to_string()));
    }
    Ok(ties)
}

/// The report's record of what was written.
fn written(rep: &mut LoginReport, done: &credentials::LoginDone, key: &str) {
    rep.cache = Some(done.storage.name());
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

/// Says which keyring holds the token, and warns when it is the kernel keyring.
pub(crate) fn keyring_note(store: Option<&Keystore>) {
    let Some(k) = store else { return };
    output::note(format!("the token is in {}", k.backend.describe()));
    if k.backend == Backend::Keyutils {
        output::warn("the kernel keyring forgets the token at reboot (log in again then)");
        if let Some(why) = &k.fallback {
            output::hint(format!(
                "no Secret Service answered ({why}); install and unlock one (gnome-keyring, KeePassXC) to keep the token across reboots, or use --cache store"
            ));
        }
    }
}

/// The first line of standard input, as a token (not yet cleaned).
pub(crate) fn read_stdin_token() -> Result<Secret> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        // Typed or pasted at a terminal: hidden, and asked for, not read from an echoing line.
        let typed = zeroize::Zeroizing::new(
            dialoguer::Password::new()
                .with_prompt("Token (input hidden)")
                .allow_empty_password(true)
                .interact()
                .context("cannot read the token from the terminal")?,
        );
        if typed.trim().is_empty() {
            return Err(crate::error::usage(
                "--token-stdin: standard input held no token",
            ));
        }
        return Ok(Secret::new(typed.to_string()));
    }
    let mut line = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the token from standard input")?;
    if line.trim().is_empty() {
        return Err(crate::error::usage(
            "--token-stdin: standard input held no token",
        ));
    }
    let value = line.strip_suffix('\n').unwrap_or(&line);
    Ok(Secret::new(
        value.strip_suffix('\r').unwrap_or(value).to_string(),
    ))
}

/// Sources in order: stdin, the environment, the keyring or git's helpers (unless
/// `stored` is false), the prompt.
pub(crate) fn find_token(
    token_stdin: bool,
    env: &Env,
    git: &Git,
    host: &str,
    stored: bool,
    forge: Option<Forge>,
) -> Result<(Secret, Source)> {
    let clean = |raw: &str, source: Source| {
        let (secret, warnings) = token::clean(raw);
        for w in warnings {
            output::warn(w);
        }
        (secret, source)
    };
    if token_stdin {
        return Ok(clean(read_stdin_token()?.expose(), Source::Stdin));
    }
    if let Some((var, value)) = env.token(token::env_vars(host)) {
        return Ok(clean(value.expose(), Source::Env(var)));
    }
    if stored {
        // An organization's token is kept on its host under the organization's name.
        let place = crate::io::keystore::Place::https(net::scope_host(host));
        if let Ok(Some(found)) = Keystore::open(env.keyring_choice.as_deref())
            .and_then(|k| k.find(&place, net::scope_org(host)))
        {
            return Ok((found.token, Source::Keyring));
        }
        if let Some(p) = git.fill(host, Chain::Configured).and_then(|c| c.password) {
            return Ok((p, Source::GitHelper));
        }
    }
    if !env.interactive() {
        let vars = token::env_vars(host).join(" or ");
        return Err(with_hint(
            format!("no token for {host}, and no terminal to ask on"),
            format!("pipe it in with --token-stdin, or set {vars}"),
        ));
    }
    let (page, scopes) = forge.unwrap_or(Forge::GitHub).token_page(host);
    output::note(format!(
        "Create a token at {page} with {scopes}, then paste it here."
    ));
    let raw = zeroize::Zeroizing::new(
        dialoguer::Password::new()
            .with_prompt(format!("Token for {host}"))
            .interact()
            .context("cannot read the token")?,
    );
    Ok(clean(&raw, Source::Prompt))
}

/// How git would reach `url`: the CA file and folder, verification and proxy it would use.
pub(crate) fn network(env: &Env, git: &Git, url: &str) -> Result<Network> {
    let ca_file = match &env.git_ssl_cainfo {
        Some(p) => Some(p.clone()),
        None => git
            .urlmatch("http.sslCAInfo", url, Some("path"))?
            .map(Into::into),
    };
    let ca_path = match &env.git_ssl_capath {
        Some(p) => Some(p.clone()),
        None => git
            .urlmatch("http.sslCAPath", url, Some("path"))?
            .map(Into::into),
    };
    let verify = !env.git_ssl_no_verify
        && git
            .urlmatch("http.sslVerify", url, Some("bool"))?
            .as_deref()
            != Some("false");
    let (mut proxy, mut proxy_from) = match git.urlmatch("http.proxy", url, None)? {
        Some(p) if !p.is_empty() => (Some(p), Some("http.proxy".to_string())),
        _ => (None, None),
    };
    if proxy.is_none() && url.starts_with("https://") {
        if let Some(p) = &env.https_proxy {
            (proxy, proxy_from) = (Some(p.clone()), Some("HTTPS_PROXY".to_string()));
        } else if let Some(p) = &env.all_proxy {
            (proxy, proxy_from) = (Some(p.clone()), Some("ALL_PROXY".to_string()));
        }
    }
    let host = ::url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    if env
        .no_proxy
        .as_deref()
        .is_some_and(|np| net::no_proxy_matches(np, &host))
    {
        (proxy, proxy_from) = (None, None);
    }
    Ok(Network {
        ca_file,
        ca_path,
        verify,
        proxy,
        proxy_from,
    })
}

/// Which forge `host` runs: `--forge`, else known from its name, else `config.toml`'s
/// `[forges]`, else its public endpoints (never sending the token), else asked on a terminal.
pub(crate) fn resolve_forge(
    given: Option<Forge>,
    env: &Env,
    git: &Git,
    host: &str,
) -> Result<Forge> {
    if let Some(f) = given.or_else(|| forge::detect(host)) {
        return Ok(f);
    }
    if let Some(f) = settings::configured_forge(env, host)? {
        return Ok(f);
    }
    let net = network(env, git, &format!("https://{host}/"))?;
    // Where git would not verify TLS, no token will be sent: say so before probing.
    api::check_transport(&format!("https://{host}/"), &net)?;
    match api::probe(host, &net) {
        Ok(Some(f)) => {
            output::note(format!("{host} runs {f} (from its public API)"));
            return Ok(f);
        }
        Ok(None) => {}
        Err(why) => {
            return Err(with_hint(
                format!(
                    "cannot reach {host} to tell which forge it runs: {why}; nothing was stored"
                ),
                "--forge names the forge (github, gitlab, gitea, bitbucket, azure); --no-verify skips the check",
            ));
        }
    }
    if env.interactive() {
        let all = [
            Forge::GitHub,
            Forge::GitLab,
            Forge::Gitea,
            Forge::Bitbucket,
            Forge::Azure,
        ];
        let pick = dialoguer::Select::new()
            .with_prompt(format!("Which forge does {host} run?"))
            .items(all.iter().map(ToString::to_string))
            .default(0)
            .interact()?;
        return Ok(all[pick]);
    }
    Err(usage(format!(
        "cannot tell which forge {host} runs: --forge github|gitlab|gitea|bitbucket|azure"
    )))
}

pub(crate) fn verify(
    forge: Forge,
    api_url: Option<&str>,
    env: &Env,
    git: &Git,
    host: &str,
    token: &Secret,
) -> Result<api::TokenInfo> {
    let api_base = api_url.map_or_else(
        || forge.api_base(host),
        |u| u.trim_end_matches('/').to_string(),
    );
    let net = network(env, git, &format!("{api_base}/user"))?;
    output::diag(format!(
        "checking the token at {api_base}/user with {}",
        net.describe()
    ));
    let info = match api::verify(forge, &api_base, host, token, &net)? {
        Ok(info) => info,
        Err(e @ api::VerifyError::Rejected { .. }) => {
            bail!("{e}; nothing was stored");
        }
        Err(e) => {
            return Err(with_hint(
                format!("{e}; nothing was stored"),
                format!(
                    "the API for {host} is {api_base} unless --api-url names another; --no-verify skips the check"
                ),
            ));
        }
    };
    match &info.scopes {
        Some(_) if info.lacks_repo() => {
            let (page, scopes) = forge.token_page(host);
            output::warn(format!(
                "this token lacks the `{scopes}` scope: git can only read with it ({page})"
            ))
        }
        Some(scopes) => output::note(format!("token scopes: {}", scopes.join(", "))),
        None => output::note(
            "no scopes header: a fine-grained token (give it Contents read/write on the repositories you push to)",
        ),
    }
    if let Some(exp) = &info.expires {
        output::note(format!("the token expires {exp}"));
    }
    Ok(info)
}

/// Where the repository at hand has an HTTPS remote on `host`, proves the token with
/// `git ls-remote` before anything is stored. git runs where the scope says (a neutral folder
/// for the global scope), asks only a helper that answers for `https://HOST` alone, and gets
/// the token from that helper's environment, never argv. A URL that `insteadOf` sends to
/// another host, or a URL git would not verify TLS for, is not tried.
pub(crate) fn prove_with_git(
    env: &Env,
    git: &Git,
    scope: &str,
    login: &str,
    token: &Secret,
) -> Result<String> {
    let host = net::scope_host(scope);
    // Under an organization's scope, only its repositories; a URL naming another account
    // would not be asked for this one.
    let in_scope = |p: &remote_url::RemoteUrl, v: &str| {
        net::scope_org(scope).is_none_or(|org| {
            ::url::Url::parse(v).is_ok_and(|u| u.path().starts_with(&format!("/{org}/")))
        }) && crate::core::hosts::account_of(v).is_none_or(|u| u == login)
            && p.kind == Kind::Https
    };
    let skipped = |why: String| {
        output::note(format!("not proven with git: {why}"));
        Ok(format!("skipped: {why}"))
    };
    let Ok(repo) = repo::discover(&env.cwd) else {
        return Ok("skipped: not in a repository".to_string());
    };
    let Ok(parsed) = repo::read_config(&repo.config) else {
        return Ok("skipped: the repository's config cannot be read".to_string());
    };
    let url = repo::slots_of(crate::core::change::FileKind::Config, &parsed.entries)
        .into_iter()
        .filter(|s| s.is_remote())
        .map(|s| s.value)
        .find(|v| {
            remote_url::parse(v).is_ok_and(|p| {
                in_scope(&p, v)
                    && !p.leaks_credentials()
                    && p.port
                        .map_or(p.host.clone(), |port| format!("{}:{port}", p.host))
                        == host
            })
        });
    let Some(url) = url else {
        return Ok(format!("skipped: no HTTPS remote on {host} here"));
    };
    let shown = Redacted::new(&url);
    let effective = git.effective_url(&url)?;
    let same_host = remote_url::parse(&effective).is_ok_and(|p| {
        p.kind == Kind::Https
            && p.port
                .map_or(p.host.clone(), |port| format!("{}:{port}", p.host))
                == host
    });
    if !same_host {
        return skipped(format!(
            "an insteadOf rule sends {shown} to {}; the token is not tried there",
            Redacted::new(&effective)
        ));
    }
    let verify = !env.git_ssl_no_verify
        && git
            .urlmatch("http.sslVerify", &effective, Some("bool"))?
            .as_deref()
            != Some("false");
    if !verify {
        return skipped(format!(
            "git does not verify TLS for {shown} (http.sslVerify=false or GIT_SSL_NO_VERIFY)"
        ));
    }
    let helper = format!("!{} credential --from-env", shell_quote(env.exe()?));
    let proof_url = format!("https://{host}");
    // The URL as the remote holds it: git applies the rules once, as it will for the user.
    let result = git.ls_remote_with(
        &url,
        &helper,
        &[
            ("GIT_HTTPS_PROOF_URL", proof_url.as_str()),
            ("GIT_HTTPS_PROOF_USER", login),
            ("GIT_HTTPS_PROOF_TOKEN", token.expose()),
        ],
    )?;
    if let Err(why) = result {
        bail!(
            "the API accepted the token, but git was refused by {host} for {shown}: {}; nothing was stored",
            Redacted::new(&why)
        );
    }
    output::note(format!("git ls-remote {shown} works with the token"));
    Ok(format!("git ls-remote {shown}"))
}

pub(crate) fn choose_mode(cache: Option<CacheMode>, env: &Env) -> Result<CacheMode> {
    let mode = match cache {
        Some(m) => m,
        None if env.interactive() => {
            // Only the choices that work here: no cache daemon on Windows, a keyring only
            // where one answers (and said to be the kernel's when that is all there is).
            let mut choices: Vec<(CacheMode, String)> = Vec::new();
            if !cfg!(windows) {
                choices.push((
                    CacheMode::Memory,
                    "memory: git's credential cache, forgotten after the timeout".into(),
                ));
            }
            choices.push((
                CacheMode::Store,
                "store: a plain-text file (~/.git-credentials), mode 0600".into(),
            ));
            match Keystore::open(env.keyring_choice.as_deref()) {
                Ok(k) if k.backend == Backend::Keyutils => choices.push((
                    CacheMode::Keyring,
                    "keyring: the kernel keyring (forgotten at reboot)".into(),
                )),
                Ok(k) => choices.push((
                    CacheMode::Keyring,
                    format!("keyring: {}", k.backend.describe()),
                )),
                Err(_) => {}
            }
            let pick = dialoguer::Select::new()
                .with_prompt("How should git remember the token?")
                .items(choices.iter().map(|(_, label)| label.as_str()))
                .default(0)
                .interact()?;
            choices[pick].0
        }
        None => CacheMode::Memory,
    };
    if mode == CacheMode::Memory && cfg!(windows) {
        bail!(
            "--cache memory needs unix sockets, which git's credential cache does not have on Windows; use keyring or store"
        );
    }
    Ok(mode)
}
