//! End-to-end: bulk migration of a fleet of real repositories, with failures injected, a
//! confirmation on a real pseudo-terminal, undo by run, and a SIGKILL in the middle.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use expectrl::Expect;

use support::Sandbox;

/// Builds repositories fast: `git init` once, then copies of its `.git` with configs written
/// the way git writes them (checked against `git remote add` below).
struct Fleet {
    template: PathBuf,
}

impl Fleet {
    fn new(s: &Sandbox) -> Fleet {
        let template = s.repo("template", &[]);
        Fleet { template }
    }

    fn make(&self, s: &Sandbox, rel: &str, remotes: &[(&str, &str)]) -> PathBuf {
        let dir = s.path().join(rel);
        fs::create_dir_all(dir.join(".git")).unwrap();
        copy_dir(&self.template.join(".git"), &dir.join(".git"));
        let mut cfg = fs::read_to_string(self.template.join(".git/config")).unwrap();
        for (name, url) in remotes {
            cfg.push_str(&format!(
                "[remote \"{name}\"]\n\turl = {url}\n\tfetch = +refs/heads/*:refs/remotes/{name}/*\n"
            ));
        }
        fs::write(dir.join(".git/config"), cfg).unwrap();
        dir
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Every repository's config (by `.git/config` path), byte for byte.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                if p.file_name().unwrap() == ".git" {
                    if let Ok(b) = fs::read(p.join("config")) {
                        out.insert(p.join("config"), b);
                    }
                    if p.join("modules").is_dir() {
                        stack.push(p.join("modules"));
                    }
                } else if p.join("HEAD").is_file() && p.join("config").is_file() {
                    out.insert(p.join("config"), fs::read(p.join("config")).unwrap());
                } else {
                    stack.push(p);
                }
            }
        }
    }
    out
}

