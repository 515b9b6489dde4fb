//! The git command line, for everything about credentials: `git credential approve|reject|fill`
//! (the credential on stdin, never in argv), the `credential.https://HOST.helper` lines, and the
//! `http.*` settings git would use for a URL.
//!
//! Where git runs decides which config it reads. For the global scope git runs in a fresh empty
//! folder that cannot be inside a repository (`GIT_CEILING_DIRECTORIES`, no `GIT_DIR`), so the
//! repository you stand in — its helpers, `insteadOf` rules, proxies — has no say; with
//! `--local` it runs in that repository. A write or erase goes only to the helper chain it
//! names ([`Chain::Only`]), never to whatever else is configured.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

use crate::core::credential::Credential;
use crate::core::helper::HelperLine;
use crate::env::Env;

/// Which config file helper lines go to, and which repository's config counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Global,
    /// The repository at this work tree (`--local`).
    Local(PathBuf),
}

impl Scope {
    pub fn describe(&self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Local(_) => "repository",
        }
    }

    fn flag(&self) -> &'static str {
        match self {
            Scope::Global => "--global",
            Scope::Local(_) => "--local",
        }
    }
}

/// Which helpers a `git credential` call talks to.
#[derive(Debug, Clone, Copy)]
pub enum Chain<'a> {
    /// What the config says for the URL (the chain git itself would use).
    Configured,
    /// Only these helpers: every configured one is reset first (`-c credential.helper=`).
    Only(&'a HelperLine),
}

/// Runs git for one scope.
pub struct Git<'a> {
    env: &'a Env,
    dir: PathBuf,
    /// The neutral folder, removed when done.
    _neutral: Option<tempfile::TempDir>,
    pub scope: Scope,
}

/// Variables that would point git at a repository whatever the folder.
const REPO_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_NAMESPACE",
];

impl<'a> Git<'a> {
    pub fn new(env: &'a Env, scope: Scope) -> Result<Git<'a>> {
        let (dir, neutral) = match &scope {
            Scope::Local(dir) => (dir.clone(), None),
            Scope::Global => {
                let t = tempfile::Builder::new()
                    .prefix("git-https-")
                    .tempdir()
                    .context("cannot make a temporary folder to run git in")?;
                (t.path().to_path_buf(), Some(t))
            }
        };
        Ok(Git {
            env,
            dir,
            _neutral: neutral,
            scope,
        })
    }

    /// `git` with the environment built from `Env`, never prompting.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new("git");
        cmd.env_clear()
            .envs(self.env.child_vars())
            .env("GIT_TERMINAL_PROMPT", "0")
            .env_remove("GIT_ASKPASS")
            .env_remove("SSH_ASKPASS")
            .current_dir(&self.dir)
            .stdin(Stdio::null());
        if self._neutral.is_some() {
            for v in REPO_VARS {
                cmd.env_remove(v);
            }
            if let Some(parent) = self.dir.parent() {
                cmd.env("GIT_CEILING_DIRECTORIES", parent);
            }
        }
        // GCM reads this; harmless for other helpers: git-https never opens a window.
        cmd.args(["-c", "credential.interactive=false"]);
        cmd
    }

    /// Runs `git credential ACTION` with `cred` on stdin, through `chain`.
    pub fn credential(&self, action: &str, cred: &Credential, chain: Chain<'_>) -> Result<String> {
        cred.check().map_err(|e| anyhow!("{e}"))?;
        let mut cmd = self.cmd();
        if let Chain::Only(h) = chain {
            cmd.args(["-c", "credential.helper="])
                .arg("-c")
                .arg(format!("credential.helper={}", h.render()));
        }
        cmd.args(["credential", action]);
        // In the terminal's process group: the user's own helpers may ask there (a pinentry).
        talk(cmd, cred, &format!("git credential {action}"))
    }

    /// What `chain` answers for `https://HOST` without prompting; `None` when nothing.
    pub fn fill(&self, host: &str, chain: Chain<'_>) -> Option<Credential> {
        self.fill_as(host, None, chain)
    }

    /// What `chain` answers for `https://USER@HOST` (any user's, without one).
    pub fn fill_as(&self, host: &str, user: Option<&str>, chain: Chain<'_>) -> Option<Credential> {
        let out = self
            .credential("fill", &Credential::for_host(host, user, None), chain)
            .ok()?;
        let c = Credential::parse(&out);
        c.password.as_ref()?;
        Some(c)
    }

