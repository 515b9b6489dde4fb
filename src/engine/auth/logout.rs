//! One logout: the realms it covers (a host and every organization logged in on it), and for
//! each the transaction and the aliases untied.

use anyhow::Result;

use crate::core::forge::{self, Forge};
use crate::core::realm::Realm;
use crate::core::redact::Redacted;
use crate::env::Env;
use crate::error::usage;
use crate::io::git::Git;
use crate::io::logins::Logins;
use crate::io::settings;
use crate::ui::output;

use super::transaction::{self, LogoutDone};

/// The realms `logout --host` covers: the one named, and (without an organization) every
/// organization logged in on the host. `--user` must be an organization's own name there.
pub fn realms(env: &Env, realm: &Realm, user: Option<&str>) -> Result<Vec<Realm>> {
    // An organization's token is kept under the organization's name: another name there
    // would be another organization's.
    if let (Some(o), Some(u)) = (realm.org(), user)
        && o != u
    {
        return Err(usage(format!(
            "--host {}/{o} has one account, kept under {o}: drop --user (or log out of {}/{u})",
            realm.host(),
            realm.host()
        )));
    }
    let recorded = Logins::new(&env.state_dir()).load().unwrap_or_default();
    // An organization only where login could have made one: Azure DevOps, or a recorded login.
    if realm.org().is_some()
        && forge::detect(realm.host()) != Some(Forge::Azure)
        && !recorded.iter().any(|p| p.host == realm.as_str())
    {
        return Err(usage(format!(
            "--host {realm}: an organization goes with Azure DevOps only (no login for it is recorded)"
        )));
    }
    let mut realms = vec![realm.clone()];
    if realm.org().is_none() {
        for p in recorded {
            let theirs = Realm::from_record(&p.host);
            if theirs.org().is_some() && theirs.host() == realm.host() && !realms.contains(&theirs)
            {
                realms.push(theirs);
            }
        }
    }
    Ok(realms)
}

/// What logging out of one realm did.
pub struct LogoutOutcome {
    pub done: LogoutDone,
    /// The aliases no longer tied to an account.
    pub untied: Vec<String>,
}

/// Logs out of one realm, then unties the aliases of the accounts logged out (kept while a
/// token could not be removed: a retry finds them).
pub fn logout(env: &Env, git: &Git, realm: &Realm, user: Option<&str>) -> Result<LogoutOutcome> {
    let done = transaction::logout(env, git, realm, user)?;
    let untied = match (
        done.failed.is_empty(),
        settings::untie_aliases(env, realm.as_str(), user),
    ) {
        (false, _) => Vec::new(),
        (true, Ok(gone)) => gone,
        (true, Err(e)) => {
            output::warn(format!("{e:#}; the aliases tied to the account were left"));
            Vec::new()
        }
    };
    if let Some(e) = &done.record_error {
        output::warn(format!("{e}; the other places were cleared"));
    }
    Ok(LogoutOutcome { done, untied })
}

/// `--user` as given, blank meaning none; shown as typed (a token pasted into it is redacted).
pub fn who(realm: &Realm, user: Option<&str>) -> String {
    user.map_or_else(
        || realm.to_string(),
        |u| format!("{}@{realm}", Redacted::new(u)),
    )
}
