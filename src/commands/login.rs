//! `git-https login --host HOST`: find a token, verify it, and make git remember it with the
//! chosen cache (memory, store or keyring), per host.

use std::io::BufRead;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context, Result, anyhow, bail};

use crate::cli::{CacheMode, LoginArgs};
use crate::core::helper::{HelperLine, shell_quote};
use crate::core::token::{self, Secret, Source};
use crate::core::url as remote_url;
use crate::env::Env;
use crate::error::{self, usage, with_hint};
use crate::io::api;
use crate::io::credential::{self, Credential, Scope};
use crate::io::keystore::Keystore;
use crate::io::repo;
use crate::ui::output;

pub fn run(args: LoginArgs, env: &Env) -> Result<u8> {
    let host = token::normalize_host(&args.host).map_err(usage)?;
    if args.file.is_some() && args.cache != Some(CacheMode::Store) {
        return Err(usage("--file goes with --cache store"));
    }
    let scope = if args.local {
        let repo = repo::discover(&env.cwd)?;
        Scope::Local(repo.root)
    } else {
        Scope::Global
    };

    let (mut token, source) = find_token(&args, env, &host, true)?;
    output::note(format!(
        "using the token from {source} ({})",
        token.kind().describe()
    ));

    let username = if args.no_verify {
        "x-access-token".to_string()
    } else {
        let info = match verify(&args, env, &host, &token) {
            // A token found already stored may be stale: on a terminal, ask for a new one.
            Err(e)
                if matches!(source, Source::Keyring | Source::GitHelper) && env.interactive() =>
            {
                output::warn(format!("{e:#}"));
                (token, _) = find_token(&args, env, &host, false)?;
                verify(&args, env, &host, &token)?
            }
            other => other?,
        };
        prove_with_git(env, &host, &info.login, &token)?;
        info.login
    };

    let mode = choose_mode(args.cache, env)?;
    let lines: Vec<String> = helper_lines(mode, &args, env)?
        .iter()
        .map(HelperLine::render)
        .collect();
    let shadowed = credential::inherited_helpers(env, scope_dir(&scope, env));
    credential::set_helpers(env, &scope, &host, &lines)?;
    if let Err(e) = remember(mode, &args, env, &scope, &host, &username, &token) {
        // Leave no helper lines pointing at a credential that was not stored.
        let _ = credential::remove_helpers(env, &scope, &host);
        return Err(e);
    }
    output::note(format!(
        "wrote {} = {} in the {} config",
        credential::helper_key(&host),
        lines
            .iter()
            .map(|l| format!("{l:?}"))
            .collect::<Vec<_>>()
            .join(", "),
        scope.describe()
    ));
    if !shadowed.is_empty() {
        output::note(format!(
            "for {host}, this replaces the helpers set for every host: {}",
            shadowed.join("; ")
        ));
    }
    output::note(format!("logged in to {host} as {username}"));
    Ok(error::OK)
}

fn scope_dir<'a>(scope: &'a Scope, env: &'a Env) -> &'a Path {
    match scope {
        Scope::Local(dir) => dir,
        Scope::Global => &env.cwd,
    }
}

