//! The credential protocol behind `login` and `logout`, transactional:
//!
//! login: store the new token in the chosen place only (the helper chain reset to that one
//! helper), write the helper lines, then prove it — `git credential fill` through the configured
//! chain, from the scope's folder, must return exactly the new token. Any failure puts back the
//! old helper lines and what the chosen place held before. Only after the proof is the token
//! removed from the places an earlier login used (another mode, another store file).
//!
//! logout: remove the host's token from every place git-https may have put it — the recorded
//! ones, the ones the helper lines name, git's cache daemon and the keyring — then the helper
//! lines, and check that git no longer gets a credential for the host.

use std::fs;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use crate::core::credential::Credential;
use crate::core::helper::HelperLine;
use crate::core::net;
use crate::core::token::Secret;
use crate::env::Env;
use crate::io::git::{Chain, Git, Scope, default_store_file};
use crate::io::keystore::{self, Keystore};
use crate::io::logins::{Logins, Place};

/// Where a token is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// git's credential-cache daemon.
    Memory,
    /// git's credential-store file (absolute).
    Store(PathBuf),
    Keyring,
}

impl Storage {
    pub fn name(&self) -> &'static str {
        match self {
            Storage::Memory => "memory",
            Storage::Store(_) => "store",
            Storage::Keyring => "keyring",
        }
    }

    /// The place a helper line stores into (the `Reset` line stores nowhere).
    fn of_line(line: &HelperLine, env: &Env) -> Option<Storage> {
        match line {
            HelperLine::Reset => None,
            HelperLine::Cache { .. } => Some(Storage::Memory),
            HelperLine::Store { file } => Some(Storage::Store(
                file.clone().unwrap_or_else(|| default_store_file(env)),
            )),
            HelperLine::Keyring { .. } => Some(Storage::Keyring),
        }
    }

    fn of_place(p: &Place) -> Option<Storage> {
        match (p.mode.as_str(), &p.file) {
            ("memory", _) => Some(Storage::Memory),
            ("store", Some(f)) => Some(Storage::Store(f.clone())),
            ("keyring", _) => Some(Storage::Keyring),
            _ => None,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Storage::Memory => "git's credential cache".to_string(),
            Storage::Store(f) => f.display().to_string(),
            Storage::Keyring => "the OS keyring".to_string(),
        }
    }
}

/// What login is asked to do.
pub struct LoginPlan<'a> {
    pub host: &'a str,
    pub user: &'a str,
    pub token: &'a Secret,
    /// The helper that keeps the token (not `Reset`).
    pub helper: HelperLine,
}

/// What login did.
#[derive(Debug)]
pub struct LoginDone {
    pub storage: Storage,
    /// Every account now logged in on the host (in this scope), sorted.
    pub accounts: Vec<String>,
    /// The helper lines now in the scope's config, in order.
    pub lines: Vec<String>,
    /// The lines they replaced.
    pub replaced: Vec<String>,
    /// The keyring store used (keyring mode).
    pub keystore: Option<Keystore>,
    /// Places the token of an earlier login was removed from.
    pub removed: Vec<Storage>,
    /// Places it could not be removed from, and why.
    pub left: Vec<(Storage, String)>,
    /// The store file's mode before login made it 0600, when it was looser.
    pub loosened_mode: Option<u32>,
}

fn scope_name(scope: &Scope) -> String {
    match scope {
        Scope::Global => "global".to_string(),
        Scope::Local(p) => p.display().to_string(),
    }
}

/// A `--file` for the store: a regular file, or a path where one can be made (created 0600).
/// Returns whether it was created.
fn prepare_store_file(file: &Path) -> Result<bool> {
    match fs::symlink_metadata(file) {
        Ok(m) if m.is_file() => Ok(false),
        Ok(m) if m.file_type().is_symlink() => match fs::metadata(file) {
            Ok(t) if t.is_file() => Ok(false),
            _ => bail!(
                "{}: a symlink to something that is not a regular file",
                file.display()
            ),
        },
        Ok(m) => {
            let what = if m.is_dir() {
                "a directory"
            } else if m.file_type().is_fifo() || m.file_type().is_socket() {
                "a pipe or socket"
            } else {
                "not a regular file"
            };
            bail!(
                "{}: {what}; --file names the file to store the token in",
                file.display()
            )
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(file)
                .with_context(|| format!("cannot create {}", file.display()))?;
            Ok(true)
        }
        Err(e) => Err(e).with_context(|| format!("cannot use {}", file.display())),
    }
}

