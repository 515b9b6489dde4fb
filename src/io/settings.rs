//! Loading host rules: the config file (`$XDG_CONFIG_HOME/git-https/config.toml`), the user's
//! ssh config (for aliases), and `--map` flags.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

use crate::core::hosts::{HostMap, HostRules, SshConfig};
use crate::env::Env;
use crate::error::usage;
use crate::io::platform;

/// The config file's shape.
///
/// ```toml
/// [hosts]
/// "ghe.corp" = "https://ghe.corp:8443"
/// ```
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    hosts: std::collections::BTreeMap<String, String>,
    /// `[forges]` `"ghe.corp" = "github"`: which forge a host runs.
    #[serde(default)]
    forges: std::collections::BTreeMap<String, String>,
    /// `[aliases]` `"github-work" = "https://alice@github.com"`: an ssh alias tied to one
    /// account by `login --alias` (a host rule that carries the login; no secret).
    #[serde(default)]
    aliases: std::collections::BTreeMap<String, String>,
}

/// A config.toml larger than this is refused (real ones are a few lines).
const CONFIG_LIMIT: u64 = 1 << 20;

fn read_config(env: &Env) -> Result<(PathBuf, Option<String>)> {
    let path = config_file(env);
    // Regular files only: a FIFO there would block every command.
    match platform::read_regular(&path, CONFIG_LIMIT) {
        Ok(b) => match String::from_utf8(b) {
            Ok(t) => Ok((path, Some(t))),
            Err(_) => Err(anyhow!("{}: not UTF-8", path.display())),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((path, None)),
        Err(e) => Err(anyhow!("cannot read {}: {e}", path.display())),
    }
}

/// config.toml read (an empty one when there is none), and its path for messages.
fn load_config(env: &Env) -> Result<(PathBuf, FileConfig)> {
    let (path, text) = read_config(env)?;
    let cfg = match text {
        Some(t) => {
            toml::from_str(&t).map_err(|e| anyhow!("{}: {}", path.display(), e.message()))?
        }
        None => FileConfig::default(),
    };
    Ok((path, cfg))
}

/// The `[hosts]` rule config.toml gives `host` as written, if any.
pub fn hosts_rule(env: &Env, host: &str) -> Result<Option<String>> {
    Ok(load_config(env)?
        .1
        .hosts
        .into_iter()
        .find(|(h, _)| h.trim().eq_ignore_ascii_case(host))
        .map(|(_, b)| b))
}

/// The aliases `login --alias` tied to accounts: (alias, `https://LOGIN@HOST`), by alias.
pub fn aliases(env: &Env) -> Result<Vec<(String, String)>> {
    Ok(load_config(env)?.1.aliases.into_iter().collect())
}

/// Ties each alias to its base in `[aliases]`, replacing an earlier tie of the alias; the
/// rest of the file (comments, order) is kept. Written beside it and renamed over it.
pub fn tie_aliases(env: &Env, ties: &[(String, String)]) -> Result<()> {
    edit_aliases(env, |table| {
        for (alias, base) in ties {
            table.insert(alias, toml_edit::value(base.as_str()));
        }
        ties.iter().map(|(a, _)| a.clone()).collect()
    })
    .map(|_| ())
}

/// Removes the aliases tied to `host`'s accounts (only `user`'s, when given); which went.
pub fn untie_aliases(env: &Env, host: &str, user: Option<&str>) -> Result<Vec<String>> {
    use crate::core::hosts::{account_of, host_of};
    edit_aliases(env, |table| {
        let gone: Vec<String> = table
            .iter()
            .filter(|(_, v)| {
                v.as_str().is_some_and(|base| {
                    host_of(base).as_deref() == Some(host)
                        && user.is_none_or(|u| account_of(base).as_deref() == Some(u))
                })
            })
            .map(|(k, _)| k.to_string())
            .collect();
        for k in &gone {
            table.remove(k);
        }
        gone
    })
}

fn edit_aliases(
    env: &Env,
    change: impl FnOnce(&mut dyn toml_edit::TableLike) -> Vec<String>,
) -> Result<Vec<String>> {
    // One edit at a time (two logins at once would each drop the other's tie).
    let dir = config_file(env);
    let dir = dir.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let lock_path = dir.join("config.toml.lock");
    // Created 0600 from the start; a symlink planted there is refused, never followed.
    let lock = platform::open_lock(&lock_path)
        .with_context(|| format!("cannot open {}", lock_path.display()))?;
    lock.lock()
        .with_context(|| format!("cannot lock {}", lock_path.display()))?;
    let (path, text) = read_config(env)?;
    let mut doc: toml_edit::DocumentMut = text
        .as_deref()
        .unwrap_or("")
        .parse()
        .map_err(|e: toml_edit::TomlError| anyhow!("{}: {}", path.display(), e.message()))?;
    // `[aliases]` or an inline `aliases = { … }`: both are tables to the reader.
    let table = doc
        .entry("aliases")
        .or_insert_with(toml_edit::table)
        .as_table_like_mut()
        .ok_or_else(|| anyhow!("{}: aliases is not a table", path.display()))?;
    let touched = change(table);
    if touched.is_empty() {
        return Ok(touched);
    }
    if table.is_empty() {
        doc.remove("aliases");
    }
    // Through a symlink (a dotfiles checkout), the file it names is replaced, not the link;
    // it keeps its mode (a new one is its owner's only).
    crate::io::atomic::replace(&path, doc.to_string().as_bytes(), None)
        .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(touched)
}

/// The forge `config.toml` names for `host`, if any.
pub fn configured_forge(env: &Env, host: &str) -> Result<Option<crate::core::forge::Forge>> {
    let (path, cfg) = load_config(env)?;
    // `HOST:PORT` as written, else the host's name alone (a rule for `ghe.corp` covers
    // `ghe.corp:8443`).
    let name = crate::core::net::host_only(host);
    cfg.forges
        .iter()
        .find(|(h, _)| h.eq_ignore_ascii_case(host))
        .or_else(|| {
            cfg.forges
                .iter()
                .find(|(h, _)| h.eq_ignore_ascii_case(name))
        })
        .map(|(h, f)| {
            f.parse()
                .map_err(|e| anyhow!("{}: forges.{h}: {e}", path.display()))
        })
        .transpose()
}

pub fn config_file(env: &Env) -> PathBuf {
    env.config_dir().join("config.toml")
}

pub fn load_host_rules(env: &Env, maps: &[String]) -> Result<HostRules> {
    let mut rules = HostRules::default();
    let (path, cfg) = load_config(env)?;
    // An alias tied to an account, unless `[hosts]` or `--map` (later, so winning) says
    // otherwise.
    for (alias, base) in cfg.aliases {
        rules.maps.push(
            HostMap::new(&alias, &base)
                .map_err(|e| anyhow!("{}: aliases.{alias}: {e}", path.display()))?,
        );
    }
    for (host, base) in cfg.hosts {
        rules.maps.push(
            HostMap::new(&host, &base)
                .map_err(|e| anyhow!("{}: hosts.{host}: {e}", path.display()))?,
        );
    }
    for spec in maps {
        rules.maps.push(HostMap::parse(spec).map_err(usage)?);
    }
    let (ssh, skipped) = read_ssh_config(&env.ssh_dir());
    if let Some(line) = skipped {
        say_once(env, &line);
    }
    rules.ssh = ssh;
    Ok(rules)
}

/// ssh's own limit on nested includes (`READCONF_MAX_DEPTH` in OpenSSH's readconf.c).
const SSH_MAX_DEPTH: usize = 16;
/// An ssh config file larger than this is not read (real ones are a few KiB).
const SSH_FILE_LIMIT: u64 = 1 << 20;
/// Files read for one ssh config, includes and all: a fan-out (files that each include
/// several others) ends here instead of growing exponentially.
const SSH_MAX_FILES: usize = 256;

/// `Include` lines followed in all: each one globs, so a config of thousands of them (each
/// naming files already read) is work without end even under [`SSH_MAX_FILES`].
const SSH_MAX_INCLUDES: usize = 4 * SSH_MAX_FILES;

/// Paths an `Include` glob names, looked at in all (read, or skipped as a cycle): a fan-out
/// of files that include each other is cut here rather than resolved a million times.
const SSH_MAX_VISITS: usize = 16 * SSH_MAX_FILES;

/// Reads `~/.ssh/config` with its `Include`s (relative to `~/.ssh`, globs allowed). An
/// unreadable ssh config only means no aliases, as for ssh itself.
pub fn load_ssh_config(ssh_dir: &Path) -> SshConfig {
    read_ssh_config(ssh_dir).0
}

/// [`load_ssh_config`], and one line saying what was skipped, if anything was: an include
/// cycle, too deep a nesting, a file that is not a regular one (a FIFO would block, a device
/// such as `/dev/zero` never ends), one too large, too many files in all. The rest is read.
pub fn read_ssh_config(ssh_dir: &Path) -> (SshConfig, Option<String>) {
    let mut reader = SshReader {
        ssh_dir,
        stack: Vec::new(),
        files: 0,
        includes: 0,
        visits: 0,
        skipped: Vec::new(),
        out_of_files: false,
    };
    let config = ssh_dir.join("config");
    let cfg = reader.file(&config).unwrap_or_default();
    let note = (!reader.skipped.is_empty() || reader.out_of_files).then(|| {
        let shown: Vec<String> = reader
            .skipped
            .iter()
            .take(3)
            .map(|(p, why)| format!("{} ({why})", reader.tilde(p)))
            .collect();
        let mut parts = Vec::new();
        if !shown.is_empty() {
            let more = match reader.skipped.len() {
                n if n > 3 => format!(" and {} more", n - 3),
                _ => String::new(),
            };
            parts.push(format!("skipped {}{more}", shown.join(", ")));
        }
        if reader.out_of_files {
            parts.push(format!(
                "stopped after {SSH_MAX_FILES} included files, {SSH_MAX_INCLUDES} Include lines or {SSH_MAX_VISITS} included paths"
            ));
        }
        format!(
            "{}: {}; the rest is read",
            reader.tilde(&config),
            parts.join("; ")
        )
    });
    (cfg, note)
}

/// Reads an ssh config as ssh does, but never hangs on one: see [`read_ssh_config`].
struct SshReader<'a> {
    ssh_dir: &'a Path,
    /// The files being read, outermost first (resolved): one met again is a cycle.
    stack: Vec<PathBuf>,
    files: usize,
    /// `Include` lines followed so far.
    includes: usize,
    /// Paths looked at so far.
    visits: usize,
    /// Each file skipped once, with why.
    skipped: Vec<(PathBuf, String)>,
    /// Whether [`SSH_MAX_FILES`] were read and the rest left.
    out_of_files: bool,
}

