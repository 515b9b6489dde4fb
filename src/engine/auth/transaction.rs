//! The credential protocol behind `login` and `logout`, transactional, over `dyn TokenStore`:
//!
//! login: store the new token in the chosen place only (the helper chain reset to that one
//! helper), write the helper lines, then prove it — `git credential fill` through the configured
//! chain, from the scope's folder, must return exactly the new token. Any failure puts back the
//! old helper lines and what the chosen place held before. Only after the proof is the token
//! removed from the places an earlier login used (another mode, another store file).
//!
//! logout: remove the realm's token from every place git-https may have put it — the recorded
//! ones, the ones the helper lines name, git's cache daemon and the keyring — then the helper
//! lines, and check that git no longer gets a credential for the realm.

use anyhow::{Result, anyhow, bail};

use crate::core::credential::Credential;
use crate::core::helper::HelperLine;
use crate::core::realm::Realm;
use crate::core::token::Secret;
use crate::env::Env;
use crate::io::git::{Chain, Git, Scope};
use crate::io::keystore::Keystore;
use crate::io::logins::{Logins, Mode, Place};
use crate::io::store::{self, Before, Storage, TokenStore, file};

/// What login is asked to do.
pub struct LoginPlan<'a> {
    pub realm: &'a Realm,
    pub user: &'a str,
    pub token: &'a Secret,
    /// The helper that keeps the token (not `Reset`).
    pub helper: HelperLine,
}

/// What login did.
#[derive(Debug)]
pub struct LoginDone {
    pub storage: Storage,
    /// Every account now logged in on the realm (in this scope), sorted.
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

pub(crate) fn scope_name(scope: &Scope) -> String {
    match scope {
        Scope::Global => "global".to_string(),
        Scope::Local(p) => p.display().to_string(),
    }
}

/// The realm's records, split: all of them, and this scope's.
struct Records {
    all: Vec<Place>,
    scope: String,
}

impl Records {
    fn here(&self, realm: &Realm) -> Vec<Place> {
        self.all
            .iter()
            .filter(|p| p.host == realm.as_str() && p.scope == self.scope)
            .cloned()
            .collect()
    }

