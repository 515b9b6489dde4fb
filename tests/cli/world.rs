//! The world the credential tests share: a loopback git smart-HTTP server over TLS with
//! Basic auth (`git http-backend` behind `tests/support/git_server.py`), a client repository
//! with an HTTPS remote, and a shim that logs every argv git-https gives `git`.
//!
//! Stand-in: the GitHub REST API (`GET /api/v3/user`) is out of reach here, so the same test
//! server answers it for the same token. Everything else is the real thing.

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use crate::support::{self, Run, Sandbox};

/// A canary: it must show up nowhere but where the user asked it to be stored.
pub const TOKEN: &str = "ghp_CANARYcanaryCANARYcanaryCANARY012345";
pub const LOGIN: &str = "alice";

pub struct Server {
    pub child: Child,
    pub port: u16,
    pub ca: PathBuf,
    pub cred_log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn openssl(s: &Sandbox, dir: &Path, args: &[&str]) {
    let r = support::output(s.cmd("openssl").args(args).current_dir(dir), None);
    assert_eq!(r.code, 0, "openssl {args:?}: {}", r.stderr);
}

/// A throwaway CA and a server certificate for 127.0.0.1 signed by it.
pub fn certificates(s: &Sandbox, dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    fs::create_dir_all(dir).unwrap();
    openssl(
        s,
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=git-https test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
    );
    openssl(
        s,
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ],
    );
    fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    openssl(
        s,
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
            "-out",
            "server.pem",
        ],
    );
    (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    )
}

/// A self-signed server certificate made the usual way (`openssl req -x509`, which marks it
/// `CA:TRUE`): the one file is both the certificate and the CA to trust.
pub fn self_signed(s: &Sandbox, dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    fs::create_dir_all(dir).unwrap();
    openssl(
        s,
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            "server.key",
            "-out",
            "server.pem",
        ],
    );
    (
        dir.join("server.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    )
}

/// How a test server is set up.
pub struct ServerOpts<'a> {
    /// Names its folders (several servers in one sandbox).
    pub name: &'a str,
    /// `X-OAuth-Scopes`; "-" sends none (a fine-grained token).
    pub scopes: &'a str,
    /// A self-signed `CA:TRUE` certificate instead of a CA and a leaf.
    pub self_signed: bool,
    /// Extra accounts, `login:token,…`, checked by user name too.
    pub tokens: Option<&'a str>,
    /// Whose REST API the server stands in for: github, gitlab, gitea.
    pub forge: &'a str,
}

impl Default for ServerOpts<'_> {
    fn default() -> Self {
        ServerOpts {
            name: "main",
            scopes: "repo, workflow",
            self_signed: false,
            tokens: None,
            forge: "github",
        }
    }
}

impl Server {
    /// Serves `o/r.git` (with one commit) and the API stand-in.
    pub fn start_with(s: &Sandbox, o: &ServerOpts<'_>) -> Server {
        let tls = s.path().join(format!("tls-{}", o.name));
        let (ca, cert, key) = if o.self_signed {
            self_signed(s, &tls)
        } else if s.path().join("tls/ca.pem").exists() {
            // One CA for every server of a sandbox, so one CA file trusts them all.
            let d = s.path().join("tls");
            (d.join("ca.pem"), d.join("server.pem"), d.join("server.key"))
        } else {
            certificates(s, &s.path().join("tls"))
        };
        let root = s.path().join(format!("served-{}", o.name));
        fs::create_dir_all(&root).unwrap();
        s.git(&root, &["init", "-q", "--bare", "o/r.git"]);
        let seed = s.repo(&format!("seed-{}", o.name), &[]);
        s.git(&seed, &["commit", "-q", "--allow-empty", "-m", "seed"]);
        s.git(
            &seed,
            &[
                "push",
                "-q",
                root.join("o/r.git").to_str().unwrap(),
                "HEAD:refs/heads/main",
            ],
        );
        let cred_log = s.path().join(format!("creds-{}.log", o.name));
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/git_server.py");
        let mut cmd = s.cmd("python3");
        cmd.args([
            script,
            root.to_str().unwrap(),
            cert.to_str().unwrap(),
            key.to_str().unwrap(),
            TOKEN,
            LOGIN,
            o.scopes,
        ])
        .env("GIT_SERVER_CRED_LOG", &cred_log)
        .env("GIT_SERVER_FORGE", o.forge)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
        if let Some(t) = o.tokens {
            cmd.env("GIT_SERVER_TOKENS", t);
        }
        let mut child = cmd.spawn().expect("start the test git server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("server port");
        Server {
            child,
            port,
            ca,
            cred_log,
        }
    }

    /// Every credential the server received (`kind user secret login path` a line).
    pub fn creds(&self) -> String {
        fs::read_to_string(&self.cred_log).unwrap_or_default()
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}/o/r.git", self.port)
    }
}

