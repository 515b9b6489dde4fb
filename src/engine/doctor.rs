//! Doctor's checks: what stands between this machine and working HTTPS remotes — git itself,
//! each host's credential helpers and token, the store file's mode, the keyring in use,
//! insteadOf rules that force SSH, tokens left in remote URLs, SSH remotes left — each finding
//! `ok`, `warn` or `fail` with a fix. Nothing here prints a token.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::core::accounts::{Account, Login};
use crate::core::change::FileKind;
use crate::core::helper::{HelperLine, shell_quote};
use crate::core::realm::Realm;
use crate::core::redact::Redacted;
use crate::core::token::Secret;
use crate::core::url::{self, Kind};
use crate::env::Env;
use crate::error::usage;
use crate::io::git::{Chain, Git, Scope};
use crate::io::keystore::{Backend, Keystore};
use crate::io::store::file;
use crate::io::{api, discover, repo, settings};
use crate::ui::output;
use crate::ui::report::Finding;

use super::auth::network::network;

/// What `doctor` is asked to check.
pub struct DoctorRequest {
    /// The repository (default: the one at hand, if any).
    pub path: Option<PathBuf>,
    /// Hosts to check (default: the repository's remotes' and the recorded logins').
    pub hosts: Vec<String>,
    /// A folder whose repositories' SSH remotes to count.
    pub scan: Option<PathBuf>,
    /// Do not ask the forge's API about the tokens.
    pub offline: bool,
}

/// The findings so far.
struct Doctor {
    findings: Vec<Finding>,
}

impl Doctor {
    fn add(&mut self, status: &'static str, check: &str, message: &str, fix: Option<&str>) {
        self.findings.push(Finding {
            status,
            check: Redacted::new(check),
            message: Redacted::new(message),
            fix: fix.map(Redacted::new),
        });
    }
}

/// Runs every check; the findings in order.
pub fn diagnose(env: &Env, req: &DoctorRequest) -> Result<Vec<Finding>> {
    let mut d = Doctor {
        findings: Vec::new(),
    };
    let git = Git::new(env, Scope::Global)?;
    check_git(&mut d, &git);
    check_global_config(&mut d, env, &git);

    // The repository at hand (or PATH): its remotes, and the hosts they go to.
    let start = req
        .path
        .as_deref()
        .map_or_else(|| env.cwd.clone(), |p| env.abs(p));
    let here = repo::discover(&start).ok();
    // `--host`, parsed once: the hosts to check, and the ones a token may be sent to.
    let named = req
        .hosts
        .iter()
        .map(|h| Realm::parse(h).map_err(usage))
        .collect::<Result<BTreeSet<Realm>>>()?;
    let mut hosts = named.clone();
    // (realm, login) of every login, read once for every check below.
    let accounts = super::accounts::logged_in(env);
    if let Some(r) = &here {
        check_remotes(
            &mut d,
            env,
            r,
            req.hosts.is_empty().then_some(&mut hosts),
            &accounts,
        )?;
    }
    if req.hosts.is_empty() {
        hosts.extend(accounts.iter().map(|(h, _)| h.clone()));
    }
    // Only a host the user logged in to, or named, gets a token sent to its API: a checkout's
    // remotes may name any server (an untrusted clone), and git's helpers may answer it.
    for host in &hosts {
        let trusted = named.contains(host) || accounts.iter().any(|(r, _)| r == host);
        let api = match (req.offline, trusted) {
            (true, _) => Api::Offline,
            (false, true) => Api::Check,
            (false, false) => Api::NotLoggedIn,
        };
        check_host(&mut d, env, &git, host, api, &accounts);
    }
    check_store_files(&mut d, env, &git, &hosts);
    check_organizations(&mut d, &git, &hosts);
    if hosts.is_empty() {
        d.add(
            "warn",
            "hosts",
            "no host to check: no login recorded and no repository here",
            Some("git-https setup (or doctor --host HOST, or run it in a repository)"),
        );
    }
    check_rules(&mut d, env, here.as_ref())?;
    check_ssh_aliases(&mut d, env);
    if let Some(dir) = &req.scan {
        check_scan(&mut d, env, dir)?;
    }
    Ok(d.findings)
}