    /// Whether another scope has an account on the realm (other than `user`): the cache
    /// daemon, the store file and the keyring are shared by every config scope.
    fn elsewhere(&self, realm: &Realm, user: Option<&str>) -> bool {
        self.all.iter().any(|p| {
            p.host == realm.as_str()
                && p.scope != self.scope
                && !p.user.is_empty()
                && user.is_none_or(|u| p.user != u)
        })
    }
}

/// One host has one helper chain: every account on it keeps its token in the same place.
fn same_place(realm: &Realm, others: &[&Place], storage: &Storage) -> Result<()> {
    let Some(other) = others
        .iter()
        .find(|p| Storage::of_place(p).is_some_and(|s| s != *storage))
    else {
        return Ok(());
    };
    let theirs = Storage::of_place(other).map_or_else(String::new, |s| s.describe());
    bail!(
        "{realm}'s other account {} keeps its token in {theirs}, and git asks one place per host: log in with the same --cache{}, or `git-https logout --host {realm} --user {}` first",
        other.user,
        if other.file.is_some() {
            " and --file"
        } else {
            ""
        },
        other.user
    );
}

/// What a login attempt changed so far, for the rollback.
#[derive(Default)]
struct Touched {
    lines_set: bool,
    store: bool,
    loosened_mode: Option<u32>,
}

/// Logs in: see the module docs. On error nothing is changed.
pub fn login(env: &Env, git: &Git, plan: &LoginPlan<'_>) -> Result<LoginDone> {
    let realm = plan.realm;
    let storage = Storage::of_line(&plan.helper, env)
        .ok_or_else(|| anyhow!("no helper to store the token with"))?;
    let keystore = match storage {
        Storage::Keyring => Some(Keystore::open(env.keyring_choice.as_deref())?),
        _ => None,
    };
    let store = storage.open(git, env, &plan.helper);
    let lines: Vec<String> = [HelperLine::Reset, plan.helper.clone()]
        .iter()
        .map(HelperLine::render)
        .collect();
    let logins = Logins::new(&env.state_dir());
    let _lock = logins.lock()?;
    let records = Records {
        all: logins.load()?,
        scope: scope_name(&git.scope),
    };
    let recorded = records.here(realm);
    // A record without a user is a place an earlier run could not clear, not an account.
    let others: Vec<&Place> = recorded
        .iter()
        .filter(|p| !p.user.is_empty() && p.user != plan.user)
        .collect();
    let elsewhere = records.elsewhere(realm, Some(plan.user));
    same_place(realm, &others, &storage)?;
    let replaced = git.helpers(realm.as_str())?;
    let alone = others.is_empty() && !elsewhere;
    let cred = Credential::for_host(realm.as_str(), Some(plan.user), Some(plan.token));
    cred.check().map_err(|e| anyhow!("{e}"))?;
    // The store file is made once nothing else can refuse the login, and goes again (left
    // empty) if what follows fails before the attempt.
    let created = match &storage {
        Storage::Store(f) => file::prepare(f)?,
        _ => false,
    };
    let unmade = |e: anyhow::Error| {
        if let (true, Storage::Store(f)) = (created, &storage) {
            file::remove_if_empty(f);
        }
        e
    };
    // What the place holds now, to put back exactly on a failure: all of the realm's when
    // this login clears it, else this account's alone (an organization's login only ever
    // touches the organization's own entry).
    let before = store
        .snapshot(
            realm,
            (!alone || realm.org().is_some()).then_some(plan.user),
        )
        .map_err(unmade)?;
    // The new place is recorded before the token goes there: if this process is killed
    // half-way, logout still knows where to look.
    let mut pending = recorded.clone();
    pending.push(place(realm, &records.scope, &storage, plan.user));
    logins
        .set(realm.as_str(), &records.scope, pending)
        .map_err(unmade)?;

    let mut touched = Touched::default();
    let attempt = attempt(
        git,
        store.as_ref(),
        plan,
        &lines,
        &cred,
        alone,
        &mut touched,
    );
    if let Err(e) = attempt {
        let undo = Rollback {
            git,
            store: store.as_ref(),
            realm,
            replaced: &replaced,
            before: &before,
            created,
        };
        let mut undo_errors = undo.run(&e, &touched);
        if let Err(u) = logins.set(realm.as_str(), &records.scope, recorded.clone()) {
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
    let (removed, left) = clear_previous(git, env, plan, &recorded, &replaced, &storage, elsewhere);
    let mut places: Vec<Place> = others.into_iter().cloned().collect();
    places.push(place(realm, &records.scope, &storage, plan.user));
    // A place not cleared holds an earlier token, not this account's: kept without a user.
    places.extend(
        left.iter()
            .map(|(s, _)| place(realm, &records.scope, s, "")),
    );
    let mut accounts: Vec<String> = places
        .iter()
        .map(|p| p.user.clone())
        .filter(|u| !u.is_empty())
        .collect();
    accounts.sort();
    accounts.dedup();
    logins.set(realm.as_str(), &records.scope, places)?;
    Ok(LoginDone {
        storage,
        accounts,
        lines,
        replaced,
        keystore,
        removed,
        left,
        loosened_mode: touched.loosened_mode,
    })
}

/// The lines, the token, the proof. git writes config through a lock and a rename: a failed
/// write changed nothing.
fn attempt(
    git: &Git,
    store: &dyn TokenStore,
    plan: &LoginPlan<'_>,
    lines: &[String],
    cred: &Credential,
    alone: bool,
    touched: &mut Touched,
) -> Result<()> {
    let realm = plan.realm;
    let storage = store.storage();
    let mode_before = match &storage {
        Storage::Store(f) => file::mode(f),
        _ => None,
    };
    // The lines first: a config git cannot write stops the login before the place is
    // touched (git's cache daemon cannot be put back in its order).
    git.set_helpers(realm.as_str(), lines)?;
    touched.lines_set = true;
    if realm.org().is_some() {
        git.set_scope_username(realm.as_str(), Some(plan.user))?;
    }
    // One token per (realm, user): this user's entry is replaced, another user's stays
    // (they are told apart by the user name in the remote's URL). Alone, the realm's
    // unnamed entries go too, so that a URL without a user name gets this token.
    touched.store = true;
    store::erase(store, realm, Some(plan.user))?;
    if alone && storage != Storage::Keyring {
        store::erase(store, realm, None)?;
    }
    store.put(cred)?;
    if let Storage::Store(f) = &storage {
        let after = file::secure(f)?;
        touched.loosened_mode = mode_before.filter(|m| *m != 0o600).or(after);
    }
    prove(git, realm, Some(plan.user), plan.token, &storage)?;
    if alone {
        prove(git, realm, None, plan.token, &storage)?;
    }
    Ok(())
}

/// Puts back what a failed login changed.
struct Rollback<'a> {
    git: &'a Git<'a>,
    store: &'a dyn TokenStore,
    realm: &'a Realm,
    replaced: &'a [String],
    before: &'a Before,
    /// The store file did not exist before the login.
    created: bool,
}

impl Rollback<'_> {
    /// Returns what could not be put back.
    fn run(&self, e: &anyhow::Error, touched: &Touched) -> Vec<String> {
        let (git, realm) = (self.git, self.realm);
        let mut undo_errors = Vec::new();
        if let Some(lost) = e.downcast_ref::<crate::io::git::LinesLost>() {
            undo_errors.push(lost.to_string());
        }
        let restored_lines = if !touched.lines_set {
            Ok(())
        } else if self.replaced.is_empty() {
            git.remove_helpers(realm.as_str())
                .and_then(|_| match realm.org() {
                    Some(_) => git.set_scope_username(realm.as_str(), None),
                    None => Ok(()),
                })
        } else {
            git.set_helpers(realm.as_str(), self.replaced)
        };
        if let Err(u) = restored_lines {
            undo_errors.push(format!("{u:#}"));
        }
        // What login put there goes, then what was there before comes back.
        if touched.store
            && let Err(u) = self.store.restore(realm, self.before)
        {
            undo_errors.push(format!("{u:#}"));
        }
        if let (true, Storage::Store(f)) = (self.created, self.store.storage()) {
            file::remove_if_empty(&f);
        }
        undo_errors
    }
}

/// Proven: now the token leaves the places an earlier login used. Returns the places cleared
/// and those that could not be, with why.
fn clear_previous(
    git: &Git,
    env: &Env,
    plan: &LoginPlan<'_>,
    recorded: &[Place],
    replaced: &[String],
    storage: &Storage,
    elsewhere: bool,
) -> (Vec<Storage>, Vec<(Storage, String)>) {
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
    for old in previous.into_iter().filter(|s| s != storage) {
        if removed.contains(&old) {
            continue;
        }
        // Another scope's accounts may keep their tokens there: then only this account's goes.
        let store = old.open(git, env, &plan.helper);
        match store::erase(store.as_ref(), plan.realm, elsewhere.then_some(plan.user)) {
            Ok(()) => removed.push(old),
            Err(e) => left.push((old, format!("{e:#}"))),
        }
    }
    (removed, left)
}

pub(crate) fn place(realm: &Realm, scope: &str, s: &Storage, user: &str) -> Place {
    Place {
        host: realm.to_string(),
        scope: scope.to_string(),
        mode: Mode::Known(s.mode()),
        file: match s {
            Storage::Store(f) => Some(f.clone()),
            _ => None,
        },
        user: user.to_string(),
        time: crate::io::journal::now(),
    }
}

/// `git credential fill` through the configured chain must give exactly `token` for
/// `https://USER@REALM` (`https://REALM` without a user).
fn prove(
    git: &Git,
    realm: &Realm,
    user: Option<&str>,
    token: &Secret,
    storage: &Storage,
) -> Result<()> {
    let url = match user {
        Some(u) => format!("https://{u}@{realm}"),
        None => realm.url(),
    };
    match git.fill_as(realm.as_str(), user, Chain::Configured) {
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
    /// Of those, the places that held a token for the realm (and user) before.
    pub removed_from: Vec<Storage>,
    /// Any login of the realm is recorded in this scope (for any account).
    pub recorded: bool,
    /// Places it could not be removed from, and why.
    pub failed: Vec<(Storage, String)>,
    /// The helper lines removed; `None` when lines not ours were left in place.
    pub removed_lines: Option<Vec<String>>,
    /// Lines left because git-https did not write them.
    pub foreign_lines: Vec<String>,
    /// git still gets a credential for the realm (from helpers git-https did not set up).
    pub still_answered: bool,
    /// The login record could not be read (and was left alone).
    pub record_error: Option<String>,
    /// The realm's other accounts, still logged in (with `--user`).
    pub others: Vec<String>,
    /// `--user` named an account login recorded (always, without one).
    pub known: bool,
}

/// Logs out of every account on the realm, or of `user`'s alone: see the module docs. The
/// helper lines go with the realm's last account.
pub fn logout(env: &Env, git: &Git, realm: &Realm, user: Option<&str>) -> Result<LogoutDone> {
    let logins = Logins::new(&env.state_dir());
    let _lock = logins.lock()?;
    let lines = git.helpers(realm.as_str())?;
    let mut done = LogoutDone::default();
    // An unreadable record must not stop a logout: the other places are still cleared.
    let records = Records {
        all: logins.load().unwrap_or_else(|e| {
            done.record_error = Some(format!("{e:#}"));
            Vec::new()
        }),
        scope: scope_name(&git.scope),
    };
    let mine = |p: &Place| user.is_none_or(|u| p.user == u || p.user.is_empty());
    let (recorded, others): (Vec<Place>, Vec<Place>) =
        records.here(realm).into_iter().partition(mine);
    done.others = others.iter().map(|p| p.user.clone()).collect();
    done.others.sort();
    done.others.dedup();
    done.known = user.is_none_or(|u| recorded.iter().any(|p| p.user == u));
    done.recorded = !recorded.is_empty() || !done.others.is_empty();
    // Without --user, every account of this scope; but the cache, the store file and the
    // keyring are shared with other scopes, whose accounts stay.
    let elsewhere = records.elsewhere(realm, None);
    let users = logout_users(user, &recorded, elsewhere);
    let mut places = places_to_clear(env, &recorded, &lines);
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
        let store = p.open(git, env, &HelperLine::Reset);
        // Asked before erasing, so that what is said removed was there.
        let held = users
            .iter()
            .any(|u| matches!(store::get(store.as_ref(), realm, u.as_deref()), Ok(Some(_))));
        let removed = users
            .iter()
            .try_for_each(|u| store::erase(store.as_ref(), realm, u.as_deref()));
        match removed {
            Ok(()) => {
                if held {
                    done.removed_from.push(p.clone());
                }
                done.cleared.push(p);
            }
            // No keyring on this machine, and none was used: nothing to remove.
            Err(_) if p == Storage::Keyring && !keyring_named => {}
            Err(e) => done.failed.push((p, format!("{e:#}"))),
        }
    }
    // Another account still needs the realm's helper.
    if !lines.is_empty() && done.others.is_empty() {
        if lines.iter().all(|l| HelperLine::parse(l).is_some()) {
            git.remove_helpers(realm.as_str())?;
            if realm.org().is_some() {
                git.set_scope_username(realm.as_str(), None)?;
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
                .map(|(s, _)| place(realm, &records.scope, s, user.unwrap_or(""))),
        );
        logins.set(realm.as_str(), &records.scope, keep)?;
    }
    done.still_answered = still_answered(git, realm, user, elsewhere);
    Ok(done)
}

/// Whose tokens a logout removes: `--user`'s; without it everyone's (`None`), or, where other
/// scopes share the places, each account of this scope by name.
fn logout_users(user: Option<&str>, recorded: &[Place], elsewhere: bool) -> Vec<Option<String>> {
    match user {
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
    }
}

/// git's cache, the recorded places and the places the helper lines name.
fn places_to_clear(env: &Env, recorded: &[Place], lines: &[String]) -> Vec<Storage> {
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
        places.push(Storage::Store(crate::io::git::default_store_file(env)));
    }
    places
}

/// Whether git still gets this logout's credential. An organization's realm asks for its own
/// name (its username line may be gone now).
fn still_answered(git: &Git, realm: &Realm, user: Option<&str>, elsewhere: bool) -> bool {
    let asked = user.or(realm.org());
    git.fill_as(realm.as_str(), asked, Chain::Configured)
        .is_some_and(|c| {
            // Asked for one user, git may still answer with another's (a helper that ignores
            // the name): only this user's token counts; without one, another scope's account
            // answering is not this logout's to remove.
            match asked {
                Some(u) => c.username.as_deref() == Some(u),
                None => !elsewhere,
            }
        })
}
