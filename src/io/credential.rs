//! git's credential protocol (key=value lines, blank line ends) and the git commands around it:
//! `git credential approve|reject|fill` with the credential on stdin, and the per-host
//! `credential.https://HOST.helper` lines in git config.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, anyhow, bail};

use crate::core::token::Secret;
use crate::env::Env;

/// A credential request or answer. Unknown keys are kept out; the password is a [`Secret`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credential {
    pub protocol: Option<String>,
    pub host: Option<String>,
    pub path: Option<String>,
    pub username: Option<String>,
    pub password: Option<Secret>,
}

impl Credential {
    /// Parses helper-protocol input: `key=value` lines up to a blank line or EOF; unknown keys
    /// (and `key[]=` arrays this helper has no use for) are ignored.
    pub fn parse(input: &str) -> Credential {
        let mut c = Credential::default();
        for line in input.lines() {
            if line.is_empty() {
                break;
            }
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            match k {
                "protocol" => c.protocol = Some(v.to_string()),
                "host" => c.host = Some(v.to_string()),
                "path" => c.path = Some(v.to_string()),
                "username" => c.username = Some(v.to_string()),
                "password" => c.password = Some(Secret::new(v.to_string())),
                "url" => {
                    if let Ok(u) = url::Url::parse(v) {
                        c.protocol = Some(u.scheme().to_string());
                        c.host = u.host_str().map(|h| match u.port() {
                            Some(p) => format!("{h}:{p}"),
                            None => h.to_string(),
                        });
                    }
                }
                _ => {}
            }
        }
        c
    }

    pub fn for_host(host: &str, username: Option<&str>, password: Option<&Secret>) -> Credential {
        Credential {
            protocol: Some("https".into()),
            host: Some(host.to_string()),
            path: None,
            username: username.map(str::to_string),
            password: password.cloned(),
        }
    }

    /// The protocol text, ending with the blank line. Holds the password: write it only to a
    /// pipe.
    pub fn to_protocol(&self) -> zeroize::Zeroizing<String> {
        let mut s = zeroize::Zeroizing::new(String::new());
        for (k, v) in [
            ("protocol", &self.protocol),
            ("host", &self.host),
            ("path", &self.path),
            ("username", &self.username),
        ] {
            if let Some(v) = v {
                s.push_str(&format!("{k}={v}\n"));
            }
        }
        if let Some(p) = &self.password {
            s.push_str("password=");
            s.push_str(p.expose());
            s.push('\n');
        }
        s.push('\n');
        s
    }
}

/// How git is run for credential work: never prompting, with the environment built from
/// `env` (no token variables).
pub fn git(env: &Env) -> Command {
    let mut cmd = Command::new("git");
    cmd.env_clear()
        .envs(env.child_vars())
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_ASKPASS")
        .env_remove("SSH_ASKPASS");
    cmd
}