impl SshReader<'_> {
    fn skip(&mut self, path: &Path, why: impl std::fmt::Display) {
        if !self.skipped.iter().any(|(p, _)| p == path) {
            self.skipped.push((path.to_path_buf(), why.to_string()));
        }
    }

    /// `~/…` for a path under the home folder, for messages.
    fn tilde(&self, p: &Path) -> String {
        match self.ssh_dir.parent().and_then(|h| p.strip_prefix(h).ok()) {
            Some(rest) => format!("~/{}", rest.display()),
            None => p.display().to_string(),
        }
    }

    /// One file read and parsed, its includes inlined; `None` when it is not there or skipped.
    fn file(&mut self, path: &Path) -> Option<SshConfig> {
        // The budget first: past it, not even the path is resolved.
        self.visits += 1;
        if self.files >= SSH_MAX_FILES || self.visits > SSH_MAX_VISITS {
            self.out_of_files = true;
            return None;
        }
        let real = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if self.stack.contains(&real) {
            self.skip(path, "an include cycle");
            return None;
        }
        if self.stack.len() > SSH_MAX_DEPTH {
            self.skip(path, format!("more than {SSH_MAX_DEPTH} nested includes"));
            return None;
        }
        if self.files >= SSH_MAX_FILES {
            self.out_of_files = true;
            return None;
        }
        self.files += 1;
        let bytes = match platform::read_regular(path, SSH_FILE_LIMIT) {
            Ok(b) => b,
            // A missing or unreadable file is no config, as for ssh.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => return None,
            Err(e) => {
                self.skip(path, e);
                return None;
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        self.stack.push(real);
        let mut cfg = SshConfig::default();
        cfg.parse_into(&text, &mut |arg| Some(self.include(arg)));
        self.stack.pop();
        Some(cfg)
    }

    /// The files one `Include` argument names, in glob order, merged.
    fn include(&mut self, arg: &str) -> SshConfig {
        self.includes += 1;
        if self.out_of_files || self.includes > SSH_MAX_INCLUDES {
            self.out_of_files = true;
            return SshConfig::default();
        }
        let ssh_dir = self.ssh_dir;
        let expanded = match arg.strip_prefix("~/") {
            Some(rest) => ssh_dir.parent().unwrap_or(ssh_dir).join(rest),
            None if Path::new(arg).is_absolute() => PathBuf::from(arg),
            None => ssh_dir.join(arg),
        };
        // ssh's glob(3) has no recursive `**`; the glob crate's would walk whole trees.
        let mut pattern = expanded.to_string_lossy().into_owned();
        while pattern.contains("**") {
            pattern = pattern.replace("**", "*");
        }
        let mut paths: Vec<PathBuf> = match glob::glob(&pattern) {
            Ok(found) => found
                .filter_map(Result::ok)
                .take(SSH_MAX_FILES + 1)
                .collect(),
            Err(_) => Vec::new(),
        };
        paths.sort();
        let mut merged = SshConfig::default();
        for p in paths {
            if let Some(inner) = self.file(&p) {
                merged = merged.merged(inner);
            }
        }
        merged
    }
}

/// A warning said once per run (a command may load the host rules more than once).
fn say_once(env: &Env, line: &str) {
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
    if !said.iter().any(|l| l == line) {
        said.push(line.to_string());
        // A warning, shown with -q too (it says what of the ssh config was not read).
        env.out.warn(line);
    }
}

/// Makes sure `path` exists and is readable before a command starts working on it.
pub fn existing_dir(env: &Env, p: &Path) -> Result<PathBuf> {
    let abs = env.abs(p);
    let meta = fs::metadata(&abs).with_context(|| format!("{}: cannot open", abs.display()))?;
    if !meta.is_dir() {
        return Err(anyhow!("{}: not a directory", abs.display()));
    }
    Ok(abs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ssh_dir() -> (tempfile::TempDir, PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let ssh = t.path().join(".ssh");
        fs::create_dir_all(&ssh).unwrap();
        (t, ssh)
    }

    #[test]
    fn a_chain_deeper_than_ssh_allows_is_cut_there_and_said() {
        let (_t, ssh) = ssh_dir();
        fs::write(
            ssh.join("config"),
            "Include d0\nHost top\n HostName top.com\n",
        )
        .unwrap();
        for i in 0..30 {
            let next = i + 1;
            fs::write(
                ssh.join(format!("d{i}")),
                format!("Include d{next}\nHost h{i}\n HostName h{i}.com\n"),
            )
            .unwrap();
        }
        let (cfg, note) = read_ssh_config(&ssh);
        assert_eq!(cfg.resolve("top").as_deref(), Some("top.com"));
        // config is depth 0, so d15 is the 16th nested include and the last read.
        assert_eq!(cfg.resolve("h15").as_deref(), Some("h15.com"));
        assert_eq!(cfg.resolve("h16"), None);
        let note = note.unwrap();
        assert!(
            note.contains("~/.ssh/d16 (more than 16 nested includes)"),
            "{note}"
        );
    }

    #[test]
    fn a_fan_out_stops_at_the_file_budget() {
        let (_t, ssh) = ssh_dir();
        // Each file includes all the others twice: with cycles cut, still factorial.
        for i in 0..12 {
            fs::write(ssh.join(format!("f{i}.conf")), "Include *.conf *.conf\n").unwrap();
        }
        fs::write(
            ssh.join("config"),
            "Include *.conf\nHost a\n HostName a.com\n",
        )
        .unwrap();
        let (cfg, note) = read_ssh_config(&ssh);
        assert_eq!(cfg.resolve("a").as_deref(), Some("a.com"));
        let note = note.unwrap();
        assert!(note.contains("stopped after 256 included files"), "{note}");
    }

    #[test]
    fn an_ordinary_config_says_nothing() {
        let (_t, ssh) = ssh_dir();
        fs::write(ssh.join("config"), "Include conf.d/*\nInclude missing\n").unwrap();
        fs::create_dir_all(ssh.join("conf.d")).unwrap();
        fs::write(ssh.join("conf.d/w"), "Host w\n HostName w.com\n").unwrap();
        fs::write(ssh.join("conf.d/v"), "Include ~/.ssh/conf.d/w\n").unwrap();
        let (cfg, note) = read_ssh_config(&ssh);
        assert_eq!(cfg.resolve("w").as_deref(), Some("w.com"));
        assert_eq!(note, None);
    }
}
