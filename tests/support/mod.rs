//! Helpers for end-to-end tests. Every process a test starts is built here ([`Sandbox::cmd`]):
//! a cleared environment with a temporary HOME and XDG dirs and no system git config, so a
//! developer's `GIT_CONFIG_GLOBAL`, tokens or CA variables change nothing. Every wait has a
//! deadline and fails the test instead of hanging.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_git-https");

/// How long any one process or wait may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(120);

/// A throwaway HOME with XDG dirs, and no system git config.
pub struct Sandbox {
    pub tmp: tempfile::TempDir,
    pub home: PathBuf,
    /// Put first on PATH (a shim folder).
    pub path_first: Option<PathBuf>,
}

/// A finished command.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
            .collect()
    }
}

/// Whether `scripts/test` started the keyring stores (else keyring tests are ignored).
pub fn keyrings_expected() -> bool {
    std::env::var_os("GIT_HTTPS_TEST_KEYRINGS").is_some()
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let tmp = tempfile::tempdir().expect("tempdir");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        Sandbox {
            tmp,
            home,
            path_first: None,
        }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn state_dir(&self) -> PathBuf {
        self.home.join(".local/state/git-https")
    }

    /// `program` with the hermetic environment, in the sandbox (stdin: see [`output`], or
    /// set it when spawning).
    pub fn cmd(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        let path = std::env::var_os("PATH").unwrap_or_default();
        let path = match &self.path_first {
            Some(first) => {
                let mut p = first.as_os_str().to_owned();
                p.push(":");
                p.push(&path);
                p
            }
            None => path,
        };
        cmd.env_clear()
            .env("PATH", path)
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_STATE_HOME", self.home.join(".local/state"))
            .env("XDG_CACHE_HOME", self.home.join(".cache"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("NO_COLOR", "1")
            .env("LC_ALL", "C")
            .current_dir(self.path());
        // The private keyring sessions scripts/test started (never a developer's own).
        if keyrings_expected() {
            for var in [
                "DBUS_SESSION_BUS_ADDRESS",
                "XDG_RUNTIME_DIR",
                "GNOME_KEYRING_CONTROL",
            ] {
                if let Some(v) = std::env::var_os(var) {
                    cmd.env(var, v);
                }
            }
        }
        cmd
    }

    /// git-https with the hermetic environment.
    pub fn bin(&self) -> Command {
        self.cmd(BIN)
    }

    /// Runs the real git in `dir`; panics on failure.
    pub fn git(&self, dir: &Path, args: &[&str]) -> String {
        let r = output(self.cmd("git").current_dir(dir).args(args), None);
        assert_eq!(r.code, 0, "git {args:?} failed: {}", r.stderr);
        r.stdout
    }

    /// Runs git-https in `dir` with extra environment.
    pub fn run_env(&self, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
        output(
            self.bin()
                .current_dir(dir)
                .args(args)
                .envs(env.iter().copied()),
            None,
        )
    }

    pub fn run(&self, dir: &Path, args: &[&str]) -> Run {
        self.run_env(dir, args, &[])
    }

    /// `cmd` on a real pseudo-terminal (its expect timeout is the deadline).
    pub fn pty(&self, cmd: Command) -> expectrl::session::OsSession {
        let mut p = expectrl::Session::spawn(cmd).expect("spawn in a pty");
        p.set_expect_timeout(Some(DEADLINE));
        p
    }

    /// `git init` a repository at `rel` with the given remotes.
    pub fn repo(&self, rel: &str, remotes: &[(&str, &str)]) -> PathBuf {
        let dir = self.path().join(rel);
        std::fs::create_dir_all(&dir).unwrap();
        self.git(&dir, &["init", "-q"]);
        for (name, url) in remotes {
            self.git(&dir, &["remote", "add", name, url]);
        }
        dir
    }

    pub fn config(&self, repo: &Path) -> Vec<u8> {
        std::fs::read(repo.join(".git/config")).unwrap()
    }

    /// `git remote -v`, as the user would read it.
    pub fn remotes(&self, repo: &Path) -> String {
        self.git(repo, &["remote", "-v"])
    }
}

/// Runs `cmd` to the end within the deadline, feeding `stdin` (if any).
pub fn output(cmd: &mut Command, stdin: Option<&str>) -> Run {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    if let Some(text) = stdin {
        let mut input = child.stdin.take().unwrap();
        // The child may exit without reading: a broken pipe here is its business.
        let _ = input.write_all(text.as_bytes());
    }
    let reader = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = reader(Box::new(child.stdout.take().unwrap()));
    let err = reader(Box::new(child.stderr.take().unwrap()));
    let status = wait(&mut child, DEADLINE);
    Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// Waits for `child` at most `limit`; kills it and fails the test past that.
pub fn wait(child: &mut Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("process {} still running after {limit:?}", child.id());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Polls `f` until it gives a value; fails the test after the deadline, naming `what`.
pub fn poll<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_micros(200));
    }
}