fn check_git(d: &mut Doctor, git: &Git) {
    match git.cmd().arg("--version").output() {
        Ok(o) if o.status.success() => {
            let v = String::from_utf8_lossy(&o.stdout).trim().to_string();
            d.add("ok", "git", &v, None);
        }
        _ => d.add(
            "fail",
            "git",
            "git does not run",
            Some("install git and put it on PATH"),
        ),
    }
}

/// git and libgit2 (which git-https uses to read ownership settings) must read the same
/// global config: the same entries, includes followed.
fn check_global_config(d: &mut Doctor, env: &Env, git: &Git) {
    let (Ok(mut by_git), Ok(mut by_libgit2)) =
        (git.global_entries(), repo::libgit2_global_entries(env))
    else {
        d.add(
            "warn",
            "global config",
            "cannot be read",
            Some("git config --global --list shows why"),
        );
        return;
    };
    by_git.sort();
    by_libgit2.sort();
    if by_git == by_libgit2 {
        d.add(
            "ok",
            "global config",
            &format!(
                "git and libgit2 read the same {}",
                output::count(by_git.len(), "entry", "entries")
            ),
            None,
        );
    } else {
        d.add(
            "warn",
            "global config",
            &format!(
                "git reads {} and libgit2 {}: they see different files",
                output::count(by_git.len(), "entry", "entries"),
                by_libgit2.len()
            ),
            Some("check GIT_CONFIG_GLOBAL, HOME and XDG_CONFIG_HOME"),
        );
    }
}

/// Tokens in remote URLs, SSH remotes left; the hosts the remotes go to (into `hosts`).
fn check_remotes(
    d: &mut Doctor,
    env: &Env,
    r: &repo::Repo,
    mut hosts: Option<&mut BTreeSet<Realm>>,
    accounts: &[Login],
) -> Result<()> {
    let parsed = match repo::read_config(&r.config) {
        Ok(p) => p,
        Err(e) => {
            d.add("fail", "repository", &format!("{e:#}"), None);
            return Ok(());
        }
    };
    let rules = settings::load_host_rules(env, &[])?;
    let mut ssh = 0;
    let mut leaks = Vec::new();
    for slot in repo::slots_of(FileKind::Config, &parsed.entries) {
        if !slot.is_remote() {
            continue;
        }
        let Ok(p) = url::parse(&slot.value) else {
            continue;
        };
        if p.leaks_credentials() {
            leaks.push(format!("{} = {}", slot.key, Redacted::new(&slot.value)));
        }
        if p.kind.is_migratable() {
            ssh += 1;
        }
        let https = match p.kind {
            Kind::Https => Some(slot.value.clone()),
            _ => crate::core::convert::convert_parsed(&slot.value, &p, &rules)
                .ok()
                .map(|c| c.https),
        };
        if let (Some(h), "url") = (&https, slot.key.name.as_str()) {
            check_account(d, &r.root, slot.key.sub(), h, accounts);
        }
        if let (Some(hosts), Some(h)) = (hosts.as_deref_mut(), https) {
            // An organization's repositories are checked under its login's scope.
            if let Some(realm) = Account::scope_of(&h, accounts)
                && !realm.host().is_empty()
            {
                hosts.insert(realm);
            }
        }
    }
    let place = r.root.display().to_string();
    for l in &leaks {
        d.add(
            "fail",
            "token in a remote URL",
            &format!("{place}: {l}"),
            Some("git-https migrate --strip-credentials, then revoke that token"),
        );
    }
    if ssh > 0 {
        d.add(
            "warn",
            "SSH remotes",
            &format!(
                "{place}: {} still SSH",
                output::count(ssh, "remote URL is", "remote URLs are")
            ),
            Some("git-https migrate"),
        );
    } else if leaks.is_empty() {
        d.add(
            "ok",
            "remotes",
            &format!("{place}: no SSH remote, no token in a URL"),
            None,
        );
    }
    Ok(())
}