/// Makes the store file 0600; returns its looser mode when it had one.
fn secure_file(file: &Path) -> Result<Option<u32>> {
    let meta = fs::metadata(file)
        .with_context(|| format!("git credential-store did not write {}", file.display()))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode == 0o600 {
        return Ok(None);
    }
    fs::set_permissions(file, fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot chmod {}", file.display()))?;
    Ok(Some(mode))
}

/// The helper that talks to `storage` (the keyring is not one of git's).
fn helper_of(storage: &Storage, helper: &HelperLine) -> HelperLine {
    match storage {
        Storage::Memory => match helper {
            HelperLine::Cache { timeout } => HelperLine::Cache { timeout: *timeout },
            _ => HelperLine::Cache { timeout: 900 },
        },
        Storage::Store(f) => HelperLine::Store {
            file: Some(f.clone()),
        },
        Storage::Keyring => helper.clone(),
    }
}

/// Puts `cred` into `storage`, talking to its helper directly.
fn put(
    git: &Git,
    env: &Env,
    storage: &Storage,
    helper: &HelperLine,
    cred: &Credential,
) -> Result<()> {
    match storage {
        Storage::Keyring => {
            let (Some(host), Some(user), Some(token)) =
                (&cred.host, &cred.username, &cred.password)
            else {
                bail!("incomplete credential");
            };
            Keystore::open(env.keyring_choice.as_deref())?.set(host, user, token)
        }
        _ => git
            .helper_direct(&helper_of(storage, helper), "store", cred)
            .map(|_| ()),
    }
}

/// Removes the host's token for `user` (whoever it belongs to, without one) from `storage`.
fn remove(git: &Git, env: &Env, storage: &Storage, host: &str, user: Option<&str>) -> Result<()> {
    // An organization's scope shares its host with other organizations: only its own user
    // name (the organization) is ever removed.
    let user = user.or(net::scope_org(host));
    let erase = Credential::for_host(host, user, None);
    let host = net::scope_host(host);
    match storage {
        Storage::Memory => git
            .helper_direct(&HelperLine::Cache { timeout: 900 }, "erase", &erase)
            .map(|_| ()),
        Storage::Store(f) if !f.is_file() => Ok(()),
        Storage::Store(f) => git
            .helper_direct(
                &HelperLine::Store {
                    file: Some(f.clone()),
                },
                "erase",
                &erase,
            )
            .map(|_| ()),
        Storage::Keyring => Keystore::open(env.keyring_choice.as_deref())?
            .erase(&keystore::Place::https(host), user, None)
            .map(|_| ()),
    }
}

/// Everything a place held for one host before a login.
enum Before {
    /// Every account at `https://host`.
    Keyring(Vec<keystore::Stored>),
    /// The store file's bytes and mode (`None`: there was no file).
    File(Option<(zeroize::Zeroizing<Vec<u8>>, u32)>),
    /// What git's cache answered: for one user (`Some`), or every answer for the host, in the
    /// order it gives them.
    Cache(Option<String>, Vec<Credential>),
}

/// Takes what `storage` holds for the host. The cache can only be read one answer at a
/// time: each is taken out (erased by user and password) to reach the next, and the cache
/// is filled again at once, in the same order.
fn snapshot(
    git: &Git,
    env: &Env,
    storage: &Storage,
    helper: &HelperLine,
    host: &str,
    user: Option<&str>,
    keystore: Option<&Keystore>,
) -> Result<Before> {
    Ok(match (storage, keystore) {
        (_, Some(k)) => {
            Before::Keyring(k.accounts(&keystore::Place::https(net::scope_host(host)))?)
        }
        (Storage::Store(f), _) => Before::File(match fs::read(f) {
            Ok(bytes) => Some((
                zeroize::Zeroizing::new(bytes),
                fs::metadata(f)?.permissions().mode() & 0o7777,
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(anyhow!("cannot read {}: {e}", f.display())),
        }),
        // One user's entry is read without touching the others (their tokens and expiry
        // stay as they are).
        (_, None) if user.is_some() => Before::Cache(
            user.map(str::to_string),
            held(git, storage, helper, host, user)?
                .into_iter()
                .collect(),
        ),
        _ => {
            let mut all: Vec<Credential> = Vec::new();
            // Bounded: a helper that does not erase would answer the same one forever.
            let taken = (|| -> Result<()> {
                while all.len() < 64 {
                    let Some(c) = held(git, storage, helper, host, None)? else {
                        break;
                    };
                    if all.contains(&c) {
                        break;
                    }
                    git.helper_direct(&helper_of(storage, helper), "erase", &c)?;
                    all.push(c);
                }
                Ok(())
            })();
            let before = Before::Cache(None, all);
            // Filled again at once, also when reading stopped half-way.
            let put_back = restore(git, env, storage, helper, host, &before);
            taken?;
            put_back?;
            before
        }
    })
}

/// Puts back exactly what [`snapshot`] took.
fn restore(
    git: &Git,
    env: &Env,
    storage: &Storage,
    helper: &HelperLine,
    host: &str,
    before: &Before,
) -> Result<()> {
    match (before, storage) {
        (Before::Keyring(accounts), _) => Keystore::open(env.keyring_choice.as_deref())?
            .write(&keystore::Place::https(net::scope_host(host)), accounts),
        (Before::File(None), Storage::Store(f)) => match fs::remove_file(f) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(anyhow!("cannot remove {}: {e}", f.display()))
            }
            _ => Ok(()),
        },
        (Before::File(Some((bytes, mode))), Storage::Store(f)) => {
            // Written beside it and renamed over it: the file is old or new, never half
            // (through a symlink, the file it names).
            let f = &fs::canonicalize(f).unwrap_or_else(|_| f.clone());
            let dir = f.parent().unwrap_or(Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            tmp.as_file()
                .set_permissions(fs::Permissions::from_mode(*mode))?;
            std::io::Write::write_all(&mut tmp, bytes)?;
            tmp.as_file().sync_all()?;
            tmp.persist(f)
                .map_err(|e| anyhow!("cannot put back {}: {}", f.display(), e.error))?;
            Ok(())
        }
        (Before::Cache(user, all), _) => {
            remove(git, env, storage, host, user.as_deref())?;
            for c in all {
                put(git, env, storage, helper, c)?;
            }
            Ok(())
        }
        (Before::File(_), _) => Ok(()),
    }
}

/// What `storage` holds for the host now.
fn held(
    git: &Git,
    storage: &Storage,
    helper: &HelperLine,
    host: &str,
    user: Option<&str>,
) -> Result<Option<Credential>> {
    Ok(match storage {
        // The keyring is read whole by `snapshot`, never one answer at a time.
        Storage::Keyring => None,
        Storage::Store(f) if !f.is_file() => None,
        _ => {
            let out = git.helper_direct(
                &helper_of(storage, helper),
                "get",
                &Credential::for_host(host, user, None),
            )?;
            // Helpers answer without the protocol and host: they are put back, so that what
            // was held can be stored again on a rollback.
            let c = Credential::parse(&out);
            c.password.is_some().then(|| Credential {
                protocol: Some("https".into()),
                host: Some(net::scope_host(host).to_string()),
                path: None,
                ..c
            })
        }
    })
}

/// Logs in: see the module docs. On error nothing is changed.
pub fn login(env: &Env, git: &Git, plan: &LoginPlan<'_>) -> Result<LoginDone> {
    let host = plan.host;
    let storage = Storage::of_line(&plan.helper, env)
        .ok_or_else(|| anyhow!("no helper to store the token with"))?;
    let keystore = match storage {
        Storage::Keyring => Some(Keystore::open(env.keyring_choice.as_deref())?),
        _ => None,
    };
    let created = match &storage {
        Storage::Store(f) => prepare_store_file(f)?,
        _ => false,
    };
    let lines: Vec<String> = [HelperLine::Reset, plan.helper.clone()]
        .iter()
        .map(HelperLine::render)
        .collect();
    let logins = Logins::new(&env.state_dir());
    let _lock = logins.lock()?;
    let scope = scope_name(&git.scope);
    let all = logins.load()?;
    let recorded: Vec<Place> = all
        .iter()
        .filter(|p| p.host == host && p.scope == scope)
        .cloned()
        .collect();
    // One host has one helper chain: every account on it keeps its token in the same place.
    // A record without a user is a place an earlier run could not clear, not an account.
    let others: Vec<&Place> = recorded
        .iter()
        .filter(|p| !p.user.is_empty() && p.user != plan.user)
        .collect();
    // The cache daemon, the store file and the keyring are shared by every config scope:
    // an account logged in from another scope (`--local`) counts too.
    let elsewhere = all
        .iter()
        .any(|p| p.host == host && p.scope != scope && !p.user.is_empty() && p.user != plan.user);
    if let Some(other) = others
        .iter()
        .find(|p| Storage::of_place(p).is_some_and(|s| s != storage))
    {
        let theirs = Storage::of_place(other).map_or_else(String::new, |s| s.describe());
        bail!(
            "{host}'s other account {} keeps its token in {theirs}, and git asks one place per host: log in with the same --cache{}, or `git-https logout --host {host} --user {}` first",
            other.user,
            if other.file.is_some() {
                " and --file"
            } else {
                ""
            },
            other.user
        );
    }
    let replaced = git.helpers(host)?;
    let alone = others.is_empty() && !elsewhere;
    // What the place holds now, to put back exactly on a failure: all of the host's when this
    // login clears the host, else this account's alone.
    let before = snapshot(
        git,
        env,
        &storage,
        &plan.helper,
        host,
        // An organization's login only ever touches the organization's own entry.
        (!alone || net::scope_org(host).is_some()).then_some(plan.user),
        keystore.as_ref(),
    )?;
    let cred = Credential::for_host(host, Some(plan.user), Some(plan.token));
    cred.check().map_err(|e| anyhow!("{e}"))?;
    // The new place is recorded before the token goes there: if this process is killed
    // half-way, logout still knows where to look.
    let mut pending = recorded.clone();
    pending.push(place(host, &scope, &storage, plan.user));
    logins.set(host, &scope, pending)?;

    let mut loosened_mode = None;
    // git writes config through a lock and a rename: a failed write changed nothing.
    let mut lines_set = false;
    let mut touched = false;
    let attempt = (|| -> Result<()> {
        let before = match &storage {
            Storage::Store(f) => fs::metadata(f).ok().map(|m| m.permissions().mode() & 0o777),
            _ => None,
        };
        // The lines first: a config git cannot write stops the login before the place is
        // touched (git's cache daemon cannot be put back in its order).
        git.set_helpers(host, &lines)?;
        lines_set = true;
        if net::scope_org(host).is_some() {
            git.set_scope_username(host, Some(plan.user))?;
        }
        // One token per (host, user): this user's entry is replaced, another user's stays
        // (they are told apart by the user name in the remote's URL). Alone, the host's
        // unnamed entries go too, so that a URL without a user name gets this token.
        touched = true;
        remove(git, env, &storage, host, Some(plan.user))?;
        if alone && keystore.is_none() {
            remove(git, env, &storage, host, None)?;
        }
        put(git, env, &storage, &plan.helper, &cred)?;
        if let Storage::Store(f) = &storage {
            let after = secure_file(f)?;
            loosened_mode = before.filter(|m| *m != 0o600).or(after);
        }
        prove(git, host, Some(plan.user), plan.token, &storage)?;
        if alone {
            prove(git, host, None, plan.token, &storage)?;
        }
        Ok(())
    })();
    if let Err(e) = attempt {
        let mut undo_errors = Vec::new();
        if let Some(lost) = e.downcast_ref::<crate::io::git::LinesLost>() {
            undo_errors.push(lost.to_string());
        }
        let restored_lines = if !lines_set {
            Ok(())
        } else if replaced.is_empty() {
            git.remove_helpers(host)
                .and_then(|_| match net::scope_org(host) {
                    Some(_) => git.set_scope_username(host, None),
                    None => Ok(()),
                })
        } else {
            git.set_helpers(host, &replaced)
        };
        if let Err(u) = restored_lines {
            undo_errors.push(format!("{u:#}"));
        }
        // What login put there goes, then what was there before comes back.
        let restored_store = if touched {
            restore(git, env, &storage, &plan.helper, host, &before)
        } else {
            Ok(())
        };
        if let Err(u) = restored_store {
            undo_errors.push(format!("{u:#}"));
        }
        if let (true, Storage::Store(f)) = (created, &storage)
            && fs::metadata(f).is_ok_and(|m| m.len() == 0)
        {
            let _ = fs::remove_file(f);
        }
        if let Err(u) = logins.set(host, &scope, recorded.clone()) {
            undo_errors.push(format!("{u:#}"));
        }
        if !undo_errors.is_empty() {
            return Err(e.context(format!(
                "and putting things back failed too: {}",
                undo_errors.join("; ")
            )));
        }
        return Err(e.context("nothing was changed"));
    }

    // Proven: now the token leaves the places an earlier login used.
    let mut previous: Vec<Storage> = recorded.iter().filter_map(Storage::of_place).collect();
    previous.extend(
        replaced
            .iter()
            .filter_map(|l| HelperLine::parse(l))
            .filter_map(|l| Storage::of_line(&l, env)),
    );
    previous.dedup();
    let mut removed = Vec::new();
    let mut left = Vec::new();
    for old in previous.into_iter().filter(|s| *s != storage) {
        if removed.contains(&old) {
            continue;
        }
        // Another scope's accounts may keep their tokens there: then only this account's goes.
        match remove(git, env, &old, host, elsewhere.then_some(plan.user)) {
            Ok(()) => removed.push(old),
            Err(e) => left.push((old, format!("{e:#}"))),
        }
    }
    let mut places: Vec<Place> = others.into_iter().cloned().collect();
    places.push(place(host, &scope, &storage, plan.user));
    // A place not cleared holds an earlier token, not this account's: kept without a user.
    places.extend(left.iter().map(|(s, _)| place(host, &scope, s, "")));
    let mut accounts: Vec<String> = places
        .iter()
        .map(|p| p.user.clone())
        .filter(|u| !u.is_empty())
        .collect();
    accounts.sort();
    accounts.dedup();
    logins.set(host, &scope, places)?;
    Ok(LoginDone {
        storage,
        accounts,
        lines,
        replaced,
        keystore,
        removed,
        left,
        loosened_mode,
    })
}

fn place(host: &str, scope: &str, s: &Storage, user: &str) -> Place {
    Place {
        host: host.to_string(),
        scope: scope.to_string(),
        mode: s.name().to_string(),
        file: match s {
            Storage::Store(f) => Some(f.clone()),
            _ => None,
        },
        user: user.to_string(),
        time: crate::io::journal::now(),
    }
}

/// `git credential fill` through the configured chain must give exactly `token` for
/// `https://USER@HOST` (`https://HOST` without a user).
fn prove(
    git: &Git,
    host: &str,
    user: Option<&str>,
    token: &Secret,
    storage: &Storage,
) -> Result<()> {
    let url = match user {
        Some(u) => format!("https://{u}@{host}"),
        None => format!("https://{host}"),
    };
    match git.fill_as(host, user, Chain::Configured) {
        Some(c) if c.password.as_ref() == Some(token) => Ok(()),
        Some(_) => bail!(
            "git credential fill for {url} returned another token than the one stored in {}",
            storage.describe()
        ),
        None => bail!(
            "git credential fill for {url} returned no token after storing it in {}",
            storage.describe()
        ),
    }
}

/// What logout did.
#[derive(Debug, Default)]
pub struct LogoutDone {
    /// Places the token was removed from (or was not in).
    pub cleared: Vec<Storage>,
    /// Places it could not be removed from, and why.
    pub failed: Vec<(Storage, String)>,
    /// The helper lines removed; `None` when lines not ours were left in place.
    pub removed_lines: Option<Vec<String>>,
    /// Lines left because git-https did not write them.
    pub foreign_lines: Vec<String>,
    /// git still gets a credential for the host (from helpers git-https did not set up).
    pub still_answered: bool,
    /// The login record could not be read (and was left alone).
    pub record_error: Option<String>,
    /// The host's other accounts, still logged in (with `--user`).
    pub others: Vec<String>,
    /// `--user` named an account login recorded (always, without one).
    pub known: bool,
}

/// Logs out of every account on `host`, or of `user`'s alone: see the module docs. The helper
/// lines go with the host's last account.
pub fn logout(env: &Env, git: &Git, host: &str, user: Option<&str>) -> Result<LogoutDone> {
    let logins = Logins::new(&env.state_dir());
    let _lock = logins.lock()?;
    let scope = scope_name(&git.scope);
    let lines = git.helpers(host)?;
    let mut done = LogoutDone::default();
    // An unreadable record must not stop a logout: the other places are still cleared.
    let all = logins.load().unwrap_or_else(|e| {
        done.record_error = Some(format!("{e:#}"));
        Vec::new()
    });
    let all_recorded: Vec<Place> = all
        .iter()
        .filter(|p| p.host == host && p.scope == scope)
        .cloned()
        .collect();
    let mine = |p: &Place| user.is_none_or(|u| p.user == u || p.user.is_empty());
    let (recorded, others): (Vec<Place>, Vec<Place>) = all_recorded.into_iter().partition(mine);
    done.others = others.iter().map(|p| p.user.clone()).collect();
    done.others.sort();
    done.others.dedup();
    done.known = user.is_none_or(|u| recorded.iter().any(|p| p.user == u));
    // Without --user, every account of this scope; but the cache, the store file and the
    // keyring are shared with other scopes, whose accounts stay.
    let elsewhere = all
        .iter()
        .any(|p| p.host == host && p.scope != scope && !p.user.is_empty());
    let users: Vec<Option<String>> = match user {
        Some(u) => vec![Some(u.to_string())],
        None if elsewhere => {
            let mut here: Vec<Option<String>> = recorded
                .iter()
                .filter(|p| !p.user.is_empty())
                .map(|p| Some(p.user.clone()))
                .collect();
            here.sort();
            here.dedup();
            here
        }
        None => vec![None],
    };
    let mut places: Vec<Storage> = vec![Storage::Memory];
    places.extend(recorded.iter().filter_map(Storage::of_place));
    places.extend(
        lines
            .iter()
            .filter_map(|l| HelperLine::parse(l))
            .filter_map(|l| Storage::of_line(&l, env)),
    );
    // Where git's store helper writes when no file is named, in case a record was lost.
    if lines.iter().any(|l| l == "store") {
        places.push(Storage::Store(default_store_file(env)));
    }
    let keyring_named = places.contains(&Storage::Keyring);
    if !keyring_named {
        places.push(Storage::Keyring);
    }
    // Nothing of this scope's is known, and other scopes' accounts share the places: nothing
    // is removed (and nothing said to be).
    if users.is_empty() {
        done.known = false;
        places.clear();
    }
    for p in places {
        if done.cleared.contains(&p) || done.failed.iter().any(|(f, _)| *f == p) {
            continue;
        }
        let removed = users
            .iter()
            .try_for_each(|u| remove(git, env, &p, host, u.as_deref()));
        match removed {
            Ok(()) => done.cleared.push(p),
            // No keyring on this machine, and none was used: nothing to remove.
            Err(_) if p == Storage::Keyring && !keyring_named => {}
            Err(e) => done.failed.push((p, format!("{e:#}"))),
        }
    }
    // Another account still needs the host's helper.
    if !lines.is_empty() && done.others.is_empty() {
        if lines.iter().all(|l| HelperLine::parse(l).is_some()) {
            git.remove_helpers(host)?;
            if net::scope_org(host).is_some() {
                git.set_scope_username(host, None)?;
            }
            done.removed_lines = Some(lines);
        } else {
            done.foreign_lines = lines;
        }
    }
    if done.record_error.is_none() {
        let mut keep = others;
        keep.extend(
            done.failed
                .iter()
                .map(|(s, _)| place(host, &scope, s, user.unwrap_or(""))),
        );
        logins.set(host, &scope, keep)?;
    }
    // An organization's scope asks for its own name (its username line may be gone now).
    let asked = user.or(net::scope_org(host));
    done.still_answered = git
        .fill_as(host, asked, Chain::Configured)
        .is_some_and(|c| {
            // Asked for one user, git may still answer with another's (a helper that ignores
            // the name): only this user's token counts; without one, another scope's account
            // answering is not this logout's to remove.
            match asked {
                Some(u) => c.username.as_deref() == Some(u),
                None => !elsewhere,
            }
        });
    Ok(done)
}
