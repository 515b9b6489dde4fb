//! Loading host rules: the config file (`$XDG_CONFIG_HOME/git-https/config.toml`), the user's
//! ssh config (for aliases), and `--map` flags.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

use crate::core::hosts::{HostMap, HostRules, SshConfig};
use crate::env::Env;
use crate::error::usage;

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

fn read_config(env: &Env) -> Result<(PathBuf, Option<String>)> {
    let path = config_file(env);
    match fs::read_to_string(&path) {
        Ok(t) => Ok((path, Some(t))),
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
    let lock = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
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
    cfg.forges
        .iter()
        .find(|(h, _)| h.eq_ignore_ascii_case(host))
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
    rules.ssh = load_ssh_config(&env.ssh_dir());
    Ok(rules)
}

/// Reads `~/.ssh/config` with its `Include`s (relative to `~/.ssh`, globs allowed). An
/// unreadable ssh config only means no aliases, as for ssh itself.
pub fn load_ssh_config(ssh_dir: &Path) -> SshConfig {
    load_ssh_file(&ssh_dir.join("config"), ssh_dir, 0).unwrap_or_default()
}

fn load_ssh_file(path: &Path, ssh_dir: &Path, depth: usize) -> Option<SshConfig> {
    // ssh's own limit on nested includes.
    if depth > 16 {
        return None;
    }
    let text = fs::read_to_string(path).ok()?;
    let mut cfg = SshConfig::default();
    cfg.parse_into(&text, &mut |arg| {
        let expanded = match arg.strip_prefix("~/") {
            Some(rest) => ssh_dir.parent().unwrap_or(ssh_dir).join(rest),
            None if Path::new(arg).is_absolute() => PathBuf::from(arg),
            None => ssh_dir.join(arg),
        };
        let mut merged = SshConfig::default();
        let pattern = expanded.to_string_lossy().into_owned();
        let mut paths: Vec<PathBuf> = glob::glob(&pattern).ok()?.filter_map(Result::ok).collect();
        paths.sort();
        for p in paths {
            if let Some(inner) = load_ssh_file(&p, ssh_dir, depth + 1) {
                merged = merged.merged(inner);
            }
        }
        Some(merged)
    });
    Some(cfg)
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