/// Which account a remote authenticates as, when its host has any.
fn check_account(
    d: &mut Doctor,
    root: &std::path::Path,
    remote: &str,
    https: &str,
    accounts: &[Login],
) {
    let Some((a, host)) = Account::with_scope(https, accounts) else {
        return;
    };
    let place = format!("{}: remote {remote}", root.display());
    let (login, how) = match (&a, a.warning(&host)) {
        (_, Some(w)) => return d.add("warn", "account", &format!("{place}: {w}"), None),
        (Account::Only(l), None) => (l, "the host's one account"),
        (Account::Named { login, .. }, None) => (login, "named in the URL"),
        _ => return,
    };
    d.add(
        "ok",
        "account",
        &format!("{place} authenticates as {login} ({how})"),
        None,
    );
}

/// Whether a host's token goes to its API.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Api {
    Check,
    /// `--offline`.
    Offline,
    /// Named only by a remote: no login recorded, not named with `--host`.
    NotLoggedIn,
}

fn check_host(d: &mut Doctor, env: &Env, git: &Git, realm: &Realm, api: Api, accounts: &[Login]) {
    let host = realm.as_str();
    let check = format!("credentials for {host}");
    let lines = git.helpers(host).unwrap_or_default();
    let helper = git.helper_for(host);
    match &helper {
        None => {
            d.add(
                "fail",
                &check,
                "git has no credential helper for it: it will prompt, or fail without a terminal",
                Some(&format!("git-https login --host {host}")),
            );
            return;
        }
        Some(h) if lines.is_empty() => d.add(
            "warn",
            &check,
            &format!("only a helper for every host answers ({h}); login sets one for this host"),
            Some(&format!("git-https login --host {host}")),
        ),
        Some(_) => {
            // The chain in order: the host's own lines, and whether they shadow the helpers
            // set for every host (an empty line first resets them).
            let shown: Vec<String> = lines
                .iter()
                .map(|l| {
                    if l.is_empty() {
                        "(reset)".to_string()
                    } else {
                        l.clone()
                    }
                })
                .collect();
            let inherited = git
                .inherited_helpers()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let shadow = match (lines.first().map(String::as_str), inherited.is_empty()) {
                (_, true) => String::new(),
                (Some(""), false) => format!("; shadows the helpers for every host: {inherited}"),
                (_, false) => format!("; after the helpers for every host: {inherited}"),
            };
            d.add(
                "ok",
                &check,
                &format!("helpers in order: {}{shadow}", shown.join(", ")),
                None,
            )
        }
    }
    // Several accounts: each one's token, asked for by its user name as a URL naming it would.
    let mut users: Vec<&str> = accounts
        .iter()
        .filter(|(r, u)| r == realm && !u.is_empty())
        .map(|(_, u)| u.as_str())
        .collect();
    users.sort();
    users.dedup();
    if users.len() > 1 {
        for user in &users {
            let check = format!("credentials for {user}@{host}");
            match git.fill_as(host, Some(user), Chain::Configured) {
                Some(cred) if cred.username.as_deref() == Some(*user) => {
                    d.add("ok", &check, "git gets this account's token", None);
                    if let (Api::Check, Some(token)) = (api, cred.password) {
                        check_token(d, env, git, realm, &check, &token);
                    }
                }
                _ => d.add(
                    "fail",
                    &check,
                    "logged in, but the helpers hold no token for this account",
                    Some(&format!(
                        "git-https login --host {host} with {user}'s token (or logout --host {host} --user {user})"
                    )),
                ),
            }
        }
        return;
    }
    // What the helpers hold: exactly what git would get, without a prompt.
    let Some(cred) = git.fill(host, Chain::Configured) else {
        d.add(
            "fail",
            &check,
            "the helpers hold no token for it",
            Some(&format!("git-https login --host {host}")),
        );
        return;
    };
    d.add(
        "ok",
        &check,
        &format!(
            "git gets a token for it (user {})",
            cred.username.as_deref().unwrap_or("?")
        ),
        None,
    );
    let keyring = lines
        .iter()
        .filter_map(|l| HelperLine::parse(l))
        .any(|l| matches!(l, HelperLine::Keyring { .. }));
    if keyring {
        match Keystore::open(env.keyring_choice.as_deref()) {
            Ok(k) if k.backend == Backend::Keyutils => d.add(
                "warn",
                "keyring",
                "the token is in the kernel keyring, which forgets it at reboot",
                Some(
                    "start a Secret Service (gnome-keyring) and log in again, or use --cache store",
                ),
            ),
            Ok(k) => d.add(
                "ok",
                "keyring",
                &format!("the token is in {}", k.backend.describe()),
                None,
            ),
            Err(e) => d.add("fail", "keyring", &format!("{e:#}"), None),
        }
    }
    match api {
        Api::Offline => {}
        Api::NotLoggedIn => d.add(
            "warn",
            &check,
            "not checked with the API: no login is recorded for it, so its token is not sent there (a repository's remotes may name any server)",
            Some(&format!(
                "git-https doctor --host {host} (sends the token to {host}'s API), or git-https login --host {host}"
            )),
        ),
        Api::Check => {
            let Some(token) = cred.password else { return };
            check_token(d, env, git, realm, &check, &token);
        }
    }
}

