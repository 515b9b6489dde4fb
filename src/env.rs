//! The process environment, read once at start and passed down.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::token::Secret;

#[derive(Debug, Clone, Default)]
pub struct Env {
    pub home: Option<PathBuf>,
    pub cwd: PathBuf,
    pub xdg_config_home: Option<PathBuf>,
    pub xdg_state_home: Option<PathBuf>,
    pub git_config_nosystem: bool,
    pub git_config_global: Option<PathBuf>,
    pub git_config_system: Option<PathBuf>,
    pub stdin_tty: bool,
    pub stderr_tty: bool,
    pub no_color: bool,
    /// Token variables that are set, in `gh`'s order.
    pub tokens: Vec<(&'static str, Secret)>,
    pub git_ssl_cainfo: Option<PathBuf>,
    /// `GIT_HTTPS_KEYRING`: `secret-service` or `keyutils`, to pick the Linux keyring store.
    pub keyring_choice: Option<String>,
}

fn path_var(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn truthy(v: Option<OsString>) -> bool {
    v.is_some_and(|v| {
        let v = v.to_string_lossy().to_ascii_lowercase();
        !matches!(v.as_str(), "" | "0" | "false" | "no" | "off")
    })
}

impl Env {
    pub fn from_process() -> Env {
        Env {
            home: path_var("HOME"),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            xdg_config_home: path_var("XDG_CONFIG_HOME"),
            xdg_state_home: path_var("XDG_STATE_HOME"),
            git_config_nosystem: truthy(std::env::var_os("GIT_CONFIG_NOSYSTEM")),
            git_config_global: path_var("GIT_CONFIG_GLOBAL"),
            git_config_system: path_var("GIT_CONFIG_SYSTEM"),
            stdin_tty: std::io::stdin().is_terminal(),
            stderr_tty: std::io::stderr().is_terminal(),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            tokens: [
                "GH_TOKEN",
                "GITHUB_TOKEN",
                "GH_ENTERPRISE_TOKEN",
                "GITHUB_ENTERPRISE_TOKEN",
            ]
            .into_iter()
            .filter_map(|k| {
                std::env::var(k)
                    .ok()
                    .filter(|v| !v.is_empty())
                    .map(|v| (k, Secret::new(v)))
            })
            .collect(),
            git_ssl_cainfo: path_var("GIT_SSL_CAINFO"),
            keyring_choice: std::env::var("GIT_HTTPS_KEYRING")
                .ok()
                .filter(|v| !v.is_empty()),
        }
    }

    /// The first set variable among `names`.
    pub fn token(&self, names: &[&str]) -> Option<(&'static str, &Secret)> {
        names.iter().find_map(|n| {
            self.tokens
                .iter()
                .find(|(k, _)| k == n)
                .map(|(k, v)| (*k, v))
        })
    }

    pub fn home_or_cwd(&self) -> &Path {
        self.home.as_deref().unwrap_or(&self.cwd)
    }

    /// `$XDG_CONFIG_HOME/git-https`, else `~/.config/git-https`.
    pub fn config_dir(&self) -> PathBuf {
        self.xdg_config_home
            .clone()
            .unwrap_or_else(|| self.home_or_cwd().join(".config"))
            .join("git-https")
    }

    /// `$XDG_STATE_HOME/git-https`, else `~/.local/state/git-https`: the journal lives here.
    pub fn state_dir(&self) -> PathBuf {
        self.xdg_state_home
            .clone()
            .unwrap_or_else(|| self.home_or_cwd().join(".local").join("state"))
            .join("git-https")
    }

    /// The global config files git reads, in git's order (XDG first, then `~/.gitconfig`).
    pub fn global_git_configs(&self) -> Vec<PathBuf> {
        if let Some(p) = &self.git_config_global {
            return vec![p.clone()];
        }
        let xdg = self
            .xdg_config_home
            .clone()
            .unwrap_or_else(|| self.home_or_cwd().join(".config"));
        vec![
            xdg.join("git").join("config"),
            self.home_or_cwd().join(".gitconfig"),
        ]
    }

    /// The system config file, unless `GIT_CONFIG_NOSYSTEM` says not to read one.
    pub fn system_git_config(&self) -> Option<PathBuf> {
        if self.git_config_nosystem {
            return None;
        }
        if let Some(p) = &self.git_config_system {
            return Some(p.clone());
        }
        git2::Config::find_system().ok()
    }

    pub fn ssh_dir(&self) -> PathBuf {
        self.home_or_cwd().join(".ssh")
    }

    pub fn interactive(&self) -> bool {
        self.stdin_tty && self.stderr_tty
    }

    /// Resolves a user-given path against the working directory.
    pub fn abs(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.cwd.join(p)
        }
    }
}