/// Sources in order: stdin, the environment, the keyring or git's helpers (unless
/// `stored` is false), the prompt.
fn find_token(args: &LoginArgs, env: &Env, host: &str, stored: bool) -> Result<(Secret, Source)> {
    let clean = |raw: &str, source: Source| {
        let (secret, warnings) = token::clean(raw);
        for w in warnings {
            output::warn(w);
        }
        (secret, source)
    };
    if args.token_stdin {
        let mut line = zeroize::Zeroizing::new(String::new());
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the token from standard input")?;
        if line.trim().is_empty() {
            bail!("--token-stdin: standard input held no token");
        }
        let value = line.strip_suffix('\n').unwrap_or(&line);
        return Ok(clean(
            value.strip_suffix('\r').unwrap_or(value),
            Source::Stdin,
        ));
    }
    if let Some((var, value)) = env.token(token::env_vars(host)) {
        return Ok(clean(value.expose(), Source::Env(var)));
    }
    if stored {
        if let Ok(Some(found)) =
            Keystore::open(env.keyring_choice.as_deref()).and_then(|k| k.get(host))
        {
            return Ok((found.token, Source::Keyring));
        }
        if let Some(p) = credential::fill(env, &env.cwd, host).and_then(|c| c.password) {
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
    output::note(format!(
        "Create a token at {} with the `repo` scope, then paste it here.",
        token::new_token_url(host)
    ));
    let raw = zeroize::Zeroizing::new(
        dialoguer::Password::new()
            .with_prompt(format!("Token for {host}"))
            .interact()
            .context("cannot read the token")?,
    );
    Ok(clean(&raw, Source::Prompt))
}

/// The CA bundle git would use for this host: `GIT_SSL_CAINFO`, else `http.sslCAInfo`.
fn ca_file(env: &Env, host: &str) -> Option<PathBuf> {
    if let Some(p) = &env.git_ssl_cainfo {
        return Some(p.clone());
    }
    let out = credential::git(env)
        .current_dir(&env.cwd)
        .args([
            "config",
            "--get-urlmatch",
            "http.sslCAInfo",
            &format!("https://{host}/"),
        ])
        .output()
        .ok()?;
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
}

fn verify(args: &LoginArgs, env: &Env, host: &str, token: &Secret) -> Result<api::TokenInfo> {
    let api_base = token::api_base(host, args.api_url.as_deref());
    let info = match api::verify(&api_base, host, token, ca_file(env, host).as_deref())? {
        Ok(info) => info,
        Err(e @ api::VerifyError::Rejected { .. }) => {
            return Err(anyhow!("{e}; nothing was stored"));
        }
        Err(e) => {
            return Err(with_hint(
                format!("{e}; nothing was stored"),
                "--api-url names the API; --no-verify skips the check",
            ));
        }
    };
    match &info.scopes {
        Some(_) if info.lacks_repo() => output::warn(format!(
            "this classic token lacks the `repo` scope: git can only read public repositories with it ({})",
            token::new_token_url(host)
        )),
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
/// `git ls-remote` before anything is stored. git gets the credential from a helper that reads
/// it from its own environment: never from argv.
fn prove_with_git(env: &Env, host: &str, login: &str, token: &Secret) -> Result<()> {
    let Ok(repo) = repo::discover(&env.cwd) else {
        return Ok(());
    };
    let Ok(parsed) = repo::read_config(&repo.config) else {
        return Ok(());
    };
    let url = repo::slots_of(crate::core::plan::FileKind::Config, &parsed.entries)
        .into_iter()
        .map(|s| s.value)
        .find(|v| {
            remote_url::parse(v).is_ok_and(|p| {
                p.kind == remote_url::Kind::Https
                    && !p.leaks_credentials()
                    && p.port
                        .map_or(p.host.clone(), |port| format!("{}:{port}", p.host))
                        == host
            })
        });
    let Some(url) = url else { return Ok(()) };
    let helper = format!("!{} credential --from-env", shell_quote(env.exe()?));
    let out = credential::git(env)
        .current_dir(&repo.root)
        .args([
            "-c",
            "credential.helper=",
            "-c",
            &format!("credential.helper={helper}"),
            "ls-remote",
            "--heads",
            &url,
        ])
        .env("GIT_HTTPS_PROOF_URL", format!("https://{host}"))
        .env("GIT_HTTPS_PROOF_USER", login)
        .env("GIT_HTTPS_PROOF_TOKEN", token.expose())
        .stdin(Stdio::null())
        .output()
        .context("cannot run git ls-remote")?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .unwrap_or("")
            .to_string();
        bail!(
            "the API accepted the token, but git was refused by {host} for {}: {why}; nothing was stored",
            crate::core::redact::redact(&url)
        );
    }
    output::note(format!(
        "git ls-remote {} works with the token",
        crate::core::redact::redact(&url)
    ));
    Ok(())
}

fn choose_mode(cache: Option<CacheMode>, env: &Env) -> Result<CacheMode> {
    let mode = match cache {
        Some(m) => m,
        None if env.interactive() => {
            let items = [
                "memory: git's credential cache, forgotten after the timeout",
                "store: a plain-text file (~/.git-credentials)",
                "keyring: the OS keyring",
            ];
            let pick = dialoguer::Select::new()
                .with_prompt("How should git remember the token?")
                .items(items)
                .default(0)
                .interact()?;
            [CacheMode::Memory, CacheMode::Store, CacheMode::Keyring][pick]
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

fn helper_lines(mode: CacheMode, args: &LoginArgs, env: &Env) -> Result<Vec<HelperLine>> {
    let helper = match mode {
        CacheMode::Memory => HelperLine::Cache {
            timeout: args.timeout,
        },
        CacheMode::Store => HelperLine::Store {
            file: args.file.as_ref().map(|f| env.abs(f)),
        },
        CacheMode::Keyring => HelperLine::Keyring {
            exe: env.exe()?.to_path_buf(),
        },
    };
    // The empty line first: git asks every helper in the list, so inherited ones are reset.
    Ok(vec![HelperLine::Reset, helper])
}

fn remember(
    mode: CacheMode,
    args: &LoginArgs,
    env: &Env,
    scope: &Scope,
    host: &str,
    username: &str,
    token: &Secret,
) -> Result<()> {
    let cred = Credential::for_host(host, Some(username), Some(token));
    let approve =
        || credential::run_credential(env, scope_dir(scope, env), "approve", &cred).map(|_| ());
    match mode {
        CacheMode::Memory => {
            approve()?;
            output::note(format!(
                "git's credential cache holds the token for {} seconds",
                args.timeout
            ));
        }
        CacheMode::Store => {
            let file = match &args.file {
                Some(f) => env.abs(f),
                None => credential::default_store_file(
                    env.home_or_cwd(),
                    env.xdg_config_home.as_deref(),
                ),
            };
            let before = std::fs::metadata(&file)
                .ok()
                .map(|m| m.permissions().mode() & 0o777);
            approve()?;
            secure_file(&file, before)?;
            output::warn(format!(
                "the token is stored in plain text in {}",
                file.display()
            ));
        }
        CacheMode::Keyring => {
            let store = Keystore::open(env.keyring_choice.as_deref())?;
            store.set(host, username, token)?;
            output::note(format!("the token is in {}", store.backend.describe()));
        }
    }
    Ok(())
}

/// Makes the store file 0600, saying so when it was looser (before git wrote it, or after).
fn secure_file(file: &Path, before: Option<u32>) -> Result<()> {
    let meta = std::fs::metadata(file)
        .with_context(|| format!("git credential-store did not write {}", file.display()))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode != 0o600 {
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot chmod {}", file.display()))?;
    }
    if let Some(loose) = [before, Some(mode)]
        .into_iter()
        .flatten()
        .find(|m| *m != 0o600)
    {
        output::note(format!("{} was mode {loose:04o}; now 0600", file.display()));
    }
    Ok(())
}
