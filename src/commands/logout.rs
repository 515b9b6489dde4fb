//! `git-https logout --host HOST`: forget the host's token everywhere login may have put it —
//! git's cache daemon and store file (through `git credential reject`), the OS keyring — and
//! remove the helper lines login wrote.

use anyhow::Result;

use crate::cli::LogoutArgs;
use crate::core::helper::HelperLine;
use crate::core::token;
use crate::env::Env;
use crate::error::{self, usage};
use crate::io::credential::{self, Credential, Scope};
use crate::io::keystore::Keystore;
use crate::io::repo;
use crate::ui::output;

pub fn run(args: LogoutArgs, env: &Env) -> Result<u8> {
    let host = token::normalize_host(&args.host).map_err(usage)?;
    let scope = if args.local {
        Scope::Local(repo::discover(&env.cwd)?.root)
    } else {
        Scope::Global
    };
    let dir = match &scope {
        Scope::Local(d) => d.clone(),
        Scope::Global => env.cwd.clone(),
    };
    let lines = credential::helpers(env, &scope, &host)?;

    // While the helper lines are still there, git tells each helper to erase the credential.
    let mut forgot = Vec::new();
    if !lines.is_empty() {
        credential::run_credential(
            env,
            &dir,
            "reject",
            &Credential::for_host(&host, None, None),
        )?;
        forgot.push("git's credential helpers");
    }
    match Keystore::open(env.keyring_choice.as_deref())
        .and_then(|k| k.delete(&host).map(|d| (k, d)))
    {
        Ok((k, true)) => {
            output::note(format!(
                "removed the token for {host} from {}",
                k.backend.describe()
            ));
            forgot.push("the keyring");
        }
        Ok((_, false)) => {}
        Err(e) if lines.iter().any(|l| l.starts_with('!')) => output::warn(format!("{e:#}")),
        Err(_) => {}
    }

    if lines.is_empty() {
        // Nothing of login's in this config.
    } else if lines.iter().all(|l| HelperLine::parse(l).is_some()) {
        credential::remove_helpers(env, &scope, &host)?;
        output::note(format!(
            "removed {} from the {} config",
            credential::helper_key(&host),
            scope.describe()
        ));
    } else {
        output::warn(format!(
            "{} holds helper lines git-https did not write; left them in place",
            credential::helper_key(&host)
        ));
    }
    if forgot.is_empty() {
        output::note(format!(
            "no credential helper or keyring entry for {host} was found ({} config)",
            scope.describe()
        ));
    } else {
        output::note(format!("logged out of {host}"));
    }
    Ok(error::OK)
}
