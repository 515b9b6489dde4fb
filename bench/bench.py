#!/usr/bin/env python3
"""Times git-https against the shell loop a user would write and a raw lower bound, on the same
fleet, and checks that all three leave byte-identical configs.

Usage: bench/bench.py [N ...]            (default: 1000 10000)
Environment: TRIALS (default 5), LOOP_TRIALS (default 3 for N<=1000, else 1), JOBS (default 2).
Writes a Markdown table on stdout; bench/run.sh puts it into bench/RESULTS.md.
"""
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
BIN = os.path.join(TOP, "target", "release", "git-https")
RAW = os.path.join(TOP, "target", "release", "examples", "raw_rewrite")
JOBS = os.environ.get("JOBS", "2")
TRIALS = int(os.environ.get("TRIALS", "5"))

env = dict(os.environ, HOME=os.path.join(WORK, "home"), GIT_CONFIG_NOSYSTEM="1",
           XDG_STATE_HOME=os.path.join(WORK, "home", "state"), NO_COLOR="1")
os.makedirs(env["HOME"], exist_ok=True)


def run(cmd):
    """Wall time and peak RSS (KiB) of one command, as GNU time reports them (a fork from
    this Python process would count Python's own memory as the child's peak)."""
    out = os.path.join(WORK, "time.out")
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out, *cmd], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        sys.exit(f"{cmd} failed:\n{p.stderr.decode()}")
    wall = time.perf_counter() - start
    return wall, int(open(out).read().split()[-1])


def fresh(pristine, name):
    dst = os.path.join(WORK, name)
    shutil.rmtree(dst, ignore_errors=True)
    subprocess.run(["cp", "-a", pristine, dst], check=True)
    subprocess.run(["sync"], check=True)
    return dst


def configs(root):
    out = {}
    for d, dirs, files in os.walk(root):
        if "config" in files and (d.endswith("/.git") or "/.git/modules/" in d):
            out[os.path.relpath(os.path.join(d, "config"), root)] = os.path.join(d, "config")
    return out


def same_configs(a, b):
    ca, cb = configs(a), configs(b)
    assert ca.keys() == cb.keys(), "different sets of configs"
    diff = [k for k in ca if not filecmp.cmp(ca[k], cb[k], shallow=False)]
    return len(ca), diff


contenders = {
    "git-https": lambda d: [BIN, "migrate", "--recursive", d, "--yes", "--jobs", JOBS],
    "raw lower bound": lambda d: [RAW, d, JOBS],
    "shell loop": lambda d: ["bash", os.path.join(HERE, "shell_loop.sh"), d],
}


def bench(n):
    pristine = os.path.join(WORK, f"fleet-{n}")
    if not os.path.isdir(pristine):
        subprocess.run([sys.executable, os.path.join(HERE, "make_fleet.py"), str(n), pristine], check=True, env=env)
    repos = int(subprocess.run([RAW, "--discover", pristine, JOBS], capture_output=True, text=True, check=True).stdout)
    loop_trials = int(os.environ.get("LOOP_TRIALS", "3" if n <= 1000 else "1"))
    walls = {name: [] for name in contenders}
    rss = {name: [] for name in contenders}
    finals = {}
    # Interleaved, each on a fresh synced copy, so that no contender inherits another's
    # writeback or a warmer cache.
    for t in range(max(TRIALS, loop_trials)):
        for name, cmd in contenders.items():
            if t >= (loop_trials if name == "shell loop" else TRIALS):
                continue
            d = fresh(pristine, f"run-{name.replace(' ', '-')}")
            w, m = run(cmd(d))
            walls[name].append(w)
            rss[name].append(m)
            finals[name] = d
            subprocess.run(["sync"], check=True)
    results = {name: (statistics.median(walls[name]), max(rss[name]), len(walls[name])) for name in contenders}
    # Discovery alone: git-https's walker against fd, where fd is installed.
    disc = [run([RAW, "--discover", pristine, JOBS])[0] for _ in range(TRIALS)]
    results["discovery (git-https walker)"] = (statistics.median(disc), None, TRIALS)
    fd = shutil.which("fdfind") or shutil.which("fd")
    if fd:
        fdw = [run([fd, "--hidden", "--no-ignore", "--threads", JOBS, "--glob", ".git", pristine])[0] for _ in range(TRIALS)]
        results["discovery (fd)"] = (statistics.median(fdw), None, TRIALS)
    count, diff = same_configs(finals["git-https"], finals["shell loop"])
    count2, diff2 = same_configs(finals["git-https"], finals["raw lower bound"])
    for name in contenders:
        shutil.rmtree(finals[name], ignore_errors=True)
    return repos, results, (count, diff, diff2)


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    for n in sizes:
        repos, r, (count, diff, diff2) = bench(n)
        ours = r["git-https"][0]
        print(f"\n### N = {n} ({repos} repositories found, noise and worktree included)\n")
        print("| what | median wall (s) | per repository (ms) | peak RSS (MiB) | trials | vs git-https |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, (wall, rss, trials) in r.items():
            rss_s = f"{rss / 1024:.1f}" if rss else "-"
            print(f"| {name} | {wall:.3f} | {wall * 1000 / repos:.3f} | {rss_s} | {trials} | {wall / ours:.2f}x |")
        print(f"\nshell loop / git-https: **{r['shell loop'][0] / ours:.1f}x**; "
              f"git-https / raw lower bound: **{ours / r['raw lower bound'][0]:.2f}x**")
        print(f"\nConfigs compared byte for byte: {count}; differing from the shell loop's "
              f"(`git remote set-url`): {len(diff)}; from the raw rewrite's: {len(diff2)}.")
        if diff or diff2:
            sys.exit(f"configs differ: {diff[:5]} {diff2[:5]}")


main()