/// Starts `migrate -r code --yes` in the background, stderr captured.
fn spawn_migrate(s: &Sandbox, jobs: &str) -> std::process::Child {
    s.bin()
        .args(["migrate", "-r", "code", "--yes", "--jobs", jobs])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until the newest run in the journal says its plan was confirmed (configs are being
/// rewritten from then on), and returns its file.
fn wait_for_applying(runs_dir: &Path) -> PathBuf {
    support::poll("a run with an applying record", || {
        let newest = fs::read_dir(runs_dir)
            .ok()
            .and_then(|rd| rd.flatten().map(|e| e.path()).max());
        newest.filter(|p| fs::read_to_string(p).is_ok_and(|t| t.contains("\"type\":\"applying\"")))
    })
}

const KINDS: &[&str] = &[
    "git@github.com:org/repo{i}.git",
    "ssh://git@github.com:22/org/repo{i}.git",
    "https://github.com/org/repo{i}.git",
    "git@gitlab.com:group/sub/repo{i}.git",
    "ssh://git@[2001:db8::1]:2222/o/repo{i}.git",
    "/srv/mirror/repo{i}.git",
    "git@ssh.dev.azure.com:v3/org/proj/repo{i}",
];

#[test]
fn a_fleet_with_failures_migrates_reports_and_undoes_byte_for_byte() {
    let s = Sandbox::new();
    let fleet = Fleet::new(&s);
    let code = s.path().join("code");
    let mut expected_changes = 0;
    for i in 0..200 {
        let url = KINDS[i % KINDS.len()].replace("{i}", &i.to_string());
        let mut remotes = vec![("origin", url.as_str())];
        let up = format!("git@github.com:upstream/repo{i}.git");
        if i % 5 == 0 {
            remotes.push(("upstream", &up));
        }
        let dir = fleet.make(&s, &format!("code/org{}/repo{i}", i % 7), &remotes);
        if i % 10 == 0 {
            fs::write(dir.join(".git/config"), {
                let mut c = fs::read_to_string(dir.join(".git/config")).unwrap();
                c.push_str("\tpushurl = ssh://git@github.com/org/push.git\n");
                c
            })
            .unwrap();
            expected_changes += 1;
        }
        expected_changes += usize::from(!matches!(i % KINDS.len(), 2 | 5));
        expected_changes += usize::from(i % 5 == 0);
    }
    // Noise that must not be entered, and a repository nested in another's work tree.
    fleet.make(
        &s,
        "code/org0/repo0/node_modules/dep",
        &[("origin", "git@github.com:npm/dep.git")],
    );
    fleet.make(
        &s,
        "code/org0/repo0/vendor/nested",
        &[("origin", "git@github.com:n/nested.git")],
    );
    expected_changes += 1;
    // A symlink loop.
    std::os::unix::fs::symlink(&code, code.join("org1/loop")).unwrap();

    // Failures: corrupt, locked, read-only, and a `.git` file pointing nowhere.
    let corrupt = code.join("org2/repo2/.git/config");
    fs::write(
        &corrupt,
        "[remote \"origin\"\n\turl = git@github.com:o/r.git\n",
    )
    .unwrap();
    let locked = code.join("org3/repo3");
    fs::write(locked.join(".git/config.lock"), "").unwrap();
    expected_changes -= 1;
    let ro = code.join("org4/repo4/.git/config");
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o444)).unwrap();
    expected_changes -= 1;
    fs::create_dir_all(code.join("org5/dangling")).unwrap();
    fs::write(
        code.join("org5/dangling/.git"),
        "gitdir: /nonexistent/worktree\n",
    )
    .unwrap();

    let before = snapshot(&code);

    // Read-only view first.
    let st = s.run(s.path(), &["status", "--recursive", "code", "--json"]);
    assert_eq!(st.code, 1, "unreadable repositories make status exit 1");
    let summary = st
        .json_lines()
        .into_iter()
        .find(|l| l["type"] == "summary")
        .unwrap();
    // The locked and the read-only repositories can be read, so status counts them.
    assert_eq!(
        summary["urls_to_migrate"],
        expected_changes + 2,
        "{summary}"
    );

    let r = s.run(
        s.path(),
        &[
            "migrate",
            "--recursive",
            "code",
            "--yes",
            "--json",
            "--jobs",
            "2",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines = r.json_lines();
    let changed = lines
        .iter()
        .filter(|l| l["type"] == "change" && l["status"] == "changed")
        .count();
    assert_eq!(changed, expected_changes);
    let failures: Vec<String> = lines
        .iter()
        .filter(|l| l["type"] == "failure" || l["status"] == "failed")
        .map(|l| l.to_string())
        .collect();
    assert_eq!(failures.len(), 4, "{failures:#?}");
    assert!(
        failures
            .iter()
            .any(|f| f.contains("org2/repo2") && f.contains("bad config line 1"))
    );
    assert!(
        failures
            .iter()
            .any(|f| f.contains("org3/repo3") && f.contains("locked"))
    );
    assert!(
        failures
            .iter()
            .any(|f| f.contains("org4/repo4") && f.contains("read-only"))
    );
    assert!(failures.iter().any(|f| f.contains("dangling")));
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    let run_id = summary["run"].as_str().unwrap().to_string();

    // Every config read back through git itself.
    for i in 0..200 {
        let dir = code.join(format!("org{}/repo{i}", i % 7));
        if [2, 3, 4].contains(&i) {
            continue;
        }
        let url = s.git(&dir, &["config", "--get", "remote.origin.url"]);
        let kind = i % KINDS.len();
        if kind == 5 {
            assert_eq!(url.trim(), format!("/srv/mirror/repo{i}.git"));
        } else {
            assert!(url.starts_with("https://"), "repo{i}: {url}");
        }
    }
    assert_eq!(
        s.git(
            &code.join("org0/repo0/vendor/nested"),
            &["config", "remote.origin.url"]
        ),
        "https://github.com/n/nested.git\n"
    );
    assert_eq!(
        s.git(
            &code.join("org0/repo0/node_modules/dep"),
            &["config", "remote.origin.url"]
        ),
        "git@github.com:npm/dep.git\n"
    );
    assert_eq!(
        s.git(&code.join("org6/repo6"), &["config", "remote.origin.url"]),
        "https://dev.azure.com/org/proj/_git/repo6\n"
    );

    // A second run finds nothing more to do, but still reports the broken ones.
    let again = s.run(s.path(), &["migrate", "-r", "code", "--yes", "--json"]);
    assert_eq!(
        again.json_lines().last().unwrap()["planned"],
        2,
        "only the locked and read-only repos' URLs are still planned"
    );

    s.run(s.path(), &["undo", "--run", &run_id, "--yes"]).ok();
    let after = snapshot(&code);
    assert_eq!(before.len(), after.len());
    for (path, bytes) in &before {
        assert!(
            after[path] == *bytes,
            "{} differs after undo",
            path.display()
        );
    }
    // Undoing the same run twice is harmless.
    let r = s.run(s.path(), &["undo", "--run", &run_id, "--yes"]).ok();
    assert!(r.stderr.contains("already undone"), "{}", r.stderr);
    assert_eq!(snapshot(&code), before);
    let runs = s.run(s.path(), &["runs", "--json"]).ok().json_lines();
    assert_eq!(runs[0]["state"], "undone");
    assert_eq!(runs[0]["failed"], 4);
}

#[test]
fn discovery_finds_worktrees_submodules_and_bare_repositories() {
    let s = Sandbox::new();
    let main = s.repo("tree/main", &[("origin", "git@github.com:o/main.git")]);
    s.git(&main, &["commit", "-q", "--allow-empty", "-m", "init"]);
    s.git(&main, &["worktree", "add", "-q", "../main-wt"]);
    let lib = s.repo("libsrc", &[]);
    s.git(&lib, &["commit", "-q", "--allow-empty", "-m", "lib"]);
    s.git(
        &main,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            lib.to_str().unwrap(),
            "lib",
        ],
    );
    s.git(
        &main.join("lib"),
        &["remote", "set-url", "origin", "git@github.com:o/lib.git"],
    );
    s.git(s.path(), &["init", "-q", "--bare", "tree/bare.git"]);
    s.git(
        &s.path().join("tree/bare.git"),
        &["remote", "add", "origin", "git@github.com:o/bare.git"],
    );

    let r = s.run(s.path(), &["status", "-r", "tree", "--json"]).ok();
    let repos: Vec<String> = r
        .json_lines()
        .iter()
        .filter(|l| l["type"] == "repo")
        .map(|l| l["repo"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        repos.len(),
        2,
        "main (once, with its worktree) and the submodule: {repos:?}"
    );
    let r = s
        .run(s.path(), &["status", "-r", "tree", "--bare", "--json"])
        .ok();
    assert_eq!(
        r.json_lines()
            .iter()
            .filter(|l| l["type"] == "repo")
            .count(),
        3
    );

    s.run(s.path(), &["migrate", "-r", "tree", "--bare", "--yes"])
        .ok();
    assert_eq!(
        s.git(&main, &["config", "remote.origin.url"]),
        "https://github.com/o/main.git\n"
    );
    assert_eq!(
        s.git(&main.join("lib"), &["config", "remote.origin.url"]),
        "https://github.com/o/lib.git\n"
    );
    assert_eq!(
        s.git(
            &s.path().join("tree/bare.git"),
            &["config", "remote.origin.url"]
        ),
        "https://github.com/o/bare.git\n"
    );
    // --max-depth and --exclude narrow the search.
    let found = |extra: &[&str]| {
        let args = [&["status", "-r", "tree", "--json"], extra].concat();
        s.run(s.path(), &args)
            .ok()
            .json_lines()
            .iter()
            .filter(|l| l["type"] == "repo")
            .count()
    };
    assert_eq!(found(&["--max-depth", "0"]), 0);
    assert_eq!(found(&["--exclude", "lib"]), 1);
}

#[test]
fn the_fleet_configs_are_what_git_remote_add_writes() {
    let s = Sandbox::new();
    let fleet = Fleet::new(&s);
    let ours = fleet.make(&s, "a", &[("origin", "git@github.com:o/r.git")]);
    let theirs = s.repo("b", &[("origin", "git@github.com:o/r.git")]);
    assert_eq!(s.config(&ours), s.config(&theirs));
}

#[test]
fn confirmation_on_a_terminal_and_a_repository_vanishing_before_apply() {
    let s = Sandbox::new();
    let fleet = Fleet::new(&s);
    for i in 0..5 {
        fleet.make(
            &s,
            &format!("code/r{i}"),
            &[("origin", &format!("git@github.com:o/r{i}.git"))],
        );
    }
    let mut cmd = s.bin();
    cmd.args(["migrate", "-r", "code"]);
    let mut p = s.pty(cmd);
    p.expect("Rewrite 5 URLs in 5 repositories?").unwrap();
    // Gone between plan and apply: reported, and the others go on.
    fs::remove_dir_all(s.path().join("code/r3")).unwrap();
    p.send_line("y").unwrap();
    let rest = p.expect(expectrl::Eof).unwrap();
    let mut tail = String::from_utf8_lossy(rest.before()).into_owned();
    for m in rest.matches() {
        tail.push_str(&String::from_utf8_lossy(m));
    }
    assert!(tail.contains("migrated"), "{tail}");
    assert!(tail.contains("r3"), "{tail}");
    for i in [0, 1, 2, 4] {
        assert_eq!(
            s.git(
                &s.path().join(format!("code/r{i}")),
                &["config", "remote.origin.url"]
            ),
            format!("https://github.com/o/r{i}.git\n")
        );
    }
}

#[test]
fn sigkill_mid_run_leaves_each_repo_old_or_new_and_rerun_plus_undo_recover_everything() {
    let s = Sandbox::new();
    let fleet = Fleet::new(&s);
    let n = 1500;
    for i in 0..n {
        fleet.make(
            &s,
            &format!("code/o{}/r{i}", i % 20),
            &[
                ("origin", &format!("git@github.com:o/r{i}.git")),
                ("fork", &format!("ssh://git@github.com/me/r{i}.git")),
            ],
        );
    }
    let code = s.path().join("code");
    let before = snapshot(&code);
    let runs_dir = s.state_dir().join("runs");

    // Kill as soon as the journal shows the plan confirmed, i.e. while configs are being rewritten.
    let mut killed_mid_run = false;
    for delay_ms in [0u64, 5, 20] {
        let mut child = spawn_migrate(&s, "2");
        let journal = wait_for_applying(&runs_dir);
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap();
        support::wait(&mut child, support::DEADLINE);
        let text = fs::read_to_string(&journal).unwrap();
        if !text.contains("\"type\":\"end\"") {
            killed_mid_run = true;
            break;
        }
        s.run(s.path(), &["undo", "--last", "--yes"]).ok();
    }
    assert!(killed_mid_run, "the kill never landed before the run ended");

    // Every config parses, and each key is wholly old or wholly new.
    let mut new_count = 0;
    for (path, old) in &before {
        let now = fs::read(path).unwrap();
        if now == *old {
            continue;
        }
        new_count += 1;
        let text = String::from_utf8(now).unwrap();
        assert!(
            text.contains("\turl = https://github.com/o/r")
                && text.contains("\turl = https://github.com/me/r"),
            "{text}"
        );
    }
    assert!(new_count < n, "the kill came after every repo was done");

    // A stale lock from the kill is reported as such; git's own advice is to remove it.
    for path in before.keys() {
        let lock = path.with_extension("lock");
        if lock.exists() {
            assert_eq!(fs::read(path).unwrap(), before[path]);
            fs::remove_file(lock).unwrap();
        }
    }
    s.run(s.path(), &["migrate", "-r", "code", "--yes"]).ok();
    for path in before.keys() {
        let text = fs::read_to_string(path).unwrap();
        assert!(
            !text.contains("git@") && !text.contains("ssh://"),
            "{}",
            path.display()
        );
    }
    // Undo the rerun, then the killed run: everything is back, byte for byte.
    s.run(s.path(), &["undo", "--last", "--yes"]).ok();
    s.run(s.path(), &["undo", "--last", "--yes"]).ok();
    assert_eq!(snapshot(&code), before);
}

#[test]
fn sigterm_mid_run_stops_between_files_and_leaves_no_lock() {
    let s = Sandbox::new();
    let fleet = Fleet::new(&s);
    for i in 0..1500 {
        fleet.make(
            &s,
            &format!("code/o{}/r{i}", i % 20),
            &[("origin", &format!("git@github.com:o/r{i}.git"))],
        );
    }
    let code = s.path().join("code");
    let before = snapshot(&code);
    let runs_dir = s.state_dir().join("runs");
    let mut stopped = None;
    for _ in 0..5 {
        let mut child = spawn_migrate(&s, "1");
        wait_for_applying(&runs_dir);
        support::output(s.cmd("kill").args(["-TERM", &child.id().to_string()]), None);
        let status = support::wait(&mut child, support::DEADLINE);
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        let out = std::process::Output {
            status,
            stdout: Vec::new(),
            stderr: stderr.clone().into_bytes(),
        };
        if stderr.contains("interrupted:") {
            assert_eq!(out.status.code(), Some(1), "{stderr}");
            stopped = Some(stderr);
            break;
        }
        s.run(s.path(), &["undo", "--last", "--yes"]).ok();
    }
    let stderr = stopped.expect("SIGTERM never landed mid-run");
    assert!(stderr.contains("not reached"), "{stderr}");
    for (path, old) in &before {
        assert!(
            !path.with_extension("lock").exists(),
            "a lock was left at {}",
            path.display()
        );
        let now = fs::read(path).unwrap();
        if now != *old {
            assert!(
                String::from_utf8(now)
                    .unwrap()
                    .contains("\turl = https://github.com/o/r")
            );
        }
    }
    let runs = s.run(s.path(), &["runs", "--json"]).ok().json_lines();
    let last = runs.last().unwrap();
    assert!(
        last["interrupted"].as_u64().unwrap() > 0 && last["failed"] == 0,
        "the journal records the files not reached, not as failures: {last}"
    );
    assert_eq!(last["state"], "interrupted");
    s.run(s.path(), &["migrate", "-r", "code", "--yes"]).ok();
    s.run(s.path(), &["undo", "--last", "--yes"]).ok();
    s.run(s.path(), &["undo", "--last", "--yes"]).ok();
    assert_eq!(snapshot(&code), before);
}

/// Ctrl-C at the confirmation question: nothing changed, no run kept, the cursor shown again.
#[test]
fn ctrl_c_at_the_confirmation_keeps_no_run_and_restores_the_terminal() {
    let s = Sandbox::new();
    let fleet = Fleet::new(&s);
    for i in 0..3 {
        fleet.make(
            &s,
            &format!("code/r{i}"),
            &[("origin", &format!("git@github.com:o/r{i}.git"))],
        );
    }
    let before = snapshot(&s.path().join("code"));
    let mut cmd = s.bin();
    cmd.args(["migrate", "-r", "code"]);
    let mut p = s.pty(cmd);
    p.expect("Rewrite 3 URLs in 3 repositories?").unwrap();
    p.send("\x03").unwrap();
    let rest = p.expect(expectrl::Eof).unwrap();
    let tail = String::from_utf8_lossy(rest.before()).into_owned();
    assert!(
        !tail.contains("\x1b[?25l") || tail.contains("\x1b[?25h"),
        "cursor left hidden: {tail:?}"
    );
    assert_eq!(snapshot(&s.path().join("code")), before);
    let runs = s.run(s.path(), &["runs", "--json"]).ok();
    assert_eq!(runs.stdout, "", "no run is kept for a plan never confirmed");
    let undo = s.run(s.path(), &["undo", "--last", "--yes"]).ok();
    assert!(undo.stderr.contains("nothing to undo"), "{}", undo.stderr);
}

/// `migrate ARGS` in `repo` on a pseudo-terminal, planned and waiting at its question.
fn planned(s: &Sandbox, repo: &Path, args: &[&str]) -> expectrl::session::OsSession {
    let mut cmd = s.bin();
    cmd.current_dir(repo).arg("migrate").args(args);
    let mut p = s.pty(cmd);
    p.expect("repository?").unwrap();
    p
}

/// Answers yes and waits for the run to end.
fn confirm(mut p: expectrl::session::OsSession) {
    p.send_line("y").unwrap();
    p.expect(expectrl::Eof).unwrap();
}

/// The journal's runs (`runs --json`), oldest first: (id, state).
fn run_states(s: &Sandbox) -> Vec<(String, String)> {
    s.run(s.path(), &["runs", "--json"])
        .ok()
        .json_lines()
        .iter()
        .map(|l| {
            (
                l["run"].as_str().unwrap().to_string(),
                l["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The run an `undo --json` reverted, from its summary line.
fn undone_run(s: &Sandbox, args: &[&str]) -> String {
    let r = s.run(s.path(), args).ok();
    let lines = r.json_lines();
    let last = lines.last().expect("a summary line");
    last["reverts"].as_str().unwrap().to_string()
}

/// Two migrations of one repository planned before either applies (two terminals at the
/// question): the first writes every URL, the second then finds them done and writes
/// nothing. `undo --last` undoes the one that wrote; the other is never "last".
#[test]
fn of_two_concurrent_runs_the_one_that_wrote_nothing_is_never_last() {
    let s = Sandbox::new();
    let repo = s.repo(
        "r",
        &[
            ("origin", "git@github.com:o/r.git"),
            ("upstream", "git@gitlab.com:u/r.git"),
        ],
    );
    let before = s.config(&repo);
    let first = planned(&s, &repo, &[]);
    let second = planned(&s, &repo, &[]);
    confirm(first);
    let migrated = s.config(&repo);
    confirm(second);
    assert_eq!(s.config(&repo), migrated);
    let runs = run_states(&s);
    assert_eq!(runs.len(), 2, "{runs:?}");
    let undo = ["undo", "--last", "--yes", "--json"];
    assert_eq!(undone_run(&s, &undo), runs[0].0, "the run that wrote");
    assert_eq!(s.config(&repo), before);
    let states: Vec<String> = run_states(&s).into_iter().map(|r| r.1).collect();
    assert_eq!(
        states,
        ["undone", "nothing written", "-"],
        "the undo run last"
    );
    let r = s.run(s.path(), &["undo", "--last", "--yes"]).ok();
    assert!(r.stderr.contains("nothing to undo"), "{}", r.stderr);
    assert_eq!(s.config(&repo), before);
    // By id it says so, and changes nothing.
    let r = s
        .run(s.path(), &["undo", "--run", &runs[1].0, "--yes"])
        .ok();
    assert!(r.stderr.contains("wrote nothing"), "{}", r.stderr);
    assert_eq!(s.config(&repo), before);
}

/// Two runs planned together that overlap: the first (`--remote origin`) writes origin, the
/// second writes upstream and finds origin done. Undoing the second leaves origin — the first
/// run's value — alone; undoing the first then restores it.
#[test]
fn undoing_one_of_two_concurrent_runs_leaves_the_values_the_other_wrote() {
    let s = Sandbox::new();
    let repo = s.repo(
        "r",
        &[
            ("origin", "git@github.com:o/r.git"),
            ("upstream", "git@gitlab.com:u/r.git"),
        ],
    );
    let before = s.config(&repo);
    let first = planned(&s, &repo, &["--remote", "origin"]);
    let second = planned(&s, &repo, &[]);
    confirm(first);
    confirm(second);
    let url = |remote: &str| {
        s.git(&repo, &["config", &format!("remote.{remote}.url")])
            .trim()
            .to_string()
    };
    assert_eq!(url("upstream"), "https://gitlab.com/u/r.git");
    let runs = run_states(&s);
    let undo = ["undo", "--last", "--yes", "--json"];
    assert_eq!(undone_run(&s, &undo), runs[1].0);
    assert_eq!(url("upstream"), "git@gitlab.com:u/r.git");
    assert_eq!(
        url("origin"),
        "https://github.com/o/r.git",
        "the first run's value"
    );
    let states: Vec<String> = run_states(&s).into_iter().map(|r| r.1).collect();
    assert_eq!(states, ["applied", "undone", "-"], "the undo run last");
    // A value changed since the first run wrote it is left, and said so.
    s.git(
        &repo,
        &["remote", "set-url", "origin", "https://example.com/x.git"],
    );
    let r = s.run(s.path(), &["undo", "--last", "--yes"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("is now"), "{}", r.stderr);
    assert_eq!(url("origin"), "https://example.com/x.git");
    s.git(
        &repo,
        &["remote", "set-url", "origin", "https://github.com/o/r.git"],
    );
    assert_eq!(undone_run(&s, &undo), runs[0].0);
    assert_eq!(s.config(&repo), before);
    let r = s.run(s.path(), &["undo", "--last", "--yes"]).ok();
    assert!(r.stderr.contains("nothing to undo"), "{}", r.stderr);
}