    /// Talks to git's own helper `h` directly (`git credential-cache ACTION`,
    /// `git credential-store ACTION`), as git runs it but without git's credential settings in
    /// between: a configured `credential.username` cannot narrow an erase or redirect a store.
    pub fn helper_direct(&self, h: &HelperLine, action: &str, cred: &Credential) -> Result<String> {
        cred.check().map_err(|e| anyhow!("{e}"))?;
        // git keeps the path from its helpers (no useHttpPath): they store and match by
        // protocol, host and user name alone.
        let cred = &Credential {
            path: None,
            ..cred.clone()
        };
        let mut cmd = self.cmd();
        match h {
            HelperLine::Cache { timeout } => {
                cmd.args(["credential-cache", &format!("--timeout={timeout}")])
            }
            HelperLine::Store { file: Some(f) } => cmd
                .arg("credential-store")
                .arg(format!("--file={}", f.display())),
            HelperLine::Store { file: None } => cmd.arg("credential-store"),
            other => bail!("{other:?} is not one of git's helpers"),
        };
        cmd.arg(action);
        // Its own process group: a Ctrl-C at the terminal reaches git-https, which finishes
        // or rolls back the transaction, not this helper half-way through it.
        crate::io::platform::own_process_group(&mut cmd);
        talk(
            cmd,
            cred,
            &format!("git's credential helper ({}) {action}", h.render()),
        )
    }

    fn config(&self, args: &[&OsStr]) -> Result<std::process::Output> {
        let mut cmd = self.cmd();
        cmd.arg("config").args(args);
        // A Ctrl-C at the terminal is git-https's to handle: a config write is not cut short.
        crate::io::platform::own_process_group(&mut cmd);
        output_within(cmd, CONFIG_DEADLINE, "git config")
    }

    /// The helper lines for `host` in the scope's file, in order.
    pub fn helpers(&self, host: &str) -> Result<Vec<String>> {
        let key = helper_key(host);
        let out = self.config(&[
            self.scope.flag().as_ref(),
            "--get-all".as_ref(),
            key.as_ref(),
        ])?;
        // Exit 1 means "not set".
        if !out.status.success() && out.status.code() != Some(1) {
            bail!("cannot read {key}: {}", first_line(&out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect())
    }

    /// Replaces the helper lines for `host` with `lines`. Twice gives the same config once.
    /// On a failure half-way the lines that were there are put back (each git config call is
    /// atomic; the run of them is not).
    pub fn set_helpers(&self, host: &str, lines: &[String]) -> Result<()> {
        let old = self.helpers(host)?;
        self.remove_helpers(host)?;
        if let Err(e) = self.add_helpers(host, lines) {
            let put_back = self
                .remove_helpers(host)
                .and_then(|_| self.add_helpers(host, &old));
            if let Err(p) = put_back {
                return Err(e.context(LinesLost(format!(
                    "the earlier lines of {} could not be put back ({p:#}): {}",
                    helper_key(host),
                    old.join(", ")
                ))));
            }
            return Err(e);
        }
        Ok(())
    }

    fn add_helpers(&self, host: &str, lines: &[String]) -> Result<()> {
        let key = helper_key(host);
        for line in lines {
            let out = self.config(&[
                self.scope.flag().as_ref(),
                "--add".as_ref(),
                key.as_ref(),
                line.as_ref(),
            ])?;
            if !out.status.success() {
                bail!("cannot write {key}: {}", first_line(&out.stderr));
            }
        }
        Ok(())
    }

    /// Sets (or, with `None`, removes) `credential.https://SCOPE.username`: the user name git
    /// asks the helpers for under an organization's scope when a URL names none.
    pub fn set_scope_username(&self, scope: &str, user: Option<&str>) -> Result<()> {
        let key = format!("credential.https://{scope}.username");
        let out = match user {
            Some(u) => self.config(&[self.scope.flag().as_ref(), key.as_ref(), u.as_ref()])?,
            None => self.config(&[
                self.scope.flag().as_ref(),
                "--unset-all".as_ref(),
                key.as_ref(),
            ])?,
        };
        match out.status.code() {
            Some(0) => Ok(()),
            Some(5) if user.is_none() => Ok(()),
            _ => Err(anyhow!("cannot write {key}: {}", first_line(&out.stderr))),
        }
    }

    /// Removes every helper line for `host`; `false` when there was none.
    pub fn remove_helpers(&self, host: &str) -> Result<bool> {
        let key = helper_key(host);
        let out = self.config(&[
            self.scope.flag().as_ref(),
            "--unset-all".as_ref(),
            key.as_ref(),
        ])?;
        // Exit 5: nothing to unset.
        match out.status.code() {
            Some(0) => Ok(true),
            Some(5) => Ok(false),
            _ => Err(anyhow!("cannot remove {key}: {}", first_line(&out.stderr))),
        }
    }

    /// Helpers that apply to every host (`credential.helper`), with the file each is in: the
    /// per-host empty line shadows them. Redacted: a helper line may hold a secret.
    pub fn inherited_helpers(&self) -> Vec<crate::core::redact::Redacted> {
        let Ok(out) = self.config(&[
            "--show-origin".as_ref(),
            "--get-all".as_ref(),
            "credential.helper".as_ref(),
        ]) else {
            return Vec::new();
        };
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                l.split_once('\t')
                    .map(|(origin, v)| format!("{v} ({})", origin.trim_start_matches("file:")))
            })
            .filter(|s| !s.starts_with(" ("))
            .map(|s| crate::core::redact::Redacted::new(&s))
            .collect()
    }

