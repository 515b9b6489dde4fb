//! The accounts git-https knows and the credential helpers git has: read for reports.

use anyhow::Result;

use crate::core::accounts::Login;
use crate::core::realm::Realm;
use crate::core::redact::Redacted;
use crate::env::Env;
use crate::ui::output;

/// (realm, login) of every account logged in (the login record; unreadable: none, said once).
pub fn logged_in(env: &Env) -> Vec<Login> {
    match crate::io::logins::Logins::new(&env.state_dir()).load() {
        Ok(places) => places
            .into_iter()
            .map(|p| (Realm::from_record(&p.host), p.user))
            .collect(),
        Err(e) => {
            output::warn(format!("{e:#}; accounts are not shown"));
            Vec::new()
        }
    }
}

/// For each host URLs go to: whether git has a credential helper for it, and how to get one.
pub fn helper_notes<'a>(env: &Env, hosts: impl Iterator<Item = &'a Redacted>) -> Result<()> {
    let git = crate::io::git::Git::new(env, crate::io::git::Scope::Global)?;
    for host in hosts {
        match git.helper_for(host.as_str()) {
            Some(h) => env.out.note(format!(
                "{host}: git's credential helper is {}",
                Redacted::new(&h)
            )),
            None => env.out.note(format!(
                "{host}: git has no credential helper for it; next: git-https login --host {host}"
            )),
        }
    }
    Ok(())
}
