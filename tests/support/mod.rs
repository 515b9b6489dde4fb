//! Helpers for end-to-end tests: a hermetic HOME, the real `git`, and the built binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_git-https");

/// A throwaway HOME with XDG dirs, and no system git config.
pub struct Sandbox {
    pub tmp: tempfile::TempDir,
    pub home: PathBuf,
}

/// A finished command.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

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

impl Sandbox {
    pub fn new() -> Sandbox {
        let tmp = tempfile::tempdir().expect("tempdir");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        Sandbox { tmp, home }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn state_dir(&self) -> PathBuf {
        self.home.join(".local/state/git-https")
    }

    fn hermetic(&self, cmd: &mut Command) {
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_STATE_HOME", self.home.join(".local/state"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("LC_ALL", "C")
            .stdin(Stdio::null());
    }

    /// Runs the real git in `dir`; panics on failure.
    pub fn git(&self, dir: &Path, args: &[&str]) -> String {
        let mut cmd = Command::new("git");
        self.hermetic(&mut cmd);
        let o = cmd.current_dir(dir).args(args).output().expect("run git");
        assert!(
            o.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Runs git-https in `dir` with extra environment.
    pub fn run_env(&self, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(BIN);
        self.hermetic(&mut cmd);
        cmd.envs(env.iter().copied());
        Run::from(
            cmd.current_dir(dir)
                .args(args)
                .output()
                .expect("run git-https"),
        )
    }

    pub fn run(&self, dir: &Path, args: &[&str]) -> Run {
        self.run_env(dir, args, &[])
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
