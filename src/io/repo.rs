//! Git repositories on disk: find one, read its URL values and rewrite rules, and apply a
//! set of changes to one config file atomically (git's `config.lock` + rename).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use crate::core::change::{ConfigKey, Edit, FileKind, Op};
use crate::core::gitconfig::{self, Entry};
use crate::core::insteadof::Rule;
use crate::core::plan::Slot;
use crate::env::Env;
use crate::io::platform;

/// Where a repository's pieces are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// The work tree, or the git dir of a bare repository: what messages call the repository.
    pub root: PathBuf,
    /// The config file remotes live in (the common dir's, for a linked worktree).
    pub config: PathBuf,
    pub bare: bool,
}

impl Repo {
    /// `.gitmodules` in the work tree (bare repositories have none); it may not exist.
    pub fn gitmodules(&self) -> Option<PathBuf> {
        (!self.bare).then(|| self.root.join(".gitmodules"))
    }

    pub fn file(&self, kind: FileKind) -> Option<PathBuf> {
        match kind {
            FileKind::Config | FileKind::Rules => Some(self.config.clone()),
            FileKind::Gitmodules => self.gitmodules(),
        }
    }
}

/// Follows a `.git` file (`gitdir: …`) to the git dir it names.
fn read_gitfile(dotgit: &Path) -> Result<PathBuf> {
    let bytes = platform::read_regular(dotgit, SMALL_FILE_LIMIT)
        .with_context(|| format!("cannot read {}", dotgit.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let target = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("gitdir:"))
        .map(str::trim)
        .ok_or_else(|| anyhow!("{} is not a gitdir file", dotgit.display()))?;
    let parent = dotgit.parent().unwrap_or(Path::new("."));
    Ok(parent.join(target))
}

/// Whether `file` is a repository's config (in a git dir) or a work tree's `.gitmodules`:
/// the only files git-https writes.
pub fn is_repository_file(file: &Path) -> bool {
    let (Some(name), Some(dir)) = (file.file_name(), file.parent()) else {
        return false;
    };
    (name == "config" && is_git_dir(dir)) || (name == ".gitmodules" && dir.join(".git").exists())
}

/// Whether `dir` looks like a git dir (bare repository or `.git`).
pub fn is_git_dir(dir: &Path) -> bool {
    dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir()
}

/// Builds a [`Repo`] from its work tree (or `None` when bare) and git dir. Touches the disk
/// only to read `commondir`: a bulk run calls this for every repository it finds (a missing
/// git dir shows up as an unreadable config).
pub fn from_git_dir(work_tree: Option<&Path>, git_dir: PathBuf) -> Result<Repo> {
    // A linked worktree keeps its config in the common dir named by `commondir`.
    let common = match platform::read_regular(&git_dir.join("commondir"), SMALL_FILE_LIMIT) {
        Ok(rel) => git_dir.join(String::from_utf8_lossy(&rel).trim()),
        Err(_) => git_dir.clone(),
    };
    let config = clean(&common.join("config"));
    Ok(Repo {
        root: work_tree.map_or(git_dir, Path::to_path_buf),
        config,
        bare: work_tree.is_none(),
    })
}

/// Resolves `a/b/../c` without touching the disk, so one config has one name.
fn clean(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The repository a `.git` entry belongs to; `is_dir` tells a `.git` directory from a `.git`
/// file (worktrees, submodules), which points elsewhere.
pub fn from_dotgit(dotgit: &Path, is_dir: bool) -> Result<Repo> {
    let work = dotgit.parent().unwrap_or(Path::new("."));
    if is_dir {
        return from_git_dir(Some(work), dotgit.to_path_buf());
    }
    let git_dir = read_gitfile(dotgit)?;
    if !git_dir.is_dir() {
        bail!(
            "{}: its .git file points to {}, which does not exist",
            work.display(),
            git_dir.display()
        );
    }
    from_git_dir(Some(work), git_dir)
}

/// The repository at or above `start`, as git would find it.
pub fn discover(start: &Path) -> Result<Repo> {
    let start = fs::canonicalize(start)
        .with_context(|| format!("{}: no such directory", start.display()))?;
    let mut dir = start.as_path();
    loop {
        let dotgit = dir.join(".git");
        if dotgit.exists() {
            return from_dotgit(&dotgit, dotgit.is_dir());
        }
        if is_git_dir(dir) {
            return from_git_dir(None, dir.to_path_buf());
        }
        match dir.parent() {
            Some(p) => dir = p,
            None => bail!(
                "not a git repository (or any parent up to /): {}",
                start.display()
            ),
        }
    }
}

/// A config file read and parsed.
pub struct Parsed {
    pub bytes: Vec<u8>,
    pub entries: Vec<Entry>,
}

/// A config file larger than this is not read (10,000 remotes take about 1 MiB).
const CONFIG_LIMIT: u64 = 64 << 20;
/// A `.git` file or `commondir`: one line.
const SMALL_FILE_LIMIT: u64 = 64 << 10;
/// git's own limit on nested config includes (`MAX_INCLUDE_DEPTH` in git's config.c).
const GIT_MAX_INCLUDE_DEPTH: usize = 10;
/// Config files one check follows, includes and all, so a fan-out cannot make it exponential.
const MAX_INCLUDED_FILES: usize = 100;

/// Reads a config (or `.gitmodules`): regular files only, so a hostile checkout's FIFO or a
/// link to a device fails this repository instead of blocking the run.
pub fn read_config(path: &Path) -> Result<Parsed> {
    let bytes = platform::read_regular(path, CONFIG_LIMIT)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let entries = gitconfig::parse(&bytes).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok(Parsed { bytes, entries })
}

fn is_url_entry(e: &Entry) -> bool {
    e.value.is_some()
        && e.subsection.is_some()
        && matches!(
            (e.section.as_str(), e.name.as_str()),
            ("remote", "url" | "pushurl") | ("submodule", "url")
        )
}

/// The URL values of one file, numbered per key in file order.
pub fn slots_of(file: FileKind, entries: &[Entry]) -> Vec<Slot> {
    // A map, not a list: a repository with 10,000 remotes stays linear.
    let mut seen: std::collections::HashMap<ConfigKey, usize> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for e in entries.iter().filter(|e| is_url_entry(e)) {
        let key = e.key();
        let n = seen.entry(key.clone()).or_insert(0);
        let index = *n;
        *n += 1;
        out.push(Slot {
            file,
            key,
            index,
            text: e.text,
            value: e.value.clone().unwrap_or_default(),
        });
    }
    out
}

/// `url.<base>.insteadOf` rules among parsed entries.
pub fn rules_of(entries: &[Entry], origin: &Path) -> Vec<Rule> {
    entries
        .iter()
        .filter(|e| e.section == "url" && matches!(e.name.as_str(), "insteadof" | "pushinsteadof"))
        .filter_map(|e| {
            Some(Rule {
                base: e.subsection.clone()?,
                prefix: e.value.clone()?,
                push: e.name == "pushinsteadof",
                origin: origin.display().to_string(),
            })
        })
        .collect()
}

/// The global config's entries as libgit2 reads them (`name=value`, includes followed).
pub fn libgit2_global_entries(env: &Env) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for path in env.global_git_configs().iter().filter(|p| p.is_file()) {
        // libgit2 follows includes as it opens the file: none of them may block it.
        check_config_file(env, path)?;
        let cfg =
            git2::Config::open(path).map_err(|e| anyhow!("{}: {}", path.display(), e.message()))?;
        let mut it = cfg
            .entries(None)
            .map_err(|e| anyhow!("{}: {}", path.display(), e.message()))?;
        while let Some(Ok(e)) = it.next() {
            if let (Ok(name), Ok(value)) = (e.name(), e.value()) {
                out.push(format!("{name}={value}"));
            }
        }
    }
    Ok(out)
}

/// git's ownership rule: a repository owned by another user is refused unless
/// `safe.directory` (system or global config) allows it (`ensure_valid_ownership`).
pub struct Ownership {
    /// Who counts as the owner: the effective user, or `SUDO_UID` when running as root
    /// through sudo (as git does).
    pub uid: Option<u32>,
    /// `safe.directory` values, in order (an empty value resets the list).
    pub safe: Vec<String>,
    home: Option<PathBuf>,
}

impl Ownership {
    pub fn load(env: &Env) -> Result<Ownership> {
        let me = platform::euid();
        let uid = match (me, env.sudo_uid) {
            (Some(0), Some(sudo)) => Some(sudo),
            (me, _) => me,
        };
        let mut files: Vec<PathBuf> = env.system_git_config().into_iter().collect();
        files.extend(env.global_git_configs());
        let mut safe = Vec::new();
        for path in files.iter().filter(|p| p.is_file()) {
            // libgit2 follows includes as it opens the file: none of them may block it.
            check_config_file(env, path)?;
            let cfg = git2::Config::open(path)
                .map_err(|e| anyhow!("{}: {}", path.display(), e.message()))?;
            let mut it = cfg
                .multivar("safe.directory", None)
                .map_err(|e| anyhow!("{}: {}", path.display(), e.message()))?;
            while let Some(Ok(e)) = it.next() {
                match e.value() {
                    Ok("") => safe.clear(),
                    Ok(v) => safe.push(v.to_string()),
                    Err(_) => {}
                }
            }
        }
        Ok(Ownership {
            uid,
            safe,
            home: env.home.clone(),
        })
    }

    /// Why git would refuse this repository, if it would.
    pub fn refusal(&self, repo: &Repo) -> Option<String> {
        let uid = self.uid?;
        let (owner, _) = platform::owner(&fs::metadata(&repo.root).ok()?)?;
        if owner == uid || self.is_safe(&repo.root) {
            return None;
        }
        Some(format!(
            "owned by user {owner}, not you: git refuses it (add it to safe.directory to allow)"
        ))
    }

    fn is_safe(&self, root: &Path) -> bool {
        let real = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        self.safe.iter().any(|v| {
            if v == "*" {
                return true;
            }
            let v = match (v.strip_prefix("~/"), &self.home) {
                (Some(rest), Some(h)) => h.join(rest).display().to_string(),
                _ => v.clone(),
            };
            // `dir/*` allows every repository under dir (git 2.46).
            if let Some(prefix) = v.strip_suffix("/*") {
                let p = fs::canonicalize(prefix).unwrap_or_else(|_| PathBuf::from(prefix));
                return real.starts_with(p);
            }
            fs::canonicalize(&v).is_ok_and(|p| p == real)
        })
    }
}

/// Rewrite rules from the system and global config files, includes followed, each with the
/// file it is in, read by git itself (its own system config, `GIT_CONFIG_*` honoured).
pub fn global_rules(env: &Env) -> Result<Vec<Rule>> {
    // git follows their includes: none of them may block it.
    let mut files: Vec<PathBuf> = env.global_git_configs();
    if !env.git_config_nosystem {
        files.extend(env.system_git_config());
    }
    for path in files.iter().filter(|p| p.is_file()) {
        check_config_file(env, path)?;
    }
    let git = crate::io::git::Git::new(env, crate::io::git::Scope::Global)?;
    let mut rules = Vec::new();
    if !env.git_config_nosystem {
        rules.extend(git.insteadof_rules("--system")?);
    }
    rules.extend(git.insteadof_rules("--global")?);
    Ok(rules)
}

/// The rules that apply to one repository: global ones plus its own config's.
pub fn repo_rules(env: &Env, repo: &Repo, parsed: &Parsed, global: &[Rule]) -> Result<Vec<Rule>> {
    let mut rules = global.to_vec();
    let has_includes = parsed
        .entries
        .iter()
        .any(|e| e.section == "include" || e.section == "includeif");
    if has_includes {
        // Rare: let git follow the includes and name each rule's own file, once none of them
        // can block it.
        check_includes(env, &repo.config, &parsed.entries)?;
        let git = crate::io::git::Git::new(env, crate::io::git::Scope::Local(repo.root.clone()))?;
        rules.extend(git.insteadof_rules("--local")?);
    } else {
        rules.extend(rules_of(&parsed.entries, &repo.config));
    }
    Ok(rules)
}

/// Reads the config at `path` and checks its includes as [`check_includes`] does.
fn check_config_file(env: &Env, path: &Path) -> Result<()> {
    let parsed = read_config(path)?;
    check_includes(env, path, &parsed.entries)
}

/// Makes sure git (or libgit2) can follow the includes of the config `file` without blocking
/// or reading without end: every file an `include.path` or `includeIf.*.path` names — whatever
/// its condition — is a regular file of a sane size or is not there (git skips a missing
/// one), and so are the files those include, to git's own depth. An include cycle, which git
/// refuses too, fails here at once. An error names the file and the include.
pub fn check_includes(env: &Env, file: &Path, entries: &[Entry]) -> Result<()> {
    let mut walk = IncludeWalk {
        env,
        stack: vec![fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf())],
        files: 0,
    };
    walk.check(file, entries)
}

