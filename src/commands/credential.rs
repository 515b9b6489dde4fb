//! `git-https credential get|store|erase`: git's credential-helper protocol over the OS
//! keyring. git writes `key=value` lines on stdin; `get` answers on stdout.

use std::io::{Read, Write};

use anyhow::{Context, Result};

use crate::cli::{CredentialAction, CredentialArgs};
use crate::core::credential::Credential;
use crate::env::Env;
use crate::error;
use crate::io::keystore::Keystore;

pub fn run(args: CredentialArgs, env: &Env) -> Result<u8> {
    let mut input = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut input)
        .context("cannot read the request from git")?;
    let req = Credential::parse(&input);
    if req.protocol.as_deref() != Some("https") {
        return Ok(error::OK);
    }
    let Some(host) = req.host.clone() else {
        return Ok(error::OK);
    };

    if args.from_env {
        // Only for login's one `git ls-remote`: answer get, remember nothing.
        if args.action == CredentialAction::Get
            && let Some(p) = &env.proof
            && p.url == format!("https://{host}")
        {
            answer(&Credential::for_host(&host, Some(&p.user), Some(&p.token)))?;
        }
        return Ok(error::OK);
    }

    let store = Keystore::open(env.keyring_choice.as_deref())?;
    match args.action {
        CredentialAction::Get => {
            let Some(found) = store.get(&host)? else {
                return Ok(error::OK);
            };
            if req.username.as_deref().is_some_and(|u| u != found.username) {
                return Ok(error::OK);
            }
            answer(&Credential::for_host(
                &host,
                Some(&found.username),
                Some(&found.token),
            ))?;
        }
        CredentialAction::Store => {
            let (Some(user), Some(password)) = (&req.username, &req.password) else {
                return Ok(error::OK);
            };
            let current = store.get(&host)?;
            if current.is_none_or(|c| c.username != *user || c.token != *password) {
                store.set(&host, user, password)?;
            }
        }
        CredentialAction::Erase => {
            // Erase only what was asked for: a rejected token, not a newer one.
            if let Some(found) = store.get(&host)? {
                let same_user = req.username.as_deref().is_none_or(|u| u == found.username);
                let same_token = req.password.as_ref().is_none_or(|p| *p == found.token);
                if same_user && same_token {
                    store.delete(&host)?;
                }
            }
        }
    }
    Ok(error::OK)
}

fn answer(c: &Credential) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(c.to_protocol().as_bytes())?;
    out.flush()?;
    Ok(())
}