    /// The `credential.helper` values set for every host, in order.
    pub fn every_host_helpers(&self) -> Vec<String> {
        let Ok(out) = self.config(&["--get-all".as_ref(), "credential.helper".as_ref()]) else {
            return Vec::new();
        };
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// `git config --get-urlmatch KEY URL`, typed (`path`, `bool`) as git reads it.
    pub fn urlmatch(&self, key: &str, url: &str, ty: Option<&str>) -> Result<Option<String>> {
        let mut args: Vec<String> = ty.map(|t| format!("--type={t}")).into_iter().collect();
        args.extend(["--get-urlmatch".into(), key.into(), url.into()]);
        let args: Vec<&OsStr> = args.iter().map(|a| a.as_ref()).collect();
        let out = self.config(&args)?;
        match out.status.code() {
            Some(0) => Ok(Some(
                String::from_utf8_lossy(&out.stdout)
                    .trim_end_matches('\n')
                    .to_string(),
            )),
            Some(1) => Ok(None),
            _ => bail!("cannot read {key} for {url}: {}", first_line(&out.stderr)),
        }
    }

    /// The `insteadOf`/`pushInsteadOf` rules of one config level (`--system`, `--global`),
    /// includes followed, each with the file it is really in.
    pub fn insteadof_rules(&self, level: &str) -> Result<Vec<crate::core::insteadof::Rule>> {
        let out = self.config(&[
            level.as_ref(),
            "--includes".as_ref(),
            "--show-origin".as_ref(),
            "-z".as_ref(),
            "--get-regexp".as_ref(),
            r"^url\..*\.(push)?insteadof$".as_ref(),
        ])?;
        // Exit 1: no such keys.
        if !out.status.success() && out.status.code() != Some(1) {
            bail!(
                "cannot read the {level} config: {}",
                first_line(&out.stderr)
            );
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut fields = text.split('\0');
        let mut rules = Vec::new();
        while let (Some(origin), Some(kv)) = (fields.next(), fields.next()) {
            let Some((key, value)) = kv.split_once('\n') else {
                continue;
            };
            let Some(rest) = key.strip_prefix("url.") else {
                continue;
            };
            let (base, push) = match rest.rsplit_once('.') {
                Some((b, "pushinsteadof")) => (b, true),
                Some((b, _)) => (b, false),
                None => continue,
            };
            // git names a repository's own files relative to where it runs.
            let file = Path::new(origin.strip_prefix("file:").unwrap_or(origin));
            let file = if file.is_relative() {
                self.dir.join(file)
            } else {
                file.to_path_buf()
            };
            rules.push(crate::core::insteadof::Rule {
                base: base.to_string(),
                prefix: value.to_string(),
                push,
                origin: file.display().to_string(),
            });
        }
        Ok(rules)
    }

    /// Remote URLs git reads for the repository from files its config includes (not from
    /// `own`, the config itself), each with its file.
    pub fn included_remote_urls(
        &self,
        own: &Path,
    ) -> Result<Vec<(PathBuf, crate::core::plan::Slot)>> {
        let out = self.config(&[
            "--local".as_ref(),
            "--includes".as_ref(),
            "--show-origin".as_ref(),
            "-z".as_ref(),
            "--get-regexp".as_ref(),
            r"^remote\..*\.(url|pushurl)$".as_ref(),
        ])?;
        let own = std::fs::canonicalize(own).unwrap_or_else(|_| own.to_path_buf());
        let text = String::from_utf8_lossy(&out.stdout);
        let mut fields = text.split('\0');
        let mut found = Vec::new();
        while let (Some(origin), Some(kv)) = (fields.next(), fields.next()) {
            let file = Path::new(origin.strip_prefix("file:").unwrap_or(origin));
            let file = if file.is_relative() {
                self.dir.join(file)
            } else {
                file.to_path_buf()
            };
            if std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone()) == own {
                continue;
            }
            let Some((key, value)) = kv.split_once('\n') else {
                continue;
            };
            let Some(rest) = key.strip_prefix("remote.") else {
                continue;
            };
            let Some((name, var)) = rest.rsplit_once('.') else {
                continue;
            };
            found.push((
                file,
                crate::core::plan::Slot {
                    file: crate::core::change::FileKind::Config,
                    key: crate::core::change::ConfigKey::new("remote", Some(name), var),
                    index: 0,
                    value: value.to_string(),
                    text: true,
                },
            ));
        }
        Ok(found)
    }

    /// The global config's entries as git reads them (`name=value`, includes followed).
    pub fn global_entries(&self) -> Result<Vec<String>> {
        let out = self.config(&[
            "--global".as_ref(),
            "--includes".as_ref(),
            "-z".as_ref(),
            "--list".as_ref(),
        ])?;
        Ok(String::from_utf8_lossy(&out.stdout)
            .split('\0')
            .filter(|e| !e.is_empty())
            .map(|e| e.replacen('\n', "=", 1))
            .collect())
    }

    /// Every file git reads at one config level (`--system`, `--global`), includes followed.
    pub fn config_files(&self, level: &str) -> Result<Vec<PathBuf>> {
        let out = self.config(&[
            level.as_ref(),
            "--includes".as_ref(),
            "--show-origin".as_ref(),
            "-z".as_ref(),
            "--list".as_ref(),
        ])?;
        let text = String::from_utf8_lossy(&out.stdout);
        let mut files: Vec<PathBuf> = Vec::new();
        // The level's own files count even when they hold no key (a rule just removed from
        // them), as long as they exist.
        let own: Vec<PathBuf> = match (level, &self.env.home) {
            ("--global", _) if self.env.git_config_global.is_some() => {
                self.env.git_config_global.iter().cloned().collect()
            }
            ("--global", home) => {
                let xdg = self
                    .env
                    .xdg_config_home
                    .clone()
                    .or_else(|| home.as_ref().map(|h| h.join(".config")));
                xdg.map(|x| x.join("git/config"))
                    .into_iter()
                    .chain(home.as_ref().map(|h| h.join(".gitconfig")))
                    .collect()
            }
            ("--system", _) => vec![
                self.env
                    .git_config_system
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("/etc/gitconfig")),
            ],
            _ => Vec::new(),
        };
        files.extend(own.into_iter().filter(|f| f.is_file()));
        let mut fields = text.split('\0');
        let mut push = |f: PathBuf| {
            if !files.contains(&f) {
                files.push(f);
            }
        };
        while let (Some(origin), Some(kv)) = (fields.next(), fields.next()) {
            let Some(origin) = origin.strip_prefix("file:") else {
                continue;
            };
            push(PathBuf::from(origin));
            // An included file counts even when it holds nothing (any more).
            let (key, value) = kv.split_once('\n').unwrap_or((kv, ""));
            if key == "include.path" || (key.starts_with("includeif.") && key.ends_with(".path")) {
                let path = self.env.tilde(Path::new(value));
                let path = if path.is_relative() {
                    Path::new(origin)
                        .parent()
                        .unwrap_or(Path::new("/"))
                        .join(path)
                } else {
                    path
                };
                push(path);
            }
        }
        Ok(files)
    }

