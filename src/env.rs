//! The process environment, read once at start and passed down: the only module that reads
//! it. Child processes get an environment built from here ([`Env::child_vars`]).

use std::ffi::OsString;
use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};

use crate::core::token::{self, Secret};

/// Variables git-https reads for itself and never hands to a child.
const OWN_VARS: &[&str] = &[
    "GIT_HTTPS_PROOF_USER",
    "GIT_HTTPS_PROOF_TOKEN",
    "GIT_HTTPS_PROOF_URL",
];

/// The environment a child process inherits: everything but the token variables and
/// git-https's own. `Debug` prints the names only.
#[derive(Clone, Default)]
pub struct ChildVars(Vec<(OsString, OsString)>);

impl fmt::Debug for ChildVars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, _)| k))
            .finish()
    }
}

/// What login's one proof helper answers (`credential --from-env`): read from the variables
/// login sets for that one child.
#[derive(Debug, Clone)]
pub struct Proof {
    pub user: String,
    pub token: Secret,
    /// `https://HOST[:PORT]`: the only place the answer is for.
    pub url: String,
}

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
    /// `GIT_SSL_CAPATH`.
    pub git_ssl_capath: Option<PathBuf>,
    /// `GIT_SSL_NO_VERIFY` set (to anything, as git reads it).
    pub git_ssl_no_verify: bool,
    /// `HTTPS_PROXY`/`https_proxy`, `ALL_PROXY`/`all_proxy`, `NO_PROXY`/`no_proxy`, as curl
    /// reads them for https URLs.
    pub https_proxy: Option<String>,
    pub all_proxy: Option<String>,
    pub no_proxy: Option<String>,
    /// `GIT_HTTPS_KEYRING`: `secret-service` or `keyutils`, to pick the Linux keyring store.
    pub keyring_choice: Option<String>,
    /// This program, for helper lines that run it.
    pub exe: Option<PathBuf>,
    pub proof: Option<Proof>,
    /// `SUDO_UID`: whose repositories a root run through sudo may change (git's rule).
    pub sudo_uid: Option<u32>,
    pub child: ChildVars,
    /// The output handle (verbosity from `-q`/`-v`): not the environment, but it travels with
    /// it, since every layer that says something is handed the `Env`.
    pub out: crate::ui::output::Output,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// `NAME` or `name`, curl's order for proxies (lower case first).
fn either_case(name: &str) -> Option<String> {
    var(&name.to_ascii_lowercase()).or_else(|| var(name))
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
            tokens: token::TOKEN_VARS
                .iter()
                .copied()
                .filter_map(|k| {
                    std::env::var(k)
                        .ok()
                        .filter(|v| !v.is_empty())
                        .map(|v| (k, Secret::new(v)))
                })
                .collect(),
            git_ssl_cainfo: path_var("GIT_SSL_CAINFO"),
            git_ssl_capath: path_var("GIT_SSL_CAPATH"),
            git_ssl_no_verify: std::env::var_os("GIT_SSL_NO_VERIFY").is_some(),
            https_proxy: either_case("HTTPS_PROXY"),
            all_proxy: either_case("ALL_PROXY"),
            no_proxy: either_case("NO_PROXY"),
            keyring_choice: var("GIT_HTTPS_KEYRING"),
            exe: std::env::current_exe().ok(),
            proof: match (
                var("GIT_HTTPS_PROOF_USER"),
                var("GIT_HTTPS_PROOF_TOKEN"),
                var("GIT_HTTPS_PROOF_URL"),
            ) {
                (Some(user), Some(token), Some(url)) => Some(Proof {
                    user,
                    token: Secret::new(token),
                    url,
                }),
                _ => None,
            },
            sudo_uid: var("SUDO_UID").and_then(|v| v.parse().ok()),
            child: ChildVars(
                std::env::vars_os()
                    .filter(|(k, _)| {
                        k.to_str().is_none_or(|k| {
                            !token::TOKEN_VARS.contains(&k) && !OWN_VARS.contains(&k)
                        })
                    })
                    .collect(),
            ),
            out: crate::ui::output::Output::default(),
        }
    }

    /// The same environment, saying things through `out`.
    pub fn with_output(self, out: crate::ui::output::Output) -> Env {
        Env { out, ..self }
    }

    /// The environment for a child process (see [`ChildVars`]).
    pub fn child_vars(&self) -> impl Iterator<Item = (&OsString, &OsString)> {
        self.child.0.iter().map(|(k, v)| (k, v))
    }

    /// This program's path.
    pub fn exe(&self) -> Result<&Path> {
        self.exe
            .as_deref()
            .ok_or_else(|| anyhow!("cannot find the git-https executable"))
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

    /// `~` or `~/…` against the home folder (as a shell would have, where none did: an
    /// Ansible argv, a git include path); anything else as given.
    pub fn tilde(&self, p: &Path) -> PathBuf {
        match (p.strip_prefix("~"), &self.home) {
            (Ok(rest), Some(home)) => home.join(rest),
            _ => p.to_path_buf(),
        }
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