/// Runs `git credential ACTION` (approve, reject, fill) in `dir` with the credential on stdin.
pub fn run_credential(env: &Env, dir: &Path, action: &str, cred: &Credential) -> Result<String> {
    let mut cmd = git(env);
    cmd.current_dir(dir);
    // GCM reads this; harmless for other helpers: a fill must never open a window.
    cmd.args(["-c", "credential.interactive=false", "credential", action]);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run git")?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(cred.to_protocol().as_bytes())
        .context("cannot talk to git credential")?;
    let out = child
        .wait_with_output()
        .context("cannot run git credential")?;
    if !out.status.success() {
        bail!(
            "git credential {action} failed: {}",
            first_line(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

/// Asks git's configured helpers for a credential without prompting; `None` when they have none.
pub fn fill(env: &Env, dir: &Path, host: &str) -> Option<Credential> {
    let out = run_credential(env, dir, "fill", &Credential::for_host(host, None, None)).ok()?;
    let c = Credential::parse(&out);
    c.password.as_ref()?;
    Some(c)
}

/// Which config file helper lines go to.
#[derive(Debug, Clone)]
pub enum Scope {
    Global,
    /// The repository's config (`--local`), run from this directory.
    Local(PathBuf),
}

impl Scope {
    fn args(&self) -> Vec<String> {
        match self {
            Scope::Global => vec!["config".into(), "--global".into()],
            Scope::Local(_) => vec!["config".into(), "--local".into()],
        }
    }

    fn command(&self, env: &Env) -> Command {
        let mut cmd = git(env);
        if let Scope::Local(dir) = self {
            cmd.current_dir(dir);
        }
        cmd.args(self.args());
        cmd
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Local(_) => "repository",
        }
    }
}

pub fn helper_key(host: &str) -> String {
    format!("credential.https://{host}.helper")
}

fn run_config(mut cmd: Command, what: &str) -> Result<std::process::Output> {
    let out = cmd
        .output()
        .with_context(|| format!("cannot run git to {what}"))?;
    Ok(out)
}

/// The helper lines for `host` in the scope, in order.
pub fn helpers(env: &Env, scope: &Scope, host: &str) -> Result<Vec<String>> {
    let mut cmd = scope.command(env);
    cmd.args(["--get-all", &helper_key(host)]);
    let out = run_config(cmd, "read credential helpers")?;
    // Exit 1 means "not set".
    if !out.status.success() && out.status.code() != Some(1) {
        bail!(
            "cannot read {}: {}",
            helper_key(host),
            first_line(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect())
}

/// Replaces the helper lines for `host` with `lines` (an empty line first, so helpers
/// inherited from other config lines are not asked too). Twice gives the same config once.
pub fn set_helpers(env: &Env, scope: &Scope, host: &str, lines: &[String]) -> Result<()> {
    remove_helpers(env, scope, host)?;
    for line in lines {
        let mut cmd = scope.command(env);
        cmd.args(["--add", &helper_key(host), line]);
        let out = run_config(cmd, "write credential helpers")?;
        if !out.status.success() {
            bail!(
                "cannot write {}: {}",
                helper_key(host),
                first_line(&out.stderr)
            );
        }
    }
    Ok(())
}

pub fn remove_helpers(env: &Env, scope: &Scope, host: &str) -> Result<bool> {
    let mut cmd = scope.command(env);
    cmd.args(["--unset-all", &helper_key(host)]);
    let out = run_config(cmd, "remove credential helpers")?;
    // Exit 5: nothing to unset.
    match out.status.code() {
        Some(0) => Ok(true),
        Some(5) => Ok(false),
        _ => Err(anyhow!(
            "cannot remove {}: {}",
            helper_key(host),
            first_line(&out.stderr)
        )),
    }
}

/// Helpers that apply to every host (`credential.helper`), with the file each is in: the
/// per-host empty line shadows them.
pub fn inherited_helpers(env: &Env, cwd: &Path) -> Vec<String> {
    let mut cmd = git(env);
    cmd.current_dir(cwd)
        .args(["config", "--show-origin", "--get-all", "credential.helper"]);
    let Ok(out) = cmd.output() else {
        return Vec::new();
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            l.split_once('\t')
                .map(|(origin, v)| format!("{v} ({})", origin.trim_start_matches("file:")))
        })
        .filter(|s| !s.starts_with(" ("))
        .collect()
}

/// The file `git credential-store` writes by default.
pub fn default_store_file(home: &Path, xdg_config_home: Option<&Path>) -> PathBuf {
    let home_file = home.join(".git-credentials");
    let xdg = xdg_config_home
        .map_or_else(|| home.join(".config"), Path::to_path_buf)
        .join("git")
        .join("credentials");
    if !home_file.exists() && xdg.exists() {
        xdg
    } else {
        home_file
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_ignores_unknown_keys_and_stops_at_blank() {
        let c = Credential::parse(
            "protocol=https\nhost=h:8443\nwwwauth[]=Basic\ncapability[]=authtype\nusername=u\npassword=p\n\nhost=ignored\n",
        );
        assert_eq!(c.host.as_deref(), Some("h:8443"));
        assert_eq!(c.username.as_deref(), Some("u"));
        assert_eq!(c.password.unwrap().expose(), "p");
        let c = Credential::parse("url=https://x.example:444/o/r.git\n");
        assert_eq!(
            (c.protocol.as_deref(), c.host.as_deref()),
            (Some("https"), Some("x.example:444"))
        );
    }

    #[test]
    fn protocol_round_trip_and_debug_redacts() {
        let c = Credential::for_host("h", Some("u"), Some(&Secret::new("CANARY".into())));
        let text = c.to_protocol();
        assert_eq!(
            text.as_str(),
            "protocol=https\nhost=h\nusername=u\npassword=CANARY\n\n"
        );
        assert_eq!(Credential::parse(&text), c);
        assert!(!format!("{c:?}").contains("CANARY"));
    }
}
