//! A token checked twice before anything is stored: the forge's API says whose it is (and its
//! scopes and expiry), then, where the repository at hand has an HTTPS remote on the host,
//! `git ls-remote` proves git can use it.

use anyhow::{Result, bail};

use crate::core::forge::Forge;
use crate::core::helper::shell_quote;
use crate::core::realm::Realm;
use crate::core::redact::Redacted;
use crate::core::token::Secret;
use crate::core::url::{self as remote_url, Kind};
use crate::env::Env;
use crate::error::with_hint;
use crate::io::api;
use crate::io::git::Git;
use crate::io::repo;
use crate::ui::output;

use super::network::{network, verifies_tls};

/// What the forge's API says of `token` (reached as git would reach it); a rejected token is
/// an error that says nothing was stored.
pub fn verify(
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
    env.out.diag(format!(
        "checking the token at {api_base}/user with {}",
        net.describe()
    ));
    let info = match api::verify(forge, &api_base, host, token, &net)? {
        Ok(info) => info,
        Err(e @ api::VerifyError::Rejected { .. }) => {
            bail!("{e}; nothing was stored");
        }
        Err(api::VerifyError::Untrusted { url, trust, detail }) => {
            env.out.diag(format!("TLS: {detail}"));
            return Err(with_hint(
                format!(
                    "cannot reach {url}: its TLS certificate is not trusted {trust}, and git would refuse it the same way; nothing was stored"
                ),
                ca_hint(host),
            ));
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
        Some(scopes) => env.out.note(format!("token scopes: {}", scopes.join(", "))),
        None => env.out.note(
            "no scopes header: a fine-grained token (give it Contents read/write on the repositories you push to)",
        ),
    }
    if let Some(exp) = &info.expires {
        env.out.note(format!("the token expires {exp}"));
    }
    Ok(info)
}

/// What to do about a certificate git does not trust: give git the CA (the same setting then
/// serves the API check).
pub fn ca_hint(host: &str) -> String {
    format!(
        "if {host} uses a private CA, give git its certificate: `git config --global http.https://{host}/.sslCAInfo /path/to/ca.pem` (or set GIT_SSL_CAINFO); -v shows the TLS library's words"
    )
}

/// `host[:port]` of a parsed remote.
fn host_port(p: &remote_url::RemoteUrl) -> String {
    p.port
        .map_or(p.host.clone(), |port| format!("{}:{port}", p.host))
}

/// The repository's first HTTPS remote on the realm's host that this login would be asked
/// for (under an organization, only its repositories; a URL naming another account is not).
fn remote_in_realm(env: &Env, realm: &Realm, login: &str) -> Result<String, String> {
    let host = realm.host();
    let in_scope = |p: &remote_url::RemoteUrl, v: &str| {
        realm.org().is_none_or(|org| {
            ::url::Url::parse(v).is_ok_and(|u| u.path().starts_with(&format!("/{org}/")))
        }) && crate::core::hosts::account_of(v).is_none_or(|u| u == login)
            && p.kind == Kind::Https
    };
    let Ok(repo) = repo::discover(&env.cwd) else {
        return Err("skipped: not in a repository".to_string());
    };
    let Ok(parsed) = repo::read_config(&repo.config) else {
        return Err("skipped: the repository's config cannot be read".to_string());
    };
    repo::slots_of(crate::core::change::FileKind::Config, &parsed.entries)
        .into_iter()
        .filter(|s| s.is_remote())
        .map(|s| s.value)
        .find(|v| {
            remote_url::parse(v)
                .is_ok_and(|p| in_scope(&p, v) && !p.leaks_credentials() && host_port(&p) == host)
        })
        .ok_or_else(|| format!("skipped: no HTTPS remote on {host} here"))
}

/// Where the repository at hand has an HTTPS remote on the realm's host, proves the token with
/// `git ls-remote` before anything is stored. git runs where the scope says (a neutral folder
/// for the global scope), asks only a helper that answers for `https://HOST` alone, and gets
/// the token from that helper's environment, never argv. A URL that `insteadOf` sends to
/// another host, or a URL git would not verify TLS for, is not tried.
pub fn prove_with_git(
    env: &Env,
    git: &Git,
    realm: &Realm,
    login: &str,
    token: &Secret,
) -> Result<String> {
    let host = realm.host();
    let skipped = |why: String| {
        env.out.note(format!("not proven with git: {why}"));
        Ok(format!("skipped: {why}"))
    };
    let url = match remote_in_realm(env, realm, login) {
        Ok(url) => url,
        Err(why) => return Ok(why),
    };
    let shown = Redacted::new(&url);
    let effective = git.effective_url(&url)?;
    let same_host =
        remote_url::parse(&effective).is_ok_and(|p| p.kind == Kind::Https && host_port(&p) == host);
    if !same_host {
        return skipped(format!(
            "an insteadOf rule sends {shown} to {}; the token is not tried there",
            Redacted::new(&effective)
        ));
    }
    if !verifies_tls(env, git, &effective)? {
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
    env.out
        .note(format!("git ls-remote {shown} works with the token"));
    Ok(format!("git ls-remote {shown}"))
}
