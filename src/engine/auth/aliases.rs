//! `--alias`: an `~/.ssh/config` alias of the host tied to a verified login in `config.toml`,
//! so that migrate rewrites `git@ALIAS:o/r` to `https://LOGIN@HOST/o/r`.

use anyhow::Result;

use crate::core::net;
use crate::core::realm::Realm;
use crate::core::redact::Redacted;
use crate::env::Env;
use crate::error::usage;
use crate::io::settings;

/// An alias and the base that carries the account.
pub type Tie = (String, String);

/// Each `--alias` with the base that carries the account: where the alias leads (its ssh
/// `HostName`, or a host rule for that host) with the login as the URL's user name. An alias
/// that leads to another host, or that `[hosts]` already maps (it would win over the tie),
/// is refused.
pub fn ties(env: &Env, realm: &Realm, login: &str, aliases: &[String]) -> Result<Vec<Tie>> {
    let host = realm.host();
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
        let a = checked_alias(alias, realm, &known)?;
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
            return Err(usage(elsewhere(&a, &leads, realm)));
        }
        base.set_username(login)
            .map_err(|()| usage(format!("--alias {a}: {login} cannot be a URL's user name")))?;
        ties.push((a, base.as_str().trim_end_matches('/').to_string()));
    }
    Ok(ties)
}

/// The alias, lower-cased, if it is a Host of `~/.ssh/config` other than the host itself.
fn checked_alias(alias: &str, realm: &Realm, known: &[String]) -> Result<String> {
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
    if a == realm.name() || !known.contains(&a) {
        return Err(usage(format!(
            "--alias {a}: not a Host of ~/.ssh/config (an alias such as github-work, with HostName {})",
            realm.name()
        )));
    }
    Ok(a)
}

/// Why an alias that leads to `leads` cannot be tied to `host`.
fn elsewhere(a: &str, leads: &str, realm: &Realm) -> String {
    let host = realm.host();
    if net::host_only(leads) == realm.name() {
        format!(
            "--alias {a}: it leads to https://{leads}, not {host}; a [hosts] rule in config.toml (\"{}\" = \"https://{host}\") gives its port",
            realm.name()
        )
    } else {
        format!(
            "--alias {a}: it leads to {leads}, not {host} (~/.ssh/config's HostName or a host rule)"
        )
    }
}
