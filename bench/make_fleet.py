#!/usr/bin/env python3
"""Builds a deterministic fleet of N repositories for the benchmark.

Layout is ghq-like (HOST/ORG/REPO), configs are written exactly as `git remote add` and
`git remote set-url --push` write them (the tests check that format against real git), plus:
node_modules noise with dependency checkouts, one linked worktree and one submodule, both made
by the real git.
Usage: make_fleet.py N DIR
"""
import os
import shutil
import subprocess
import sys

N = int(sys.argv[1])
root = os.path.abspath(sys.argv[2])
shutil.rmtree(root, ignore_errors=True)
os.makedirs(root)
env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@x",
           GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@x")


def git(*args, cwd=root):
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)


tpl = os.path.join(root, ".template")
git("init", "-q", "--template=", tpl)
base_config = open(os.path.join(tpl, ".git", "config")).read()


def remote(name, url, pushurl=None):
    s = f'[remote "{name}"]\n\turl = {url}\n\tfetch = +refs/heads/*:refs/remotes/{name}/*\n'
    if pushurl:
        s += f"\tpushurl = {pushurl}\n"
    return s


def make(path, remotes):
    shutil.copytree(os.path.join(tpl, ".git"), os.path.join(path, ".git"))
    with open(os.path.join(path, ".git", "config"), "w") as f:
        f.write(base_config + "".join(remotes))
    with open(os.path.join(path, "README.md"), "w") as f:
        f.write("# repo\n")


for i in range(N):
    org = f"org{i % 97}"
    kind = i % 10
    if kind < 4:
        host, rs = "github.com", [remote("origin", f"git@github.com:{org}/repo{i}.git")]
    elif kind < 6:
        host, rs = "ghe.example.com", [remote("origin", f"ssh://git@ghe.example.com:2222/{org}/repo{i}.git")]
    elif kind < 8:
        host, rs = "github.com", [remote("origin", f"https://github.com/{org}/repo{i}.git")]
    elif kind == 8:
        host, rs = "github.com", [
            remote("origin", f"git@github.com:{org}/repo{i}.git", f"ssh://git@github.com/{org}/repo{i}-push.git"),
            remote("upstream", f"git@github.com:upstream/repo{i}.git"),
        ]
    else:
        host, rs = "gitlab.com", [
            remote("origin", f"git@gitlab.com:{org}/sub/repo{i}.git"),
            remote("fork", f"ssh://git@gitlab.com:22/me/repo{i}.git"),
        ]
    path = os.path.join(root, host, org, f"repo{i}")
    make(path, rs)
    if i % 10 == 3:
        # Dependency noise: files and a dependency's own checkout, never to be touched.
        nm = os.path.join(path, "node_modules", "left-pad")
        os.makedirs(nm)
        for j in range(5):
            open(os.path.join(nm, f"f{j}.js"), "w").write("module.exports = 1\n")
        make(os.path.join(path, "node_modules", "dep"), [remote("origin", "git@github.com:npm/dep.git")])

# One linked worktree and one submodule, made by git itself.
main = os.path.join(root, "github.com", "org0", "repo0")
git("commit", "-q", "--allow-empty", "-m", "init", cwd=main)
git("worktree", "add", "-q", os.path.join(root, "github.com", "org0", "repo0-wt"), cwd=main)
lib = os.path.join(root, "github.com", "org1", "repo1")
git("commit", "-q", "--allow-empty", "-m", "init", cwd=lib)
git("-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "lib", cwd=main)
git("config", "remote.origin.url", "git@github.com:org1/repo1.git", cwd=os.path.join(main, "lib"))
shutil.rmtree(tpl)
