//! `git-https credential get|store|erase`: git's credential-helper protocol over the OS
//! keyring. git writes `key=value` lines on stdin; `get` answers on stdout.

use std::io::{Read, Write};

use anyhow::{Context, Result};

use crate::cli::{CredentialAction, CredentialArgs};
use crate::core::credential::Credential;
use crate::env::Env;
use crate::error;
use crate::io::keystore::{Keystore, Place, Stored};

pub fn run(args: CredentialArgs, env: &Env) -> Result<u8> {
    let mut input = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut input)
        .context("cannot read the request from git")?;
    let req = Credential::parse(&input);
    let (Some(protocol), Some(host)) = (req.protocol.clone(), req.host.clone()) else {
        return Ok(error::OK);
    };

    if args.from_env {
        // Only for login's one `git ls-remote`: answer get, remember nothing.
        if args.action == CredentialAction::Get
            && protocol == "https"
            && let Some(p) = &env.proof
            && p.url == format!("https://{host}")
        {
            answer(&Credential::for_host(&host, Some(&p.user), Some(&p.token)))?;
        }
        return Ok(error::OK);
    }

    // Any protocol git asks about, and the path when `credential.useHttpPath` sends one: each
    // place holds its own accounts, matched as git's own helpers match them.
    let place = Place {
        protocol,
        host,
        path: req.path.clone(),
    };
    let store = Keystore::open(env.keyring_choice.as_deref())?;
    match args.action {
        CredentialAction::Get => {
            let Some(found) = store.find(&place, req.username.as_deref())? else {
                return Ok(error::OK);
            };
            answer(&Credential {
                protocol: Some(place.protocol.clone()),
                host: Some(place.host.clone()),
                path: None,
                username: Some(found.username),
                password: Some(found.token),
                password_expiry_utc: found.expiry,
                oauth_refresh_token: found.refresh,
            })?;
        }
        CredentialAction::Store => {
            // git sends store only for a credential that worked; both halves are needed (an
            // empty user name or password is still one).
            let (Some(user), Some(password)) = (&req.username, &req.password) else {
                return Ok(error::OK);
            };
            if req.check().is_err() {
                return Ok(error::OK);
            }
            let account = Stored {
                username: user.clone(),
                token: password.clone(),
                expiry: req.password_expiry_utc.clone(),
                refresh: req.oauth_refresh_token.clone(),
            };
            let same = store
                .find(&place, Some(user))?
                .is_some_and(|c| c == account);
            if !same {
                store.store(&place, account)?;
            }
        }
        CredentialAction::Erase => {
            // Erase only what was asked for: a rejected token, not a newer one.
            store.erase(&place, req.username.as_deref(), req.password.as_ref())?;
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