/// A sandbox, a server, a client repository with an HTTPS remote, and a log of every argv
/// git-https gives `git` (through a shim first on PATH).
pub struct World {
    pub s: Sandbox,
    pub server: Server,
    pub client: PathBuf,
    pub argv_log: PathBuf,
    pub outputs: String,
    /// Whether commands get `GIT_SSL_CAINFO` naming the server's CA.
    pub ca_env: bool,
}

impl World {
    pub fn new(scopes: &str) -> World {
        World::new_with(&ServerOpts {
            scopes,
            ..ServerOpts::default()
        })
    }

    pub fn new_with(opts: &ServerOpts<'_>) -> World {
        let mut s = Sandbox::new();
        let server = Server::start_with(&s, opts);
        let client = s.repo("client", &[("origin", &server.url())]);
        s.git(&client, &["commit", "-q", "--allow-empty", "-m", "local"]);
        let shim_dir = s.path().join("shim");
        fs::create_dir_all(&shim_dir).unwrap();
        let argv_log = s.path().join("argv.log");
        let real_git = s.git(s.path(), &["--exec-path"]);
        let real_git = format!("{}/git", real_git.trim());
        fs::write(
            shim_dir.join("git"),
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\nexec {} \"$@\"\n",
                argv_log.display(),
                real_git.trim()
            ),
        )
        .unwrap();
        fs::set_permissions(shim_dir.join("git"), fs::Permissions::from_mode(0o755)).unwrap();
        s.path_first = Some(shim_dir.clone());
        World {
            s,
            server,
            client,
            argv_log,
            outputs: String::new(),
            ca_env: true,
        }
    }

    /// The environment every command of the world gets: the CA file (unless `ca_env` is off).
    pub fn env(&self) -> Vec<(String, String)> {
        if !self.ca_env {
            return Vec::new();
        }
        vec![(
            "GIT_SSL_CAINFO".to_string(),
            self.server.ca.display().to_string(),
        )]
    }

    /// Runs git-https in the client repository; `stdin` is fed to it.
    pub fn run(&mut self, args: &[&str], stdin: Option<&str>, extra: &[(&str, &str)]) -> Run {
        let mut cmd = self.s.bin();
        cmd.envs(self.env())
            .envs(extra.iter().copied())
            .current_dir(&self.client)
            .args(args);
        let run = support::output(&mut cmd, Some(stdin.unwrap_or("")));
        self.outputs.push_str(&run.stdout);
        self.outputs.push_str(&run.stderr);
        run
    }

    pub fn login(&mut self, extra_args: &[&str], extra_env: &[(&str, &str)]) -> Run {
        let host = self.server.host();
        let mut args = vec!["login", "--host", &host, "--token-stdin"];
        args.extend_from_slice(extra_args);
        self.run(&args, Some(&format!("{TOKEN}\n")), extra_env)
    }

    /// git fetch and push, as the user would run them; whether each worked.
    pub fn fetch_push(&mut self, extra_env: &[(&str, &str)]) -> (bool, bool) {
        let env = self.env();
        let mut seen = String::new();
        let mut git = |args: &[&str]| {
            // The user's own git, not through the argv shim.
            let r = support::output(
                self.s
                    .cmd("git")
                    .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                    .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                    .envs(extra_env.iter().copied())
                    .current_dir(&self.client)
                    .args(args),
                None,
            );
            seen.push_str(&r.stderr);
            r.code == 0
        };
        let fetched = git(&["fetch", "-q", "origin"]);
        let pushed = git(&["push", "-q", "origin", "HEAD:refs/heads/from-test"]);
        self.outputs.push_str(&seen);
        (fetched, pushed)
    }

    pub fn global_helpers(&self) -> String {
        support::output(
            self.s.cmd("git").args([
                "config",
                "--global",
                "--get-all",
                &format!("credential.https://{}.helper", self.server.host()),
            ]),
            None,
        )
        .stdout
    }

    /// The canary is in no output, no argv git-https gave a child, and no file under HOME
    /// except `allowed` (the plain-text store the user chose).
    /// Case-insensitive: a host or name is lower-cased on its way into a message.
    pub fn assert_no_leak(&self, allowed: Option<&Path>) {
        let leaks = |s: &str| s.to_ascii_lowercase().contains("canary");
        assert!(
            !leaks(&self.outputs),
            "the token leaked into output:\n{}",
            self.outputs
        );
        let argv = fs::read_to_string(&self.argv_log).unwrap_or_default();
        assert!(
            !argv.is_empty(),
            "git-https ran git: the argv log must show it"
        );
        assert!(
            !leaks(&argv),
            "the token leaked into a child's argv:\n{argv}"
        );
        let mut stack = vec![self.s.home.clone()];
        while let Some(dir) = stack.pop() {
            for e in fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                let ft = e.file_type().unwrap();
                if ft.is_dir() {
                    stack.push(p);
                } else if ft.is_file() && Some(p.as_path()) != allowed {
                    let bytes = fs::read(&p).unwrap();
                    assert!(
                        !leaks(&String::from_utf8_lossy(&bytes)),
                        "the token leaked into {}",
                        p.display()
                    );
                }
            }
        }
    }
}

