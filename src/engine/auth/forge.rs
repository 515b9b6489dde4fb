//! Which forge a host runs, one answer for login, setup and doctor: `--forge`, else known from
//! the name, else `config.toml`'s `[forges]`, else the host's public endpoints (never sending a
//! token), else asked on a terminal.

use anyhow::Result;

use crate::core::forge::{self, Forge};
use crate::env::Env;
use crate::error::{usage, with_hint};
use crate::io::api;
use crate::io::git::Git;
use crate::io::settings;
use crate::ui::output;
use crate::ui::prompt::Prompter;

use super::network::network;

/// `--forge` against what the host's own name says: a host known by name (github.com,
/// gitlab.com, …) runs that forge whatever `--forge` says (with several hosts, `--forge` is
/// for the ones whose name does not tell), and a contradiction is said.
pub fn given_or_known(given: Option<Forge>, host: &str) -> Option<Forge> {
    match (forge::detect(host), given) {
        (Some(known), Some(g)) if known != g => {
            output::warn(format!(
                "{host} runs {known} (known from its name): --forge {g} does not apply to it"
            ));
            Some(known)
        }
        (known, g) => known.or(g),
    }
}

/// Login's and setup's answer: it must be known before a token is checked.
pub fn resolve(
    given: Option<Forge>,
    env: &Env,
    git: &Git,
    host: &str,
    prompter: Prompter,
) -> Result<Forge> {
    if let Some(f) = given_or_known(given, host) {
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
            env.out
                .note(format!("{host} runs {f} (from its public API)"));
            return Ok(f);
        }
        Ok(None) => {}
        Err(why) if api::is_untrusted(&why) => {
            env.out.diag(format!("TLS: {why}"));
            return Err(with_hint(
                format!(
                    "cannot reach {host} to tell which forge it runs: its TLS certificate is not trusted (checked with {}), and git would refuse it the same way; nothing was stored",
                    net.describe()
                ),
                super::verify::ca_hint(host),
            ));
        }
        Err(why) => {
            return Err(with_hint(
                format!(
                    "cannot reach {host} to tell which forge it runs: {why}; nothing was stored"
                ),
                "--forge names the forge (github, gitlab, gitea, bitbucket, azure); --no-verify skips the check",
            ));
        }
    }
    if prompter.can_ask() {
        let all = [
            Forge::GitHub,
            Forge::GitLab,
            Forge::Gitea,
            Forge::Bitbucket,
            Forge::Azure,
        ];
        let names: Vec<String> = all.iter().map(ToString::to_string).collect();
        let pick = prompter.select(&format!("Which forge does {host} run?"), &names, 0)?;
        return Ok(all[pick]);
    }
    Err(usage(format!(
        "cannot tell which forge {host} runs: --forge github|gitlab|gitea|bitbucket|azure"
    )))
}

/// Doctor's answer: never asks and never fails; `None` when it cannot tell.
pub fn detect_quietly(env: &Env, git: &Git, host: &str) -> Option<Forge> {
    forge::detect(host)
        .or_else(|| settings::configured_forge(env, host).ok().flatten())
        .or_else(|| {
            network(env, git, &format!("https://{host}/"))
                .ok()
                .and_then(|net| api::probe(host, &net).ok().flatten())
        })
}
