//! Hostile files never hang a command, follow a planted link, or open a window: `Include`s in
//! `~/.ssh/config` that loop, block or never end; symlinks planted at git-https's own lock and
//! record paths; a lock's mode at creation; a repository whose `[include] path` is a FIFO.

use std::fs;
use std::io::Read;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{self, BIN, Run, Sandbox};
use crate::world::*;

/// Well under the support deadline: each of these commands takes a fraction of a second when
/// it does not hang.
const PROMPT: Duration = Duration::from_secs(30);

/// Runs `cmd` to the end within [`PROMPT`] (killing it and failing the test past that).
fn run_promptly(cmd: &mut Command) -> Run {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let reader = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = reader(Box::new(child.stdout.take().unwrap()));
    let err = reader(Box::new(child.stderr.take().unwrap()));
    let status = support::wait(&mut child, PROMPT);
    Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// git-https under a memory limit (so a file read without end fails instead of taking the
/// machine's memory) and the given umask.
fn bounded(s: &Sandbox, dir: &Path, umask: &str, args: &[&str]) -> Command {
    let mut cmd = s.cmd("sh");
    cmd.current_dir(dir)
        .arg("-c")
        .arg(format!(
            "ulimit -v 1500000; umask {umask}; exec \"$0\" \"$@\""
        ))
        .arg(BIN)
        .args(args);
    cmd
}

fn mkfifo(s: &Sandbox, path: &Path) {
    let r = support::output(s.cmd("mkfifo").arg(path), None);
    assert_eq!(r.code, 0, "mkfifo: {}", r.stderr);
}

/// An ssh config whose `Include`s loop, block, or never end: `convert` still answers for the
/// alias it can read, promptly, and says in one line what it skipped.
#[test]
fn ssh_includes_that_loop_block_or_never_end_are_skipped_promptly() {
    let cases: &[(&str, &str)] = &[
        // Every file includes every file: exponential without cycle detection.
        ("loop", "Include *\n"),
        ("loop-self", "Include config config config\n"),
        ("fifo", "Include pipe\n"),
        ("zero", "Include /dev/zero\n"),
    ];
    for (name, include) in cases {
        let s = Sandbox::new();
        let ssh = s.home.join(".ssh");
        fs::create_dir_all(&ssh).unwrap();
        fs::write(
            ssh.join("config"),
            format!("{include}Host work\n  HostName github.com\n"),
        )
        .unwrap();
        fs::write(ssh.join("a.conf"), "Include *\n").unwrap();
        fs::write(ssh.join("b.conf"), "Include *\n").unwrap();
        mkfifo(&s, &ssh.join("pipe"));
        let r = run_promptly(&mut bounded(
            &s,
            s.path(),
            "022",
            &["convert", "git@work:o/r.git"],
        ));
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert_eq!(r.stdout, "https://github.com/o/r.git\n", "{name}");
        assert!(r.stderr.contains("skipped"), "{name}: {}", r.stderr);
        assert!(r.stderr.lines().count() <= 4, "{name}: {}", r.stderr);
    }
}

/// A fan-out: a thousand files, each with a hundred `Include`s of all of them (none new after
/// the first reads). Cut by the budgets, not resolved a million times.
#[test]
fn an_include_fan_out_is_cut_promptly() {
    let s = Sandbox::new();
    let ssh = s.home.join(".ssh");
    fs::create_dir_all(ssh.join("fan")).unwrap();
    let body = "Include ~/.ssh/fan/*\n".repeat(100);
    for i in 0..1000 {
        fs::write(ssh.join(format!("fan/f{i}")), &body).unwrap();
    }
    fs::write(
        ssh.join("config"),
        "Include ~/.ssh/fan/*\nHost work\n  HostName github.com\n",
    )
    .unwrap();
    let r = run_promptly(&mut bounded(
        &s,
        s.path(),
        "022",
        &["convert", "git@work:o/r.git"],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "https://github.com/o/r.git\n");
    assert!(r.stderr.contains("stopped after"), "{}", r.stderr);
}

/// The lock and record paths git-https creates in its own folders, each a planted symlink to
/// a victim: no command creates, truncates or rewrites the victim; each fails naming the path.
#[test]
fn planted_symlinks_at_locks_and_records_are_never_followed() {
    let mut w = World::new("repo");
    w.ssh_aliases("Host gh-work\n  HostName 127.0.0.1\n", "");
    let host = w.server.host();
    let state = w.s.state_dir();
    let config = w.s.home.join(".config/git-https");
    fs::create_dir_all(&state).unwrap();
    let victim = w.s.path().join("victim");
    let existing = w.s.path().join("victim-existing");
    fs::write(&existing, "[]").unwrap();
    let plant = |link: &Path, to: &Path| {
        let _ = fs::remove_file(link);
        symlink(to, link).unwrap();
    };
    let login = [
        "login",
        "--host",
        &host,
        "--token-stdin",
        "--cache",
        "store",
    ];
    let alias = [&login[..], &["--alias", "gh-work"]].concat();
    let setup = [
        "setup",
        "--host",
        &host,
        "--token-stdin",
        "--cache",
        "store",
    ];
    let logout = ["logout", "--host", &host];
    let stdin = format!("{TOKEN}\n");
    let cases: Vec<(PathBuf, &[&str])> = vec![
        (state.join("logins.lock"), &login),
        (state.join("logins.lock"), &logout),
        (state.join("logins.lock"), &setup),
        (config.join("config.toml.lock"), &alias),
        (state.join("logins.json"), &login),
    ];
    for (link, args) in &cases {
        for to in [&victim, &existing] {
            plant(link, to);
            let r = w.run(args, Some(&stdin), &[]);
            let name = link.file_name().unwrap().to_string_lossy();
            assert_ne!(r.code, 0, "{args:?} through {name}: {}", r.stderr);
            assert!(
                r.stderr.contains(&*name) && r.stderr.contains("symbolic link"),
                "{args:?}: {}",
                r.stderr
            );
            assert!(
                !victim.exists(),
                "{args:?} created the victim through {name}"
            );
            assert_eq!(fs::read_to_string(&existing).unwrap(), "[]", "{args:?}");
            fs::remove_file(link).unwrap();
            // Undo whatever got through before the lock said no (none of it is the test).
            let _ = w.run(&logout, None, &[]);
        }
    }
    w.assert_no_leak(None);
}

/// Under a umask of 0, the repository `config.lock`, `logins.lock` and `config.toml.lock` are
/// created no more open than their final mode: each is caught the moment it exists by a
/// watcher (a second thread standing in for another user) and its mode read there.
///
/// The watcher cannot be sure to see a window of a microsecond, so the deterministic half is
/// a unit test (`io::repo` `the_lock_is_created_private`); this one shows the modes a whole
/// run leaves, which are the same.
#[test]
fn locks_are_created_with_their_final_mode_under_umask_0() {
    let s = Sandbox::new();
    let mut repos = Vec::new();
    for i in 0..30 {
        let repo = s.repo(
            &format!("fleet/r{i}"),
            &[("origin", "git@github.com:o/r.git")],
        );
        fs::set_permissions(repo.join(".git/config"), fs::Permissions::from_mode(0o600)).unwrap();
        repos.push(repo);
    }
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let done = done.clone();
        let locks: Vec<PathBuf> = repos.iter().map(|r| r.join(".git/config.lock")).collect();
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                for l in &locks {
                    // Opened as another user would, then its mode read from the open file.
                    if let Ok(f) = fs::File::open(l)
                        && let Ok(m) = f.metadata()
                    {
                        seen.push(m.permissions().mode() & 0o777);
                    }
                }
            }
            seen
        })
    };
    let r = run_promptly(&mut bounded(
        &s,
        s.path(),
        "0",
        &["migrate", "--recursive", "--yes", "fleet"],
    ));
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen = watcher.join().unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        seen.iter().all(|m| m & 0o077 == 0),
        "a lock was seen more open than 0600: {:?}",
        seen.iter().map(|m| format!("{m:o}")).collect::<Vec<_>>()
    );
    for repo in &repos {
        let mode = fs::metadata(repo.join(".git/config"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{}", repo.display());
    }
}

/// A fleet of three repositories, one whose `[include] path` names a FIFO: status and migrate
/// finish promptly, report that one naming the include, and handle the other two.
#[test]
fn a_fifo_include_fails_its_repository_and_the_fleet_goes_on() {
    let s = Sandbox::new();
    let a = s.repo("fleet/a", &[("origin", "git@github.com:o/a.git")]);
    let bad = s.repo("fleet/bad", &[("origin", "git@github.com:o/bad.git")]);
    let c = s.repo("fleet/c", &[("origin", "git@github.com:o/c.git")]);
    mkfifo(&s, &bad.join(".git/fifo"));
    s.git(&bad, &["config", "include.path", "fifo"]);
    let bad_config_before = s.config(&bad);

    let r = run_promptly(&mut bounded(
        &s,
        s.path(),
        "022",
        &["status", "--recursive", "fleet"],
    ));
    assert_ne!(r.code, 0, "{}", r.stdout);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        all.contains("fifo") && all.contains("not a regular file"),
        "{all}"
    );
    assert!(all.contains("o/a.git") && all.contains("o/c.git"), "{all}");

    let r = run_promptly(&mut bounded(
        &s,
        s.path(),
        "022",
        &["migrate", "--recursive", "--yes", "fleet"],
    ));
    assert_ne!(r.code, 0, "{}", r.stdout);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        all.contains("fifo") && all.contains("not a regular file"),
        "{all}"
    );
    for (repo, name) in [(&a, "a"), (&c, "c")] {
        assert_eq!(
            s.git(repo, &["config", "remote.origin.url"]),
            format!("https://github.com/o/{name}.git\n")
        );
    }
    assert_eq!(s.config(&bad), bad_config_before);
}