impl World {
    /// `git-https ARGS` in the client repository on a real pseudo-terminal.
    pub fn pty(&self, args: &[&str]) -> expectrl::session::OsSession {
        let mut cmd = self.s.bin();
        cmd.args(args).current_dir(&self.client).envs(self.env());
        self.s.pty(cmd)
    }
}

impl Drop for World {
    fn drop(&mut self) {
        // Stop the credential-cache daemon this HOME may have started.
        support::output(self.s.cmd("git").args(["credential-cache", "exit"]), None);
    }
}

/// One test per cache mode for `$run(cache, env)`: store and memory, and both keyrings (those
/// need the stores scripts/test starts).
macro_rules! every_cache_mode {
    ($run:ident: $store:ident, $memory:ident, $secret_service:ident, $keyutils:ident) => {
        #[test]
        fn $store() {
            $run("store", &[]);
        }

        #[test]
        fn $memory() {
            $run("memory", &[]);
        }

        #[test]
        #[ignore = "needs the keyring sessions scripts/test starts"]
        fn $secret_service() {
            $run("keyring", &[("GIT_HTTPS_KEYRING", "secret-service")]);
        }

        #[test]
        #[ignore = "needs the keyring sessions scripts/test starts"]
        fn $keyutils() {
            $run("keyring", &[("GIT_HTTPS_KEYRING", "keyutils")]);
        }
    };
}

pub const TOKEN2: &str = "ghp_CANARYsecondCANARYsecondCANARYsec0123";

impl World {
    /// git as the user runs it (not through the argv shim), in the client repository.
    pub fn user_git(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
        support::output(
            self.s
                .cmd("git")
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .envs(self.env())
                .envs(env.iter().copied())
                .current_dir(&self.client)
                .args(args),
            stdin,
        )
    }

    /// What one helper alone answers for the server's host (`git credential fill`).
    pub fn held_by(&self, helper: &str) -> String {
        let input = format!("protocol=https\nhost={}\n\n", self.server.host());
        let mut args = vec!["-c", "credential.helper="];
        let h = format!("credential.helper={helper}");
        args.extend(["-c", &h, "credential", "fill"]);
        self.user_git(&args, &[], Some(&input)).stdout
    }

    /// What git's configured chain answers for the host, from a folder outside any repository.
    pub fn configured_answer(&self) -> String {
        let input = format!("protocol=https\nhost={}\n\n", self.server.host());
        support::output(
            self.s
                .cmd("git")
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .envs(self.env())
                .current_dir(&self.s.home)
                .args(["credential", "fill"]),
            Some(&input),
        )
        .stdout
    }
}

pub fn global_config(w: &World) -> Vec<u8> {
    fs::read(w.s.home.join(".gitconfig")).unwrap_or_default()
}

pub const BOB_TOKEN: &str = "ghp_CANARYbobCANARYbobCANARYbobCANARY0123";

/// What one helper alone answers for `user` on the server's host.
pub fn held_for(w: &World, helper: &str, user: &str) -> String {
    let input = format!(
        "protocol=https\nhost={}\nusername={user}\n\n",
        w.server.host()
    );
    let h = format!("credential.helper={helper}");
    let args = ["-c", "credential.helper=", "-c", &h, "credential", "fill"];
    w.user_git(&args, &[("GIT_TERMINAL_PROMPT", "0")], Some(&input))
        .stdout
}

/// The server's record of whose account each request authenticated as (`-`: none).
pub fn logins_seen(w: &World) -> Vec<String> {
    w.server
        .creds()
        .lines()
        .filter_map(|l| l.split(' ').nth(3).map(str::to_string))
        .collect()
}

/// `git fetch` in `dir` as the user runs it; whether it worked, and as whom the server saw it.
pub fn fetch_in(w: &World, dir: &Path, env: &[(&str, &str)]) -> (bool, Option<String>) {
    let before = logins_seen(w).len();
    let r = support::output(
        w.s.cmd("git")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(w.env())
            .envs(env.iter().copied())
            .env("GIT_TERMINAL_PROMPT", "0")
            .current_dir(dir)
            .args(["fetch", "-q", "origin"]),
        None,
    );
    let seen = logins_seen(w);
    let who = seen[before..].iter().rev().find(|l| *l != "-").cloned();
    (r.code == 0, who)
}

impl World {
    /// `~/.ssh/config` holding `ssh`, and a config.toml of `head` and a host rule that gives
    /// 127.0.0.1 the server's HTTPS port (ssh's HostName has none).
    pub fn ssh_aliases(&self, ssh: &str, head: &str) {
        fs::create_dir_all(self.s.home.join(".ssh")).unwrap();
        fs::write(self.s.home.join(".ssh/config"), ssh).unwrap();
        let config_toml = self.s.home.join(".config/git-https/config.toml");
        fs::create_dir_all(config_toml.parent().unwrap()).unwrap();
        let host = self.server.host();
        fs::write(
            &config_toml,
            format!("{head}[hosts]\n\"127.0.0.1\" = \"https://{host}\"\n"),
        )
        .unwrap();
    }
}
