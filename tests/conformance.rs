//! git's own conformance suite for external credential helpers
//! (`t/t0303-credential-external.sh`, vendored from git v2.47.3 in `fixtures/git-t0303`), run
//! against `git-https credential` on each real keyring backend, with the installed git.

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::BIN;

/// The folder of the `git` first on PATH (the one the harness is to test with).
fn installed_git() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .find(|d| d.join("git").is_file())
        .expect("git on PATH")
}

/// (major, minor) of that git.
fn git_version(dir: &Path) -> (u32, u32) {
    let out = Command::new(dir.join("git"))
        .arg("--version")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let v: Vec<u32> = text
        .split_whitespace()
        .nth(2)
        .unwrap_or("")
        .split('.')
        .take(2)
        .map(|n| n.parse().unwrap_or(0))
        .collect();
    (v[0], v.get(1).copied().unwrap_or(0))
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn executable(path: &Path, text: &str) {
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

fn t0303(backend: &str) {
    let git = installed_git();
    let version = git_version(&git);
    // The suite's password_expiry_utc and oauth_refresh_token cases need a git that passes
    // them to helpers, and its harness is v2.47's.
    assert!(
        version >= (2, 47),
        "the vendored t0303 is git v2.47.3's; the git on PATH is {version:?}"
    );
    let root = tempfile::tempdir().unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(
        &manifest.join("fixtures/git-t0303/t"),
        &root.path().join("t"),
    );
    fs::create_dir_all(root.path().join("templates/blt")).unwrap();
    fs::write(
        root.path().join("GIT-BUILD-OPTIONS"),
        "SHELL_PATH='/bin/sh'\nTEST_SHELL_PATH='/bin/sh'\nPERL_PATH='/usr/bin/perl'\nDIFF='diff'\nPYTHON_PATH='/usr/bin/python3'\nTAR='tar'\nPAGER_ENV='LESS=FRX LV=-c'\nX=''\nRUNTIME_PREFIX='false'\n",
    )
    .unwrap();
    let helper = root.path().join("t/helper");
    fs::create_dir_all(&helper).unwrap();
    executable(
        &helper.join("test-tool"),
        &fs::read_to_string(manifest.join("tests/support/test-tool")).unwrap(),
    );
    // test-lib.sh drops GIT_* variables: the backend is fixed in the helper itself.
    executable(
        &helper.join("git-credential-githttps"),
        &format!("#!/bin/sh\nGIT_HTTPS_KEYRING={backend} exec '{BIN}' credential \"$@\"\n"),
    );
    let out = Command::new("sh")
        .arg("t0303-credential-external.sh")
        .current_dir(root.path().join("t"))
        .env("GIT_TEST_INSTALLED", &git)
        .env("GIT_TEST_CREDENTIAL_HELPER", "githttps")
        .env_remove("GIT_TEST_CREDENTIAL_HELPER_TIMEOUT")
        .env_remove("GIT_TEST_CREDENTIAL_HELPER_SETUP")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run t0303");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("# passed all 21 test(s)"),
        "t0303 on {backend}:\n{stdout}\n{stderr}"
    );
    assert!(!stdout.contains("not ok"), "{stdout}");
}

#[test]
#[ignore = "needs the keyring sessions scripts/test starts"]
fn git_t0303_conformance_secret_service() {
    t0303("secret-service");
}

#[test]
#[ignore = "needs the keyring sessions scripts/test starts"]
fn git_t0303_conformance_keyutils() {
    t0303("keyutils");
}