/// An include only git's own process resolves (`/proc/self/cwd` is git's working folder, the
/// repository) naming a FIFO: git-https cannot see where it points, so the git it runs has a
/// deadline. The repository fails with one line; the others are handled.
#[test]
fn an_include_through_proc_self_fails_its_repository_within_a_deadline() {
    let s = Sandbox::new();
    let a = s.repo("fleet2/a", &[("origin", "git@github.com:o/a.git")]);
    let bad = s.repo("fleet2/bad", &[("origin", "git@github.com:o/bad.git")]);
    mkfifo(&s, &bad.join(".git/evil"));
    s.git(
        &bad,
        &["config", "include.path", "/proc/self/cwd/.git/evil"],
    );
    let r = run_promptly(&mut bounded(
        &s,
        s.path(),
        "022",
        &["status", "--recursive", "fleet2"],
    ));
    assert_ne!(r.code, 0, "{}", r.stdout);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("did not finish"), "{all}");
    assert!(all.contains("o/a.git"), "{all}");
    let r = run_promptly(&mut bounded(
        &s,
        s.path(),
        "022",
        &["migrate", "--recursive", "--yes", "fleet2"],
    ));
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert_eq!(
        s.git(&a, &["config", "remote.origin.url"]),
        "https://github.com/o/a.git\n"
    );
}

/// A run's journal file replaced by a symlink to a victim: undo refuses it before changing
/// anything, naming the journal, and the victim is neither cut nor appended to.
#[test]
fn a_symlink_planted_at_a_journal_run_is_never_followed() {
    let s = Sandbox::new();
    let repo = s.repo("j", &[("origin", "git@github.com:o/j.git")]);
    let r = s.run(&repo, &["migrate", "--yes", "--json"]).ok();
    let run = r.json_lines().pop().unwrap()["run"]
        .as_str()
        .unwrap()
        .to_string();
    let journal = s.state_dir().join(format!("runs/{run}.jsonl"));
    let victim = s.path().join("victim.jsonl");
    let mut bytes = fs::read(&journal).unwrap();
    bytes.extend_from_slice(b"DO-NOT-TRUNCATE");
    fs::write(&victim, &bytes).unwrap();
    fs::remove_file(&journal).unwrap();
    symlink(&victim, &journal).unwrap();
    let before = s.config(&repo);
    let r = s.run(&repo, &["undo", "--run", &run, "--yes"]);
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    assert_eq!(fs::read(&victim).unwrap(), bytes);
    // Refused before anything was undone: the run it could not mark stays as it was.
    assert_eq!(s.config(&repo), before);
}
