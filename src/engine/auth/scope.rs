//! What a realm must not meet before a token is stored for it: `useHttpPath` on for an
//! organization, or an organization beside its bare host (they share git's helpers, so a URL
//! on the host outside every organization would be answered with some organization's token).

use anyhow::Result;

use crate::core::realm::Realm;
use crate::env::Env;
use crate::error::{usage, with_hint};
use crate::io::git::Git;
use crate::io::logins::{Logins, Place};

/// Checks the realm; returns every recorded login (read once for the caller).
pub fn check(env: &Env, git: &Git, realm: &Realm) -> Result<Vec<Place>> {
    let http_path = git.urlmatch(
        "credential.useHttpPath",
        &format!("{}/", realm.url()),
        Some("bool"),
    )?;
    if realm.org().is_some() && http_path.as_deref() == Some("true") {
        return Err(with_hint(
            format!(
                "credential.useHttpPath is on for {}: git would ask for each repository's own path, and no token kept for the organization would answer",
                realm.url()
            ),
            format!(
                "`git config --show-origin --get-urlmatch credential.useHttpPath {}/` shows where it is set; remove it there, then log in again",
                realm.url()
            ),
        ));
    }
    let recorded = Logins::new(&env.state_dir()).load().unwrap_or_default();
    let clash = recorded.iter().find(|p| {
        let theirs = Realm::from_record(&p.host);
        !p.user.is_empty()
            && theirs.host() == realm.host()
            && theirs.org().is_some() != realm.org().is_some()
    });
    if let Some(p) = clash {
        return Err(usage(format!(
            "{} has a login for {} already: organizations and the host itself cannot both be logged in (`git-https logout --host {}` first)",
            realm.host(),
            p.host,
            p.host
        )));
    }
    Ok(recorded)
}

/// The accounts recorded for exactly this realm, sorted, each once.
pub fn users<'a>(recorded: &'a [Place], realm: &Realm) -> Vec<&'a str> {
    let mut users: Vec<&str> = recorded
        .iter()
        .filter(|p| p.host == realm.as_str() && !p.user.is_empty())
        .map(|p| p.user.as_str())
        .collect();
    users.sort_unstable();
    users.dedup();
    users
}