/// What the forge's API says of the token git would send.
fn check_token(d: &mut Doctor, env: &Env, git: &Git, realm: &Realm, check: &str, token: &Secret) {
    let check = check.to_string();
    // An organization's token is checked on its host.
    let host = realm.host();
    let Some(forge) = super::auth::forge::detect_quietly(env, git, host) else {
        d.add(
            "warn",
            &check,
            "cannot tell which forge it runs: the token is not checked",
            Some("[forges] in config.toml names it"),
        );
        return;
    };
    let api_base = forge.api_base(host);
    // Reached exactly as login reaches it: git's CA, verification and proxy settings.
    let net = match network(env, git, &format!("{api_base}/user")) {
        Ok(n) => n,
        Err(e) => {
            d.add("warn", &check, &format!("{e:#}"), None);
            return;
        }
    };
    match api::verify(forge, &api_base, host, token, &net) {
        Ok(Ok(info)) => {
            let mut msg = format!("the API knows the token as {}", info.login);
            if let Some(exp) = &info.expires {
                msg.push_str(&format!("; it expires {exp}"));
                if let Some(days) = days_left(exp) {
                    msg.push_str(&format!(
                        " ({})",
                        output::count(days, "day left", "days left")
                    ));
                }
            }
            let status = if info.lacks_repo() { "warn" } else { "ok" };
            d.add(
                status,
                &check,
                &msg,
                info.lacks_repo()
                    .then_some("give the token the `repo` scope"),
            );
        }
        Ok(Err(api::VerifyError::Rejected { .. })) => d.add(
            "fail",
            &check,
            "the API rejects the token git would send",
            Some(&format!("git-https login --host {host} (with a new token)")),
        ),
        Ok(Err(e)) => d.add(
            "warn",
            &check,
            &format!("the token could not be checked: {e}"),
            Some("--offline skips this check"),
        ),
        Err(e) => d.add(
            "warn",
            &check,
            &format!("the token could not be checked: {e:#}"),
            Some("--offline skips this check"),
        ),
    }
}

/// Organizations share their host's cache, store file and keyring entry: a helper set for
/// every host answers an organization not logged in with whichever one's token it finds.
fn check_organizations(d: &mut Doctor, git: &Git, hosts: &BTreeSet<Realm>) {
    let orgs: Vec<&Realm> = hosts.iter().filter(|r| r.org().is_some()).collect();
    // An empty value resets the list: only what follows the last one asks.
    let all = git.every_host_helpers();
    let every: Vec<String> = match all.iter().rposition(String::is_empty) {
        Some(i) => all[i + 1..].to_vec(),
        None => all,
    };
    if orgs.is_empty() || every.is_empty() {
        return;
    }
    d.add(
        "warn",
        "organizations",
        &format!(
            "credential.helper is set for every host ({}): for an organization not logged in, git asks it, and it may answer with another organization's token ({} logged in)",
            every
                .iter()
                .map(|h| Redacted::new(h).to_string())
                .collect::<Vec<_>>()
                .join(", "),
            orgs.iter().map(|o| o.as_str()).collect::<Vec<_>>().join(", ")
        ),
        Some("log in to each organization you use (git-https login --host dev.azure.com/ORG), or drop the helper for every host"),
    );
}