struct IncludeWalk<'a> {
    env: &'a Env,
    /// The files being checked, outermost first (resolved).
    stack: Vec<PathBuf>,
    files: usize,
}

impl IncludeWalk<'_> {
    fn check(&mut self, file: &Path, entries: &[Entry]) -> Result<()> {
        let includes = entries
            .iter()
            .filter(|e| matches!(e.section.as_str(), "include" | "includeif") && e.name == "path");
        for e in includes {
            let Some(value) = e.value.as_deref() else {
                continue;
            };
            let Some(target) = include_target(self.env, file, value) else {
                continue;
            };
            let why = |what: String| {
                anyhow!(
                    "{}: [{}] path = {value}: {what}; not read",
                    file.display(),
                    e.section
                )
            };
            let real = fs::canonicalize(&target).unwrap_or_else(|_| target.clone());
            if self.stack.contains(&real) {
                return Err(why("an include cycle".into()));
            }
            if self.stack.len() > GIT_MAX_INCLUDE_DEPTH {
                return Err(why(format!(
                    "more than {GIT_MAX_INCLUDE_DEPTH} nested includes"
                )));
            }
            self.files += 1;
            if self.files > MAX_INCLUDED_FILES {
                return Err(why(format!(
                    "more than {MAX_INCLUDED_FILES} files included"
                )));
            }
            let bytes = match platform::read_regular(&target, CONFIG_LIMIT) {
                Ok(b) => b,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
                Err(err) => return Err(why(format!("{}: {err}", target.display()))),
            };
            let inner = gitconfig::parse(&bytes).map_err(|err| why(format!("{err}")))?;
            self.stack.push(real);
            self.check(&target, &inner)?;
            self.stack.pop();
        }
        Ok(())
    }
}