    /// The URL git really uses for `url` after `insteadOf` rules (`git ls-remote --get-url`).
    pub fn effective_url(&self, url: &str) -> Result<String> {
        // Local, and it reads the repository's config (includes and all): the same deadline.
        let mut cmd = self.cmd();
        cmd.args(["ls-remote", "--get-url", url]);
        let out = output_within(cmd, CONFIG_DEADLINE, "git ls-remote --get-url")?;
        if !out.status.success() {
            bail!("git ls-remote --get-url: {}", first_line(&out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// `git ls-remote --heads URL` with only `helper` asked for credentials; the proof's
    /// credential comes through `vars` (never argv). `Err` holds git's last line.
    pub fn ls_remote_with(
        &self,
        url: &str,
        helper: &str,
        vars: &[(&str, &str)],
    ) -> Result<std::result::Result<(), String>> {
        let out = self
            .cmd()
            .args(["-c", "credential.helper=", "-c"])
            .arg(format!("credential.helper={helper}"))
            .args(["ls-remote", "--heads", url])
            .envs(vars.iter().copied())
            .output()
            .context("cannot run git ls-remote")?;
        if out.status.success() {
            return Ok(Ok(()));
        }
        Ok(Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .unwrap_or("")
            .to_string()))
    }

    /// The credential helper git would ask for `https://HOST/` (the last one configured for
    /// it), or `None` when it has none.
    pub fn helper_for(&self, host: &str) -> Option<String> {
        self.urlmatch("credential.helper", &format!("https://{host}/"), None)
            .ok()
            .flatten()
            .filter(|h| !h.is_empty())
    }

    /// The folder git runs in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// How long one `git config` may take. Far beyond any real config; a repository's include
/// that never ends (a named pipe git opens and waits on, reached by a path only git's own
/// process resolves, such as `/proc/self/cwd/…`) fails that repository instead of stopping a
/// bulk run.
const CONFIG_DEADLINE: Duration = Duration::from_secs(10);

/// Runs `cmd` to its end, or kills it past `deadline`: its output, or an error naming `what`.
fn output_within(mut cmd: Command, deadline: Duration, what: &str) -> Result<Output> {
    use wait_timeout::ChildExt;
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {what}"))?;
    // Read while waiting: a child that fills a pipe would otherwise never finish.
    let drain = |r: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|r| Box::new(r) as _));
    let err = drain(child.stderr.take().map(|r| Box::new(r) as _));
    let status = match child.wait_timeout(deadline) {
        Ok(Some(status)) => status,
        other => {
            let _ = child.kill();
            let _ = child.wait();
            other.with_context(|| format!("cannot run {what}"))?;
            bail!(
                "{what} did not finish in {} s (a config include that never ends, such as a named pipe?); stopped",
                deadline.as_secs()
            );
        }
    };
    Ok(Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// Runs `cmd` with the credential on its stdin (never in argv); its stdout, or an error naming
/// `what` with git's first line (redacted).
fn talk(mut cmd: Command, cred: &Credential, what: &str) -> Result<String> {
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
        .with_context(|| format!("cannot talk to {what}"))?;
    let out = child
        .wait_with_output()
        .with_context(|| format!("cannot run {what}"))?;
    if !out.status.success() {
        bail!(
            "{what} failed: {}",
            crate::core::redact::Redacted::new(&first_line(&out.stderr))
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A failed helper-line write whose earlier lines could not be put back either.
#[derive(Debug)]
pub struct LinesLost(pub String);

impl std::fmt::Display for LinesLost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn helper_key(host: &str) -> String {
    format!("credential.https://{host}.helper")
}

fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

/// The two files `git credential-store` reads without `--file`: `~/.git-credentials`, then
/// `$XDG_CONFIG_HOME/git/credentials`.
pub fn store_files(env: &Env) -> [PathBuf; 2] {
    let home = env.home_or_cwd();
    let xdg = env
        .xdg_config_home
        .clone()
        .unwrap_or_else(|| home.join(".config"))
        .join("git")
        .join("credentials");
    [home.join(".git-credentials"), xdg]
}

/// The file `git credential-store` writes by default.
pub fn default_store_file(env: &Env) -> PathBuf {
    let [home_file, xdg] = store_files(env);
    if !home_file.exists() && xdg.exists() {
        xdg
    } else {
        home_file
    }
}