/// Days until `2030-01-01 00:00:00 UTC` (GitHub's expiry header), if it reads as that.
fn days_left(expires: &str) -> Option<usize> {
    let date = expires.split_whitespace().next()?;
    let stamp = humantime::parse_rfc3339(&format!("{date}T00:00:00Z")).ok()?;
    let left = stamp.duration_since(std::time::SystemTime::now()).ok()?;
    Some((left.as_secs() / 86_400) as usize)
}

/// Every store file a helper line names (for every host, or one), whoever set it, and git's
/// own two (`~/.git-credentials`, `$XDG_CONFIG_HOME/git/credentials`, which `store` reads
/// whatever the lines say) wherever they exist: a mode looser than 0600 fails. Their content
/// is never read here.
fn check_store_files(d: &mut Doctor, env: &Env, git: &Git, hosts: &BTreeSet<Realm>) {
    let mut lines = git.every_host_helpers();
    for h in hosts {
        lines.extend(git.helpers(h.as_str()).unwrap_or_default());
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for line in lines.iter().filter_map(|l| HelperLine::parse(l)) {
        if let HelperLine::Store { file } = line {
            let file = file.unwrap_or_else(|| crate::io::git::default_store_file(env));
            if !files.contains(&file) {
                files.push(file);
            }
        }
    }
    for file in crate::io::git::store_files(env) {
        if !files.contains(&file) {
            files.push(file);
        }
    }
    for file in files {
        match file::mode(&file) {
            // No bit for group or others: nobody else can read it.
            Some(mode) if mode & 0o077 == 0 => d.add(
                "ok",
                "store file",
                &format!("{} is {mode:04o}", file.display()),
                None,
            ),
            Some(mode) => d.add(
                "fail",
                "store file",
                &format!(
                    "{} is mode {mode:04o}: others can read the tokens in it",
                    file.display()
                ),
                Some(&format!("chmod 600 {}", shell_quote(&file))),
            ),
            None => {}
        }
    }
}

/// Rules that turn HTTPS URLs into SSH ones, with their file.
fn check_rules(d: &mut Doctor, env: &Env, here: Option<&repo::Repo>) -> Result<()> {
    let mut rules = repo::global_rules(env)?;
    // The repository at hand may carry its own rule.
    if let Some(r) = here
        && let Ok(parsed) = repo::read_config(&r.config)
    {
        rules = repo::repo_rules(env, r, &parsed, &rules)?;
    }
    let mut bad = 0;
    for r in &rules {
        let turns_https = r.prefix.starts_with("https://");
        let into_ssh = url::parse(&r.base).is_ok_and(|p| p.kind != Kind::Https);
        if turns_https && into_ssh {
            bad += 1;
            // The command that removes exactly this rule, whatever the remotes are now.
            let key = format!(
                "url.{}.{}",
                r.base,
                if r.push { "pushInsteadOf" } else { "insteadOf" }
            );
            let fix = format!(
                "git config --file {} --fixed-value --unset-all {} {}",
                shell_quote(Path::new(&r.origin)),
                shell_quote(Path::new(&key)),
                shell_quote(Path::new(&r.prefix))
            );
            d.add(
                "fail",
                "insteadOf rule",
                &format!("{} turns HTTPS URLs into SSH", r.describe()),
                Some(&fix),
            );
        }
    }
    if bad == 0 {
        d.add("ok", "insteadOf rules", "none turns HTTPS into SSH", None);
    }
    Ok(())
}

/// `~/.ssh/config` aliases of the forges' hosts: their remotes migrate to the real host.
fn check_ssh_aliases(d: &mut Doctor, env: &Env) {
    let ssh = settings::load_ssh_config(&env.ssh_dir());
    let ties = settings::aliases(env).unwrap_or_default();
    // Each alias of a forge host, with the account `login --alias` tied it to (if any).
    let mut by_host: std::collections::BTreeMap<String, Vec<(String, Option<String>)>> =
        Default::default();
    for a in ssh.aliases() {
        let Some(real) = ssh.resolve(&a) else {
            continue;
        };
        let real = if real == "ssh.github.com" {
            "github.com".to_string()
        } else {
            real
        };
        if !["github.com", "gitlab.com", "bitbucket.org"].contains(&real.as_str()) {
            continue;
        }
        // A tie from `login --alias`, or a `[hosts]` rule that names the account itself.
        let tie = ties
            .iter()
            .find(|(t, _)| *t == a)
            .map(|(_, base)| base.clone())
            .or_else(|| {
                settings::hosts_rule(env, &a)
                    .ok()
                    .flatten()
                    .filter(|base| crate::core::hosts::account_of(base).is_some())
            });
        by_host.entry(real).or_default().push((a, tie));
    }
    for (real, aliases) in &by_host {
        let shown: Vec<String> = aliases
            .iter()
            .map(|(a, tie)| match tie {
                Some(base) => format!("{a} → {}", Redacted::new(base)),
                None => format!("{a} → {real}"),
            })
            .collect();
        let untied: Vec<&str> = aliases
            .iter()
            .filter(|(_, t)| t.is_none())
            .map(|(a, _)| a.as_str())
            .collect();
        // Several aliases of one host are usually several identities: over HTTPS each needs
        // its account named, or all of them authenticate as one.
        if aliases.len() > 1 && !untied.is_empty() {
            d.add(
                "warn",
                "~/.ssh/config",
                &format!(
                    "{} aliases of {real} ({}): migrated without a tie, their remotes all authenticate as one account",
                    aliases.len(),
                    shown.join(", ")
                ),
                Some(&format!(
                    "git-https login --host {real} --alias {} with that alias's account's token (for each)",
                    untied[0]
                )),
            );
        } else {
            d.add(
                "ok",
                "~/.ssh/config",
                &format!(
                    "aliases of {real}, as migrate rewrites them: {}",
                    shown.join(", ")
                ),
                None,
            );
        }
    }
    if ssh.uncertain {
        d.add(
            "warn",
            "~/.ssh/config",
            "a Match block sets HostName on conditions only ssh can check: SSH hosts are not converted",
            Some("--map HOST=https://… for each host"),
        );
    }
}

fn check_scan(d: &mut Doctor, env: &Env, dir: &std::path::Path) -> Result<()> {
    let root = settings::existing_dir(env, dir)?;
    let found = discover::discover(
        std::slice::from_ref(&root),
        &discover::Options {
            max_depth: None,
            exclude: Vec::new(),
            bare: false,
            threads: crate::engine::thread_count(None)?,
        },
    );
    let mut repos_with_ssh = 0;
    let mut urls = 0;
    let mut leaky = Vec::new();
    for r in &found.repos {
        let Ok(parsed) = repo::read_config(&r.config) else {
            continue;
        };
        let slots = repo::slots_of(FileKind::Config, &parsed.entries);
        let remotes: Vec<_> = slots.iter().filter(|s| s.is_remote()).collect();
        let n = remotes
            .iter()
            .filter(|s| url::parse(&s.value).is_ok_and(|p| p.kind.is_migratable()))
            .count();
        if remotes
            .iter()
            .any(|s| url::parse(&s.value).is_ok_and(|p| p.leaks_credentials()))
        {
            leaky.push(r.root.display().to_string());
        }
        repos_with_ssh += usize::from(n > 0);
        urls += n;
    }
    let place = root.display().to_string();
    if !leaky.is_empty() {
        d.add(
            "fail",
            "token in a remote URL",
            &format!(
                "{place}: {} with credentials in a remote URL: {}",
                output::count(leaky.len(), "repository", "repositories"),
                leaky.join(", ")
            ),
            Some(&format!(
                "git-https migrate -r {place} --strip-credentials, then revoke those tokens"
            )),
        );
    }
    if urls > 0 {
        d.add(
            "warn",
            "SSH remotes",
            &format!(
                "{place}: {} in {} of {}",
                output::count(urls, "SSH URL", "SSH URLs"),
                output::count(repos_with_ssh, "repository", "repositories"),
                found.repos.len()
            ),
            Some(&format!("git-https migrate -r {place}")),
        );
    } else {
        d.add(
            "ok",
            "SSH remotes",
            &format!(
                "{place}: none in {}",
                output::count(found.repos.len(), "repository", "repositories")
            ),
            None,
        );
    }
    Ok(())
}