/// The file an include's `path` names, as git resolves it: `~/` from HOME, a relative path
/// from the including file's folder. `None` for what git-https cannot resolve
/// (`%(prefix)/`, `~user/`).
fn include_target(env: &Env, file: &Path, value: &str) -> Option<PathBuf> {
    if let Some(rest) = value.strip_prefix("~/") {
        return env.home.as_ref().map(|h| h.join(rest));
    }
    if value.starts_with('~') || value.starts_with("%(prefix)") || value.is_empty() {
        return None;
    }
    let p = Path::new(value);
    Some(if p.is_absolute() {
        p.to_path_buf()
    } else {
        file.parent().unwrap_or(Path::new(".")).join(p)
    })
}

/// What applying edits to one file did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Values written (set).
    pub written: usize,
    /// `insteadOf` rules removed or added back.
    pub rules: usize,
    /// Edits whose value was already the new one (a rerun, or an undo of an undo).
    pub already: usize,
    /// Which those were (indices into the edits given): this run did not write them, so an
    /// undo of it leaves them.
    pub already_at: Vec<usize>,
}

impl Applied {
    fn found_done(&mut self, i: usize) {
        self.already += 1;
        self.already_at.push(i);
    }
}

/// Why an edit could not be made; the file is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(
        "{path}: locked ({path}.lock exists: another git process is running, or one was killed; remove the lock if not)"
    )]
    Locked { path: String },
    #[error("{path}: read-only (mode {mode:04o}); not changed")]
    ReadOnly { path: String, mode: u32 },
    #[error("{path}: {key} is now {now:?}, not {expected:?} as planned; not changed")]
    Changed {
        path: String,
        key: String,
        now: String,
        expected: String,
    },
    #[error("interrupted before this file was changed")]
    Interrupted,
    /// The config is a symlink (found on opening it): written again through its target.
    #[error("the config is a symbolic link")]
    Symlink,
    #[error("{0}")]
    Other(#[from] anyhow::Error),
}

/// Applies `edits` to the config file at `path` in one atomic write: take `path.lock`
/// exclusively (as git does), re-read under the lock, rewrite, keep the mode, rename.
/// Either every edit lands or none does.
pub fn apply(path: &Path, edits: &[Edit]) -> Result<Applied, ApplyError> {
    let vanished = || {
        ApplyError::Other(anyhow!(
            "{}: the repository vanished since it was read",
            path.display()
        ))
    };
    // The common case costs no stat: the lock is taken at `path.lock` and the config opened
    // without following a symlink. A symlinked config (the open says so) is written through,
    // as git does: the lock and the rename are then the target's.
    match lock_and_write(path, edits) {
        Err(ApplyError::Symlink) => {
            let real = fs::canonicalize(path).map_err(|_| vanished())?;
            match lock_and_write(&real, edits) {
                Err(ApplyError::Symlink) => Err(anyhow!(
                    "{}: the config's target changed while it was written",
                    path.display()
                )
                .into()),
                other => other,
            }
        }
        other => other,
    }
}

/// The mode a `config.lock` is created with: its owner's only, so that no one else can open it
/// in the moment before it gets the config's own mode (which may be private). Widening it to
/// the config's mode afterwards, before a byte is written, opens no window.
const LOCK_MODE: u32 = 0o600;

/// Takes `path.lock` (created [`LOCK_MODE`]; given the config's mode before anything is
/// written) and writes under it.
fn lock_and_write(path: &Path, edits: &[Edit]) -> Result<Applied, ApplyError> {
    let vanished = || {
        ApplyError::Other(anyhow!(
            "{}: the repository vanished since it was read",
            path.display()
        ))
    };
    let lock_path = lock_path(path);
    let lock = match create_lock(&lock_path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(ApplyError::Locked {
                path: path.display().to_string(),
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(vanished()),
        Err(e) => {
            return Err(anyhow!("{}: cannot create lock file: {e}", lock_path.display()).into());
        }
    };
    // The mode the lock was given: the umask takes its bits away.
    let lock_mode = platform::umask().map(|u| LOCK_MODE & !u);
    let result = write_locked(path, &lock_path, lock, lock_mode, edits);
    if !matches!(
        result,
        Ok(Applied { written: 1.., .. }) | Ok(Applied { rules: 1.., .. })
    ) {
        let _ = fs::remove_file(&lock_path);
    }
    result
}

/// Creates the lock file, [`LOCK_MODE`] from its first moment. `create_new` (O_EXCL) never
/// follows a link planted at the lock path: that is "locked".
fn create_lock(lock_path: &Path) -> std::io::Result<fs::File> {
    platform::create_mode(
        fs::OpenOptions::new().write(true).create_new(true),
        LOCK_MODE,
    )
    .open(lock_path)
}

fn lock_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

fn write_locked(
    path: &Path,
    lock_path: &Path,
    mut lock: fs::File,
    lock_mode: Option<u32>,
    edits: &[Edit],
) -> Result<Applied, ApplyError> {
    // Read under the lock, as git does, so no writer slips in between read and rename.
    let cannot_read =
        |e: std::io::Error| ApplyError::Other(anyhow!("{}: cannot read: {e}", path.display()));
    let mut file = match platform::open_read_nofollow(path) {
        Ok(Some(f)) => f,
        Ok(None) => return Err(ApplyError::Symlink),
        Err(e) => return Err(cannot_read(e)),
    };
    let meta = file.metadata().map_err(cannot_read)?;
    // The open did not block on a FIFO; nor does the read that would follow.
    if !meta.is_file() {
        return Err(anyhow!("{}: not a regular file; not changed", path.display()).into());
    }
    let mode = platform::file_mode(&meta);
    // A root user can write anything: honour the mode as the owner's intent. Without unix
    // modes, the read-only attribute says it (reported as mode 0444).
    if mode.map_or(meta.permissions().readonly(), |m| m & 0o222 == 0) {
        return Err(ApplyError::ReadOnly {
            path: path.display().to_string(),
            mode: mode.unwrap_or(0o444),
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0) + 1);
    file.read_to_end(&mut bytes).map_err(cannot_read)?;
    drop(file);
    let entries = gitconfig::parse(&bytes).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let parsed = Parsed { bytes, entries };
    let mut applied = Applied::default();
    let mut chosen: Vec<gitconfig::Change<'_>> = Vec::new();
    // One index of the file's values by key, so thousands of edits stay linear.
    let mut by_key: std::collections::HashMap<ConfigKey, Vec<usize>> =
        std::collections::HashMap::new();
    for (i, e) in parsed.entries.iter().enumerate() {
        if e.value.is_some() && e.text {
            by_key.entry(e.key()).or_default().push(i);
        }
    }
    let mut taken = std::collections::HashSet::new();
    for (at, edit) in edits.iter().enumerate() {
        let same = by_key.get(&edit.key).map_or(&[][..], Vec::as_slice);
        let holds = |v: &str| {
            same.iter()
                .find(|&&i| !taken.contains(&i) && parsed.entries[i].value.as_deref() == Some(v))
                .copied()
        };
        match edit.op {
            // A rule removed: gone already is done.
            Op::Remove => {
                // Every copy of the rule goes (one left would still turn URLs back).
                let all: Vec<usize> = same
                    .iter()
                    .copied()
                    .filter(|i| {
                        !taken.contains(i) && parsed.entries[*i].value.as_deref() == Some(&edit.old)
                    })
                    .collect();
                if all.is_empty() {
                    applied.found_done(at);
                }
                for i in all {
                    taken.insert(i);
                    chosen.push(gitconfig::Change::Remove(i));
                }
                continue;
            }
            Op::Add => {
                if holds(&edit.new).is_some() {
                    applied.found_done(at);
                } else {
                    chosen.push(gitconfig::Change::Insert {
                        section: &edit.key.section,
                        subsection: edit.key.subsection.as_deref(),
                        name: &edit.key.name,
                        value: &edit.new,
                    });
                }
                continue;
            }
            Op::Set => {}
        }
        match find(&parsed.entries, same, edit, &taken) {
            Found::Old(i) => {
                taken.insert(i);
                chosen.push(gitconfig::Change::Replace(i, edit.new.as_str()));
            }
            Found::AlreadyNew => applied.found_done(at),
            Found::Neither(now) => {
                return Err(ApplyError::Changed {
                    path: path.display().to_string(),
                    key: edit.key.to_string(),
                    now,
                    expected: edit.old.clone(),
                });
            }
        }
    }
    if chosen.is_empty() {
        return Ok(applied);
    }
    let out = gitconfig::apply_changes(&parsed.bytes, &parsed.entries, &chosen);
    let io = |e: std::io::Error| ApplyError::Other(anyhow!("{}: {e}", lock_path.display()));
    // git gives the new file the old one's mode, set before a byte is written so the new
    // content is never more readable than the old. The lock was created owner-only, so
    // this only ever widens it (skipped when a private config's lock has its mode already).
    if let Some(mode) = mode
        && lock_mode != Some(mode)
    {
        platform::set_file_mode(&lock, mode).map_err(io)?;
    }
    lock.write_all(&out).map_err(io)?;
    // Written by root for another user (safe.directory allowing it): the file stays its
    // owner's. Another user writing a shared (group-writable) repository's config makes it
    // theirs, as git does.
    if let Some((uid, gid)) = platform::owner(&meta)
        && platform::euid() == Some(0)
        && uid != 0
    {
        platform::chown_file(&lock, uid, gid).map_err(io)?;
    }
    drop(lock);
    fs::rename(lock_path, path).map_err(|e| {
        ApplyError::Other(anyhow!("{}: cannot rename lock file: {e}", path.display()))
    })?;
    applied.rules = chosen
        .iter()
        .filter(|c| !matches!(c, gitconfig::Change::Replace(..)))
        .count();
    applied.written = chosen.len() - applied.rules;
    Ok(applied)
}

enum Found {
    Old(usize),
    AlreadyNew,
    Neither(String),
}

/// Finds the entry an edit targets: its `index`-th value of the key if that still holds the
/// old value, else any value of the key that does. A key that holds the new value instead is
/// already done.
fn find(
    entries: &[Entry],
    candidates: &[usize],
    edit: &Edit,
    taken: &std::collections::HashSet<usize>,
) -> Found {
    let same: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|i| !taken.contains(i))
        .collect();
    let value = |i: usize| entries[i].value.as_deref().unwrap_or_default();
    // A planned old value that held credentials is journaled redacted; it still names its entry.
    let is_old = |i: usize| {
        value(i) == edit.old
            || (edit.old.contains("***") && crate::core::redact::redact(value(i)) == edit.old)
    };
    if let Some(&i) = same.get(edit.index).filter(|&&i| is_old(i)) {
        return Found::Old(i);
    }
    if let Some(&i) = same.iter().find(|&&i| is_old(i)) {
        return Found::Old(i);
    }
    if same.iter().any(|&i| value(i) == edit.new) {
        return Found::AlreadyNew;
    }
    Found::Neither(
        same.first()
            .map_or_else(|| "(unset)".to_string(), |&i| value(i).to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mkfifo(p: &Path) {
        let ok = std::process::Command::new("mkfifo").arg(p).status();
        assert!(ok.is_ok_and(|s| s.success()), "mkfifo {}", p.display());
    }

    /// The deterministic half of the lock-window test: the moment a `config.lock` exists, no
    /// one else may open it (it got 0666 less the umask before, 0644 under the usual one).
    #[cfg(unix)]
    #[test]
    fn the_lock_is_created_private() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("config.lock");
        let f = create_lock(&lock).unwrap();
        let mode = platform::file_mode(&f.metadata().unwrap()).unwrap();
        assert_eq!(mode & 0o077, 0, "created {mode:o}");
        assert!(create_lock(&lock).is_err(), "a second taker is refused");
    }

    /// A config's mode is kept through a write, whether it is wider or narrower than the
    /// lock's (the lock is widened, never narrowed, before the content goes in).
    #[cfg(unix)]
    #[test]
    fn a_write_keeps_the_config_mode() {
        use crate::core::change::{ConfigKey, Edit, Op};
        for want in [0o600, 0o644, 0o664] {
            let dir = tempfile::tempdir().unwrap();
            let cfg = dir.path().join("config");
            fs::write(&cfg, "[remote \"o\"]\n\turl = git@h.com:o/r.git\n").unwrap();
            platform::set_mode(&cfg, want).unwrap();
            let edit = Edit {
                key: ConfigKey::new("remote", Some("o"), "url"),
                index: 0,
                old: "git@h.com:o/r.git".into(),
                new: "https://h.com/o/r.git".into(),
                op: Op::Set,
            };
            assert_eq!(apply(&cfg, &[edit]).unwrap().written, 1);
            let got = platform::file_mode(&fs::metadata(&cfg).unwrap()).unwrap();
            assert_eq!(got & 0o777, want);
        }
    }

    #[cfg(unix)]
    #[test]
    fn includes_that_would_block_or_loop_are_refused_and_missing_ones_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let env = Env {
            home: Some(d.to_path_buf()),
            ..Env::default()
        };
        let check = |text: &str| {
            let cfg = d.join("config");
            fs::write(&cfg, text).unwrap();
            let parsed = read_config(&cfg).unwrap();
            check_includes(&env, &cfg, &parsed.entries).map_err(|e| format!("{e:#}"))
        };
        mkfifo(&d.join("fifo"));
        fs::write(d.join("regular"), "[include]\n\tpath = fifo\n").unwrap();
        fs::write(d.join("fine"), "[core]\n\tbare = false\n").unwrap();
        fs::write(d.join("loop"), "[include]\n\tpath = loop\n").unwrap();

        assert!(check("[include]\n\tpath = missing\n\tpath = fine\n").is_ok());
        let e = check("[include]\n\tpath = fifo\n").unwrap_err();
        assert!(e.contains("path = fifo") && e.contains("named pipe"), "{e}");
        // Through a regular include, under any condition, from HOME.
        let e = check("[includeIf \"gitdir:/nowhere/\"]\n\tpath = ~/regular\n").unwrap_err();
        assert!(e.contains("regular: [include] path = fifo"), "{e}");
        let e = check("[include]\n\tpath = /dev/zero\n").unwrap_err();
        assert!(e.contains("a device"), "{e}");
        let e = check("[include]\n\tpath = loop\n").unwrap_err();
        assert!(e.contains("an include cycle"), "{e}");
        let e = check("[include]\n\tpath = config\n").unwrap_err();
        assert!(e.contains("an include cycle"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_config_that_is_a_fifo_is_refused_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("config");
        mkfifo(&fifo);
        let e = read_config(&fifo).err().unwrap();
        assert!(format!("{e:#}").contains("named pipe"), "{e:#}");
        let e = apply(&fifo, &[]).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        assert!(!dir.path().join("config.lock").exists());
    }
}
