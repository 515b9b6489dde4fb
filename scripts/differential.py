#!/usr/bin/env python3
"""Differential harness: does `git-https convert` agree with what real git does with a remote?

For every string in a corpus of remote URLs (fixtures/differential/corpus.txt, >= 10,000 lines,
generated deterministically by this script), and in the classes of issue 18
(fixtures/differential/classes.tsv, CLASS<TAB>INPUT, a few hundred of each, also generated
here: forge hosts with a final dot, user and host names around OpenSSH's checks, git://
with a port in brackets, numeric hosts, Azure names that decode to dots, `xn--` labels and `[`
in users), we learn two things:

* What git really does with it. We run `git ls-remote -- INPUT` in a sandbox where every way
  out of the machine is replaced by a logger that records its arguments and exits non-zero:
    - GIT_SSH             -> logs ssh's argv: user@host, `-p PORT`, `git-upload-pack 'PATH'`
    - GIT_PROXY_COMMAND   -> logs host and port of a git:// connection and the first pkt-line
                             (`git-upload-pack PATH\\0host=...\\0`), which holds the path
    - GIT_EXEC_PATH       -> a copy of git's exec dir (symlinks) whose git-remote-http(s),
                             git-remote-ftp(s) and git-upload-pack are the logger: the URL git
                             hands to curl, and the path of a local (or file://) repository.
  GIT_ALLOW_PROTOCOL=ssh:git:file:http:https:ftp:ftps, so any other transport (`X::addr`, an
  unknown `scheme://`) stops with "transport 'X' not allowed": a remote helper. What git says
  when no logger ran is a refusal. For ssh, `ssh -G` (no connection) is then run on the very
  argv git built, so that OpenSSH's own checks (port range, hostname characters) count too,
  and the user and host git gave ssh go through the newest OpenSSH's checks (ssh_name_check)
  in case the installed ssh is older.
  HOME is an empty directory, GIT_CONFIG_NOSYSTEM=1, and the environment is otherwise cleared.

* What git-https says: `git-https convert --json -- INPUT...` (one JSON object per input,
  with `https` or `error`), under the same empty HOME, so no host rules or ssh aliases apply.

Then every input falls in one bucket:

  agree              git-https converted it, and the HTTPS URL names the host git contacts,
                     no port (an ssh or git:// port means nothing over HTTPS), and the path git
                     requests (see `judge` for the exact rules)
  disagree           git-https converted it, and the URL differs from what git does, or git
                     would never have contacted a server with it (refusal, local, helper),
                     or readers of the URL part ways on it (the URL Standard reads its host
                     as an IPv4 address inet_aton does not, or resolves a `%2e%2e` segment)
  refused-connects   git contacts a server (ssh, git://, curl) but git-https refuses: allowed,
                     but counted and listed by reason
  both-refuse        git refuses, treats it as local or as a remote helper (or ssh rejects
                     git's arguments, or git has no host name), and git-https refuses too
  unknown            git timed out or did something this harness does not recognise

Usage:
  python3 scripts/differential.py --bin /tmp/git-https-base            # full run
  python3 scripts/differential.py --bin BIN --sample 500 --out FILE.md   # fixed sample
  python3 scripts/differential.py --write-corpus                         # regenerate the corpus
  ... --dump rows.jsonl                      # every input's record, for digging
  ... --only-classes                         # only classes.tsv (quicker)

A full run writes bench/DIFFERENTIAL.md and fixtures/differential/disagreements.tsv; a --sample
run writes only what --out / --tsv name (so it never overwrites the full report).
--fail-on-disagree makes the exit status 1 when any input lands in `disagree` (for tests).
Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import hashlib
import ipaddress
import json
import multiprocessing
import os
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "urls.tsv"
CORPUS = ROOT / "fixtures" / "differential" / "corpus.txt"
DISAGREEMENTS = ROOT / "fixtures" / "differential" / "disagreements.tsv"
REPORT = ROOT / "bench" / "DIFFERENTIAL.md"

GIT = "/usr/local/bin/git" if os.path.exists("/usr/local/bin/git") else "git"
CORPUS_SEED = 20261127
SAMPLE_SEED = 7
CORPUS_TARGET = 12_000
WORKERS = 2
BATCH = 400  # inputs per git-https process: one process start per batch, argv stays small

# ---------------------------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------------------------

# Parts the generator combines. Percent escapes stand in for the control characters a config
# file could hold (%09 %0A %0D %00): the corpus file is one input a line, so no literal ones.
# Repeats weight the draw towards the forms git-https converts.
SCHEMES = ["ssh"] * 6 + ["git"] * 3 + ["git+ssh", "ssh+git"] * 2 + ["https"] * 2 + [
    "http", "ftp", "ftps", "file", "rsync", "9p", "SSH", "Git", "svn+ssh", "s3",
    "persistent-https", "h"]
HELPER_PREFIXES = ["X::", "hg::", "https::", "ssh::", "git::", "file::", "3com::", "a.b+c-d::"]
TOKEN = "ghp_" + "A1b2C3d4E5" * 3 + "f6g7h8"
USERS = [None, None, None, "git", "git", "u:pw", "%40", "u%40x", "git%3Apw", TOKEN,
         "x-access-token:" + TOKEN, "-oProxyCommand=x", "user.name", "", "u@v", "U", "ü",
         "a b", "git:", ":pw"]
HOSTS = ["github.com", "github.com", "host.xz", "host.xz", "GitHub.COM", "HOST.XZ", "work",
         "gh", "localhost", "127.0.0.1", "127.1", "1234", "0x7f.1", "0177.0.0.1",
         "192.168.0.10", "[::1]", "[2001:db8::1]", "[2001:DB8::1]", "[fe80::1%25eth0]",
         "[fe80::1%eth0]", "[::ffff:127.0.0.1]", "h%2fx", "h%2Ex", "%68ost", "-oProxyCommand=x",
         "ssh.github.com", "altssh.gitlab.com", "altssh.bitbucket.org", "ssh.dev.azure.com",
         "vs-ssh.visualstudio.com", "bücher.de", "xn--bcher-kva.de", "a_b.example", "host.",
         "h;x", "", "[host]", "h~x", "1.2.3.4.5", "999.1.1.1", "h%20x", "EXAMPLE.org"]
PORTS = [None, None, None, None, "", "22", "2222", "0", "65536", "abc", "9418", "443", "022",
         "+22", "-1", "99999999999", "80", "8080"]
PATHS = ["o/r.git", "o/r.git", "o/r", "owner/repo.git", "~user/r", "~/r", "~", "a~b/r",
         "/abs/r.git", "o/r.git/", "o/r//", "o//r", "//o/r", "o/./r", "o/../r", "../r",
         "o/%2e%2e/r", "o/%2E/r", "o/%+2e/r", "o/%09x", "o/%0Ax", "o/%0Dx", "o/%00x", "o/%FFx",
         "o/%20x", "o/%2Fx", "o/%25x", "o/%zz", "o/100%", "my repo.git", "o/ü.git",
         "o/日本.git", "o/r?q", "o/r#f", "o/r?u=https://x", "o/r.git?ref=1#L2", "-repo", "",
         "/", ".", "..", "v3/org/proj/repo", "v3/org/My%20Project/repo", "o:r", "o@r",
         "o/r;x", "o/r'x", 'o/r"x', "o/r\\x", "o/r!x", "o/r$x", "o/r`x`", "o/r&x", "a b/c d",
         "%7Euser/r", "o/%7E/r", "o/r.git/.", "O/R.GIT", "o/r%2Egit", "o/r%"]
# Characters a mutation inserts: the ones parsers disagree about.
SPECIALS = list(":/@[]%~?#\\ ;'!.-+") + ["%2f", "%3a", "%40", "%5b", "%5d", "%25", "::", "//"]


def has_control(s: str) -> bool:
    """A literal control character cannot be one line of the corpus (or one config value)."""
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in s)


def fixture_inputs() -> list[str]:
    """The input column of fixtures/urls.tsv (the table the unit tests check)."""
    rows = []
    for line in FIXTURES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(line.split("\t", 1)[0])
    return rows


def url_form(rng: random.Random) -> str:
    """`scheme://[user@]host[:port]/path` from random parts."""
    scheme, user, host = rng.choice(SCHEMES), rng.choice(USERS), rng.choice(HOSTS)
    port, path = rng.choice(PORTS), rng.choice(PATHS)
    auth = (f"{user}@" if user is not None else "") + host
    if port is not None:
        auth += f":{port}"
    sep = "" if path.startswith("/") and rng.random() < 0.5 else "/"
    return f"{scheme}://{auth}{sep}{path}"


def scp_form(rng: random.Random) -> str:
    """The scp-like shapes git recognises, and near misses."""
    user, host, path = rng.choice(USERS), rng.choice(HOSTS), rng.choice(PATHS)
    port = rng.choice(["22", "2222", "0", "abc", ""])
    u = f"{user}@" if user is not None else ""
    bare = host.strip("[]")
    shapes = [
        f"{u}{host}:{path}",
        f"{u}{host}:{path}",
        f"{u}{host}:{path}",
        f"[{u}{bare}:{port}]:{path}",
        f"[{bare}]:{path}",
        f"{u}[{bare}]:{path}",
        f"{host}://{path}",
        f"git@{host}://{path}",
        f"{u}{host}:{path}?u=https://x",
        f"{u}{host}::{path}",
        f"{u}{host}:/{path}",
    ]
    return rng.choice(shapes)


def other_form(rng: random.Random) -> str:
    """Helpers, local paths, file:// URLs."""
    path = rng.choice(PATHS)
    shapes = [
        rng.choice(HELPER_PREFIXES) + rng.choice([url_form(rng), scp_form(rng), path]),
        "/" + path.lstrip("/"),
        "./" + path,
        "../" + path,
        "./foo:" + path,
        "C:/" + path,
        "c:\\" + path.replace("/", "\\"),
        "file://" + rng.choice(["", "localhost", "host.xz"]) + "/" + path,
        "3com::x",
        path,
    ]
    return rng.choice(shapes)


def mutate(rng: random.Random, s: str) -> str:
    """One random edit: insert, delete, upper-case a span, or double a character."""
    if not s:
        return rng.choice(SPECIALS)
    i = rng.randrange(len(s) + 1)
    op = rng.randrange(4)
    if op == 0:
        return s[:i] + rng.choice(SPECIALS) + s[i:]
    if op == 1 and i < len(s):
        return s[:i] + s[i + 1:]
    if op == 2:
        j = min(len(s), i + rng.randrange(1, 6))
        return s[:i] + s[i:j].upper() + s[j:]
    return s[:i] + s[i - 1:i] * 2 + s[i:] if i else s + s[-1]


def generate_corpus(seed: int = CORPUS_SEED, target: int = CORPUS_TARGET) -> list[str]:
    """Fixtures first, then a systematic cross product of common parts, then random forms and
    mutations until `target` distinct inputs. Deterministic for a given seed."""
    rng = random.Random(seed)
    seen: dict[str, None] = {}

    def add(s: str) -> None:
        if s and not has_control(s) and "\n" not in s:
            seen.setdefault(s, None)

    for s in fixture_inputs():
        add(s)
    # Every scheme with every host on a plain path, and every path on the common forms, so the
    # main shapes are all covered whatever the random draw does.
    for scheme in dict.fromkeys(SCHEMES):
        for host in dict.fromkeys(HOSTS):
            add(f"{scheme}://{host}/o/r.git")
    for path in PATHS:
        for form in ("git@github.com:{}", "ssh://git@github.com/{}", "git://host.xz/{}",
                     "host.xz:{}", "ssh://host.xz:2222/{}", "https://github.com/{}"):
            add(form.format(path))
    for host in HOSTS:
        for form in ("{}:o/r.git", "git@{}:o/r.git", "ssh://git@{}:22/o/r.git"):
            add(form.format(host))
    makers = [url_form] * 4 + [scp_form] * 4 + [other_form]
    while len(seen) < target:
        s = rng.choice(makers)(rng)
        if rng.random() < 0.3:
            s = mutate(rng, s)
        add(s)
    return list(seen)


def load_corpus(regenerate: bool) -> list[str]:
    """The corpus file as written (so a sample is stable); generated when missing or asked."""
    if regenerate or not CORPUS.exists():
        corpus = generate_corpus()
        CORPUS.parent.mkdir(parents=True, exist_ok=True)
        CORPUS.write_text("".join(s + "\n" for s in corpus), encoding="utf-8")
        return corpus
    return CORPUS.read_text(encoding="utf-8").split("\n")[:-1]


# Classes of inputs an independent corpus found git-https reading differently from git and
# OpenSSH (issue 18). Each generator gives a few hundred strings, deterministically, so that a
# run shows each class's figures on its own (fixtures/differential/classes.tsv: CLASS<TAB>INPUT).
CLASSES = ROOT / "fixtures" / "differential" / "classes.tsv"
CLASS_SEED = 20261206
CLASS_PATHS = ["o/r.git", "o/r", "/o/r.git", "v3/org/proj/repo", "v3/org/My%20Project/repo"]


def scp_and_url(user: str | None, host: str, path: str, port: str | None = None) -> list[str]:
    """The same user, host and path as scp-like, ssh://, git+ssh:// and git:// remotes."""
    u = f"{user}@" if user is not None else ""
    p = f":{port}" if port is not None else ""
    rel = path.lstrip("/")
    return [f"{u}{host}:{path}", f"ssh://{u}{host}{p}/{rel}", f"git+ssh://{u}{host}{p}/{rel}",
            f"git://{host}{p}/{rel}"]


def class_trailing_dot() -> list[str]:
    """Forge SSH hosts as fully qualified names (`ssh.github.com.`): the same hosts."""
    out = []
    hosts = ["ssh.github.com", "altssh.gitlab.com", "altssh.bitbucket.org", "ssh.dev.azure.com",
             "vs-ssh.visualstudio.com", "github.com", "gitlab.com"]
    paths = ["o/r.git", "v3/org/proj/repo", "v3/org/My%20Project/r", "/o/r.git", "org/repo"]
    for h in hosts:
        for spelled in (h + ".", h.upper() + ".", h + "..", "." + h, h):
            for path in paths:
                for user in (None, "git"):
                    out += scp_and_url(user, spelled, path)
                out.append(f"ssh://git@{spelled}:443/{path.lstrip('/')}")
                out.append(f"ssh://git@[{spelled}]:22/{path.lstrip('/')}")
                out.append(f"[git@{spelled}:443]:{path}")
    return out


def class_ssh_names(rng: random.Random) -> list[str]:
    """User and host names around OpenSSH's checks (ssh_valid_ruser, ssh_valid_hostname):
    every C `isspace` byte before `-` (raw and as an escape), control bytes, shell characters,
    a trailing backslash, a leading dash."""
    blanks = [" ", "\t", "\x0b", "\x0c", "\r", "%20", "%09", "%0B", "%0b", "%0C", "%0D", "%0A"]
    others = ["\x01", "\x1f", "\x7f", "%01", "%1F", "%7F", "%7f", ",", "$", "'", "`", "\\",
              "%5C", "(", "{", "<", "|", "&", ";", "*", "?", "~", "!", "#", "%", "=", "+"]
    users = []
    for b in blanks:
        users += [f"a{b}-b", f"a{b}-", f"{b}-x", f"a{b}b", f"git{b}", f"{b}git", f"a{b}{b}-b"]
    for c in others:
        users += [f"a{c}b", f"{c}git", f"git{c}", f"a{c}-b"]
    users += ["-git", "%2Dgit", "a\\", "a%5C", "a\\b", "git\\\\", "%2d"]
    hosts = ["github.com", "host.xz"]
    out = []
    for user in users:
        for host in hosts:
            out += scp_and_url(user, host, "o/r.git")[:3]
    for c in blanks + others + ["-", "%2D"]:
        out += [f"ssh://h{c}x.xz/o/r", f"git@h{c}x.xz:o/r", f"ssh://{c}h.xz/o/r",
                f"git://h{c}x.xz/o/r"]
    rng.shuffle(out)
    return out


def class_git_bracket_port() -> list[str]:
    """`git://[host:port]/…`: git splits a port out of brackets only for ssh."""
    out = []
    hosts = ["host.xz", "github.com", "127.0.0.1", "localhost", "u@host.xz", "::1", "h", ""]
    ports = ["9418", "22", "1", "0", "65535", "65536", "", "abc", "+1", "-1"]
    for scheme in ("git", "ssh", "git+ssh"):
        for h in hosts:
            for p in ports:
                out.append(f"{scheme}://[{h}:{p}]/o/r.git")
                out.append(f"{scheme}://[{h}]:{p}/o/r")
                out.append(f"{scheme}://[{h}:{p}]:{p}/o/r")
    return out


def class_numeric_hosts() -> list[str]:
    """Hosts that end in a number (or `0x`) but that glibc's inet_aton may refuse."""
    hosts = ["0x", "0X", "1.0x", "0x.0x", "0x.1", "1.0x.1", "0x0", "0x00", "0xg", "0x7f.1",
             "0x7F.0x1", "1.2.3.4.", "127.0.0.1.", "127.1.", "08", "09.1", "0.08", "1.2.3.256",
             "1.2.65536", "1.16777216", "4294967295", "4294967296", "0xffffffff",
             "0x100000000", "00000000001", "0x0000000001", "1.2.3.4.5", "a.0x", "a.1",
             "a.0x1", "a.1a", "1a", "0xx", "x0", "0x.a", "1..2", "1.2.3.4"]
    out = []
    for h in hosts:
        for user in (None, "git"):
            for path in ("o/r.git", "/o/r"):
                out += scp_and_url(user, h, path)
        out.append(f"ssh://git@{h}:2222/o/r")
    return out


def class_azure_dots() -> list[str]:
    """Azure DevOps `v3/ORG/PROJECT/REPO` with segments that decode to `.` or `..`."""
    dots = ["%2e%2e", "%2E%2E", "%2e.", ".%2e", "%2e", "%2E", "..", ".", "%2e%2e%2e", "a%2e",
            "%2ea", "%252e%252e", "%2e%2E", "%2f", "%2e%2e%2f"]
    out = []
    for host in ("ssh.dev.azure.com", "vs-ssh.visualstudio.com"):
        for d in dots:
            for path in (f"v3/{d}/proj/repo", f"v3/org/{d}/repo", f"v3/org/proj/{d}",
                         f"v3/org/{d}/{d}"):
                out += [f"git@{host}:{path}", f"ssh://git@{host}/{path}", f"{host}:{path}",
                        f"ssh://git@{host}:22/{path}"]
    return out


def class_documented_refusals() -> list[str]:
    """`xn--` labels that are no punycode, and `[` in the user part of an ssh remote."""
    out = []
    for label in ("xn--", "xn--a", "xn--zz", "xn--bcher-kva", "xn--ls8h", "xn--0", "xn---",
                  "xn--a-", "XN--ZZ", "xn--55qx5d", "xn--abc-", "xn--bcher-kv"):
        for h in (f"{label}.example", f"git.{label}.example", f"{label}.{label}"):
            out += scp_and_url("git", h, "o/r.git") + scp_and_url(None, h, "/o/r")
    for s in ("a[b@host.xz:o/r", "[a@host.xz:o/r", "[git@github.com:o/r", "u[@host.xz:o/r",
              "x@[y@host.xz:o/r", "[@host.xz:o/r", "a]b@host.xz:o/r", "[a]@host.xz:o/r",
              "u@[host.xz:o/r", "[u@host.xz]:o/r", "[u@host.xz:22]:o/r", "[host.xz:o/r",
              "git@[github.com:o/r", "a[@[b@host.xz:o/r", "[[u@host.xz:o/r"):
        out += [s, s.replace("host.xz", "github.com"), "ssh://" + s.replace(":o/r", "/o/r")]
    return out


def generate_classes(seed: int = CLASS_SEED) -> list[tuple[str, str]]:
    """(class, input) pairs, each input once, in a stable order."""
    rng = random.Random(seed)
    groups = [("forge-trailing-dot", class_trailing_dot()),
              ("ssh-user-host-checks", class_ssh_names(rng)),
              ("git-bracket-port", class_git_bracket_port()),
              ("numeric-hosts", class_numeric_hosts()),
              ("azure-dot-segments", class_azure_dots()),
              ("xn-and-bracket-user", class_documented_refusals())]
    seen: dict[str, str] = {}
    for name, inputs in groups:
        for s in inputs:
            if s and "\n" not in s and "\0" not in s:
                seen.setdefault(s, name)
    return [(c, s) for s, c in seen.items()]


def load_classes(regenerate: bool) -> list[tuple[str, str]]:
    """The class file as written; generated when missing or asked. An input may hold a tab or
    a control byte (never a newline): the class is everything before the first tab."""
    if regenerate or not CLASSES.exists():
        pairs = generate_classes()
        CLASSES.write_bytes("".join(f"{c}\t{s}\n" for c, s in pairs).encode("utf-8"))
        return pairs
    lines = CLASSES.read_bytes().decode("utf-8").split("\n")[:-1]  # a `\r` stays in its line
    return [tuple(ln.split("\t", 1)) for ln in lines]  # type: ignore[misc]


def fixed_sample(corpus: list[str], n: int) -> list[str]:
    """The same `n` inputs every time (for a test), in corpus order."""
    if n >= len(corpus):
        return corpus
    picked = sorted(random.Random(SAMPLE_SEED).sample(range(len(corpus)), n))
    return [corpus[i] for i in picked]


# ---------------------------------------------------------------------------------------------
# What git does: the sandbox and one probe per input
# ---------------------------------------------------------------------------------------------

# One logger for every role; the name it is called by says which. It writes its argv
# NUL-separated to $DIFF_LOG.<role>, and as the proxy also the first pkt-line from stdin (the
# 4 hex digits are the length including themselves). Exit 42: git sees a broken connection.
LOGGER_SH = r"""#!/bin/sh
role=${0##*/}
{ for a in "$@"; do printf '%s\0' "$a"; done; } > "$DIFF_LOG.$role"
if [ "$role" = git-proxy ]; then
  len=$(head -c 4)
  case $len in [0-9a-f][0-9a-f][0-9a-f][0-9a-f]) head -c $((0x$len - 4)) > "$DIFF_LOG.pkt";; esac
fi
exit 42
"""
# Replaced in the exec dir by the logger: every program through which git would reach a
# server (curl helpers) or a local repository (upload-pack).
LOGGED_EXEC = ["git-upload-pack", "git-remote-http", "git-remote-https", "git-remote-ftp",
               "git-remote-ftps", "git-remote-ext", "git-remote-fd"]
CURL_HELPERS = {"git-remote-http", "git-remote-https", "git-remote-ftp", "git-remote-ftps"}
ALLOWED = "ssh:git:file:http:https:ftp:ftps"


def make_sandbox(base: Path) -> dict:
    """Logger scripts, a logging exec dir and an empty HOME under `base`."""
    logger = base / "logger.sh"
    logger.write_text(LOGGER_SH)
    logger.chmod(0o755)
    bindir = base / "bin"
    bindir.mkdir()
    for role in ("git-ssh", "git-proxy"):
        (bindir / role).symlink_to(logger)
    exec_dir = base / "exec"
    exec_dir.mkdir()
    real = subprocess.run([GIT, "--exec-path"], capture_output=True, text=True,
                          check=True).stdout.strip()
    for entry in os.listdir(real):
        (exec_dir / entry).symlink_to(logger if entry in LOGGED_EXEC else Path(real, entry))
    for name in LOGGED_EXEC:  # also when this git has no such program
        if not (exec_dir / name).exists():
            (exec_dir / name).symlink_to(logger)
    home = base / "home"
    home.mkdir()
    return {"base": str(base), "bin": str(bindir), "exec": str(exec_dir), "home": str(home)}


def git_env(box: dict, log_prefix: str) -> dict:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": box["home"],
        "LANG": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_EXEC_PATH": box["exec"],
        "GIT_SSH": os.path.join(box["bin"], "git-ssh"),
        "GIT_SSH_VARIANT": "ssh",  # so that git passes the port as `-p`
        "GIT_PROXY_COMMAND": os.path.join(box["bin"], "git-proxy"),
        "GIT_ALLOW_PROTOCOL": ALLOWED,
        "DIFF_LOG": log_prefix,
    }


def run_killable(argv: list[str], env: dict, cwd: str, timeout: float) -> tuple[int | None, bytes]:
    """Runs argv in its own process group; on timeout the whole group (git, its loggers) dies.
    Returns (exit code or None on timeout, stderr)."""
    p = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         start_new_session=True)
    try:
        _, err = p.communicate(timeout=timeout)
        return p.returncode, err
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        _, err = p.communicate()
        return None, err


def dec(b: bytes) -> str:
    """Bytes git handed over, as str; bytes that are not UTF-8 survive as surrogates."""
    return b.decode("utf-8", "surrogateescape")


def read_log(prefix: str, role: str) -> bytes | None:
    try:
        with open(f"{prefix}.{role}", "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def nul_fields(b: bytes) -> list[str]:
    return [dec(x) for x in b.split(b"\0")[:-1]]


def parse_ssh_argv(args: list[str]) -> dict:
    """git's ssh argv: [-o OPT]... [-p PORT] [user@]host 'git-upload-pack '\''PATH'\'''."""
    port, rest, i = None, [], 0
    while i < len(args):
        a = args[i]
        if a in ("-o", "-p") and i + 1 < len(args):
            if a == "-p":
                port = args[i + 1]
            i += 2
            continue
        if a in ("-4", "-6"):
            i += 1
            continue
        rest.append(a)
        i += 1
    target, command = (rest + ["", ""])[:2]
    # ssh splits user@host at the last '@' (OpenSSH ssh.c: strrchr).
    user, _, host = target.rpartition("@")
    try:
        words = shlex.split(command)  # git quotes the path with sq_quote (POSIX shell rules)
    except ValueError:
        words = command.split(" ", 1)
    path = words[1] if len(words) > 1 else ""
    return {"kind": "ssh", "user": user if "@" in target else None, "host": host,
            "port": port, "path": path, "argv": args}


def ssh_check(args: list[str], env: dict, cwd: str, timeout: float) -> dict:
    """OpenSSH's reading of git's argv, without connecting (`ssh -G`, no config file):
    `ssh_hostname`, the host ssh would resolve (lower-cased, numeric IPv4 forms such as
    127.1 spelled out), or `ssh_error`, the first line of its complaint (bad port, invalid
    hostname characters, an empty user)."""
    if not shutil.which("ssh"):
        return {}
    argv = ["ssh", "-G", "-F", "/dev/null"] + args
    try:
        p = subprocess.run(argv, env={"PATH": env["PATH"], "HOME": env["HOME"]}, cwd=cwd,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"ssh_error": "ssh -G timed out"}
    if p.returncode == 0:
        for line in dec(p.stdout).splitlines():
            if line.startswith("hostname "):
                return {"ssh_hostname": line[len("hostname "):]}
        return {}
    lines = [ln for ln in dec(p.stderr).splitlines()
             if ln.strip() and not ln.startswith("Pseudo-terminal")]
    return {"ssh_error": lines[0] if lines else f"ssh -G exit {p.returncode}"}


# OpenSSH's own checks of the user and host names given on its command line, as the newest
# release has them (openssh-portable readconf.c, ssh_valid_ruser and ssh_valid_hostname: ','
# in host names is refused since 10.0, control bytes in user names since 10.1). The installed
# ssh may be older: `ssh -G` is asked first, then these catch what a newer ssh refuses.
C_SPACE = b" \t\n\v\f\r"  # C's isspace in the C locale (Rust's is_ascii_whitespace lacks \v)


def c_cntrl(b: int) -> bool:
    return b < 0x20 or b == 0x7F


def ssh_valid_ruser(user: str) -> bool:
    u = user.encode("utf-8", "surrogateescape")
    if u.startswith(b"-"):
        return False
    for i, b in enumerate(u):
        nxt = u[i + 1:i + 2]
        if c_cntrl(b) or bytes([b]) in b"'`\";&<>|(){}" \
                or (b in C_SPACE and nxt == b"-") or (b == 0x5C and not nxt):
            return False
    return True


def ssh_valid_hostname(host: str) -> bool:
    h = host.encode("utf-8", "surrogateescape")
    return not h.startswith(b"-") and not any(
        bytes([b]) in b"'`\"$\\;&<>|(){}," or b in C_SPACE or c_cntrl(b) for b in h)


def ssh_name_check(g: dict) -> dict:
    """What the newest OpenSSH says of git's user and host, when the installed one agreed."""
    if g.get("user") is not None and not ssh_valid_ruser(g["user"]):
        return {"ssh_error": "remote username contains invalid characters "
                             "(newest OpenSSH's ssh_valid_ruser)"}
    if not ssh_valid_hostname(g["host"]):
        return {"ssh_error": "hostname contains invalid characters "
                             "(newest OpenSSH's ssh_valid_hostname)"}
    return {}


def first_fatal(err: bytes) -> str:
    """The line that says why git stopped: the first `fatal:`/`error:` line, else the first."""
    lines = [ln for ln in dec(err).splitlines() if ln.strip()]
    for ln in lines:
        if ln.startswith(("fatal:", "error:", "git:")):
            return ln
    return lines[0] if lines else ""


HELPER_RE = re.compile(r"transport '(.*)' not allowed|git: 'remote-(.*)' is not a git command")


def classify_stop(err: bytes) -> dict:
    """No logger ran: git stopped on its own. A helper it may not or cannot run, or a refusal."""
    text = dec(err)
    m = HELPER_RE.search(text)
    if m:
        return {"kind": "helper", "helper": m.group(1) or m.group(2), "error": first_fatal(err)}
    return {"kind": "refused", "error": first_fatal(err)}


def probe_git(inp: str, box: dict, workdir: str, timeout: float) -> dict:
    """Runs `git ls-remote -- INP` in the sandbox and says what git did."""
    prefix = os.path.join(workdir, "log")
    for f in os.listdir(workdir):
        if f.startswith("log."):
            os.unlink(os.path.join(workdir, f))
    cwd = os.path.join(workdir, "cwd")  # empty: relative local paths name nothing
    env = git_env(box, prefix)
    rc, err = run_killable([GIT, "ls-remote", "--", inp], env, cwd, timeout)
    if rc is None:
        return {"kind": "timeout", "error": f"no answer in {timeout:g}s"}
    if rc == 0:  # only a real repository answers; none exists in the sandbox
        return {"kind": "unknown", "error": "git ls-remote succeeded"}

    ssh = read_log(prefix, "git-ssh")
    if ssh is not None:
        g = parse_ssh_argv(nul_fields(ssh))
        g.update(ssh_check(g["argv"], env, cwd, timeout))
        if not g.get("ssh_error"):
            g.update(ssh_name_check(g))
        return g
    proxy = read_log(prefix, "git-proxy")
    if proxy is not None:
        host, port = (nul_fields(proxy) + ["", ""])[:2]
        pkt = read_log(prefix, "pkt") or b""
        request = pkt.split(b"\0", 1)[0]  # "git-upload-pack PATH"
        path = dec(request.split(b" ", 1)[1]) if b" " in request else ""
        return {"kind": "git", "host": host, "port": port, "path": path}
    for helper in CURL_HELPERS:
        logged = read_log(prefix, helper)
        if logged is not None:
            args = nul_fields(logged)  # remote name, URL
            return {"kind": "curl", "helper": helper.removeprefix("git-remote-"),
                    "url": args[1] if len(args) > 1 else ""}
    local = read_log(prefix, "git-upload-pack")
    if local is not None:
        args = nul_fields(local)
        return {"kind": "local", "path": args[-1] if args else ""}
    return classify_stop(err)


# Worker state, set once per process by the pool initializer.
_BOX: dict = {}
_WORKDIR = ""
_TIMEOUT = 10.0


def _init_worker(box: dict, timeout: float) -> None:
    global _BOX, _WORKDIR, _TIMEOUT
    _BOX, _TIMEOUT = box, timeout
    _WORKDIR = os.path.join(box["base"], f"w{os.getpid()}")
    os.makedirs(os.path.join(_WORKDIR, "cwd"), exist_ok=True)


def _probe(inp: str) -> dict:
    return probe_git(inp, _BOX, _WORKDIR, _TIMEOUT)


def probe_all(inputs: list[str], box: dict, timeout: float, workers: int) -> list[dict]:
    results = []
    with multiprocessing.Pool(workers, _init_worker, (box, timeout)) as pool:
        for i, r in enumerate(pool.imap(_probe, inputs, chunksize=16), 1):
            results.append(r)
            if i % 1000 == 0:
                print(f"  git: {i}/{len(inputs)}", file=sys.stderr)
    return results


# ---------------------------------------------------------------------------------------------
# What git-https says
# ---------------------------------------------------------------------------------------------

def convert_batch(bin_path: str, inputs: list[str], home: str) -> list[dict]:
    """`git-https convert --json -- INPUT...`: one JSON object per input, in order. A batch
    whose output does not line up (a crash, a usage error) is retried one input at a time."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "NO_COLOR": "1", "LANG": "C"}
    p = subprocess.run([bin_path, "convert", "--json", "--", *inputs], env=env, cwd=home,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    recs = []
    for line in dec(p.stdout).split("\n"):  # not splitlines: it splits at \x0b, \x1c…
        try:
            recs.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    if len(recs) == len(inputs):
        return recs
    if len(inputs) == 1:
        return [{"https": None, "error": f"exit {p.returncode}: {first_fatal(p.stderr)}",
                 "crash": True}]
    return [r for inp in inputs for r in convert_batch(bin_path, [inp], home)]


def convert_all(bin_path: str, inputs: list[str], home: str) -> list[dict]:
    out = []
    for i in range(0, len(inputs), BATCH):
        out.extend(convert_batch(bin_path, inputs[i:i + BATCH], home))
    return out


# ---------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------

V4_LIKE = re.compile(r"^[0-9a-fA-FxX.]+$")


def canon_host(h: str) -> str:
    """A host as a resolver would see it: brackets off, case folded, IP addresses in one
    spelling (inet_aton forms like 127.1, 1234, 0x7f.1 are what getaddrinfo and the WHATWG
    URL parser both accept), non-ASCII names as IDNA."""
    h = h.strip()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    try:
        return str(ipaddress.ip_address(h))
    except ValueError:
        pass
    if V4_LIKE.match(h) and any(c.isdigit() for c in h):
        try:
            return socket.inet_ntoa(socket.inet_aton(h))
        except OSError:
            pass
    h = h.lower()
    if not h.isascii():
        try:
            h = h.encode("idna").decode("ascii")
        except UnicodeError:
            pass
    return h


def segments(path: str) -> list[str]:
    """Segments of a path as git sends it (bytes in a str). Empty and `.` segments are
    dropped: `a//b/.` and `a/b` are the same directory to upload-pack on the server, and
    git-https trims slashes by design. `..` stays: `a/../b` is not `b` unless `a` exists."""
    return [s for s in path.split("/") if s not in ("", ".")]


def remove_dot_segments(path: str) -> str:
    """RFC 3986 dot-segment removal, which curl applies to every URL path before sending it
    (git leaves CURLOPT_PATH_AS_IS off). On the raw path: `%2e` is not a dot here."""
    out: list[str] = []
    parts = path.split("/")
    for i, seg in enumerate(parts):
        if seg == "..":
            if len(out) > 1:
                out.pop()
        elif seg != ".":
            out.append(seg)
        if seg in (".", "..") and i == len(parts) - 1:
            out.append("")  # `a/b/..` is the directory `a/`
    return "/".join(out)


def url_segments(raw_path: str) -> list[str]:
    """Segments an HTTP server receives for a URL path: dot segments removed as curl does,
    split on literal '/' only, then each segment percent-decoded. `%2F` so stays inside its
    segment: servers refuse it or keep it, none reads it as a separator."""
    path = remove_dot_segments(raw_path)
    segs = [dec(urllib.parse.unquote_to_bytes(s)) for s in path.split("/")]
    return [s for s in segs if s not in ("", ".")]  # as `segments`: the server's view


def resolve_dots(segs: list[str]) -> list[str]:
    out: list[str] = []
    for s in segs:
        if s == "..":
            if out:
                out.pop()
        elif s != ".":
            out.append(s)
    return out


def fetched_host(u: urllib.parse.SplitResult) -> str:
    """The host git (curl) resolves for an HTTPS URL: curl percent-decodes host names."""
    return canon_host(urllib.parse.unquote(u.hostname or ""))


def split_url(url: str) -> urllib.parse.SplitResult | None:
    try:
        return urllib.parse.urlsplit(url)
    except ValueError:
        return None


def url_port(u: urllib.parse.SplitResult, default: str) -> str | None:
    """The explicit port of a URL as text, None for none or the scheme's default."""
    try:
        port = None if u.port is None else str(u.port)
    except ValueError:  # out of range or not a number: keep what is written
        m = re.search(r":([^:\]@]*)$", u.netloc)
        port = m.group(1) if m else "?"
    return None if port in (None, "", default) else port


# The forges' SSH hosts that git-https maps by design (README, "What is converted").
FORGE_HOSTS = {"ssh.github.com": "github.com", "altssh.gitlab.com": "gitlab.com",
               "altssh.bitbucket.org": "bitbucket.org"}


def forge_target(host: str, path: str) -> tuple[str, str]:
    """The documented forge rewrites applied to (host, path) as git would request them."""
    # A fully qualified name (`ssh.github.com.`) is the same host as without its final dot.
    h = host.lower()
    h = h[:-1] if h.endswith(".") and not h.endswith("..") else h
    if h in FORGE_HOSTS:
        return FORGE_HOSTS[h], path
    segs = segments(path)
    if h in ("ssh.dev.azure.com", "vs-ssh.visualstudio.com") and len(segs) == 4 \
            and segs[0] == "v3":
        # Azure's SSH endpoint takes URL-encoded names: its clone box shows `My%20Project`.
        org, project, repo = (dec(urllib.parse.unquote_to_bytes(x)) for x in segs[1:])
        if h == "ssh.dev.azure.com":
            return "dev.azure.com", f"/{org}/{project}/_git/{repo}"
        return f"{org}.visualstudio.com", f"/{project}/_git/{repo}"
    return host, path


def host_oddity(host: str) -> str:
    """Why git's host may differ in form: git keeps a user (git://) or an unparsable port
    (ssh) inside the host name it resolves, a name no resolver finds."""
    if "@" in host:
        return ":user-in-git-host"
    if ":" in host:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return ":port-in-git-host"
    return ""


def compare_paths(want: list[str], got: list[str], prefix: str = "") -> str | None:
    """None when the HTTPS path has the segments git requests, else a category."""
    if want == got:
        return None
    if resolve_dots(want) == resolve_dots(got):
        # git sends `o/../r` to the server as is; git-https (WHATWG URLs) resolved it.
        return prefix + "path-dot-segments"
    if want and got and want[:-1] == got[:-1] and want[-1].startswith(got[-1]) \
            and want[-1][len(got[-1]):][:1] in ("?", "#"):
        return prefix + "path-cut-at-query-or-fragment"
    return prefix + "path-mismatch"


def judge_server(g: dict, https: str) -> str | None:
    """ssh or git:// as git does it, against the HTTPS URL. None when they agree.

    git's path is used as sent: relative (`host:o/r` sends `o/r`) means from the root of the
    HTTPS host; `~` first means the user's home directory, which HTTPS cannot name."""
    if g["kind"] == "ssh" and g.get("ssh_error"):
        return "ssh-client-rejects"  # git's ssh would die before connecting
    if not g["host"]:
        return "git-empty-host"  # git runs ssh (or the proxy) with no host name at all
    if g["path"].startswith("~"):
        return "home-relative-converted"
    host, path = forge_target(g.get("ssh_hostname") or g["host"], g["path"])
    u = split_url(https)
    if u is None or u.scheme != "https":
        return "not-https-output"
    if fetched_host(u) != canon_host(host):
        return "host-mismatch" + host_oddity(host)
    if url_port(u, "443") is not None:
        return "port-kept"  # an ssh/git:// port has no meaning for HTTPS
    if u.username is not None or u.password is not None:
        return "credentials-in-output"
    odd = url_reader_oddity(u)
    if odd:
        return odd
    want = segments(path)
    cat = compare_paths(want, url_segments(u.path))
    if cat:
        return cat
    if not want:
        return "empty-path-converted"  # same root, but a root is no repository
    if u.query or u.fragment:
        return "query-or-fragment-added"  # a '?' or '#' git sent would be in the segments
    return None


def whatwg_ipv4_number(part: str) -> int | None:
    """The URL Standard's IPv4 number parser: `0x` hex (no digits is 0), `0` octal, decimal."""
    radix = 10
    if part[:2].lower() == "0x":
        part, radix = part[2:], 16
    elif len(part) > 1 and part.startswith("0"):
        part, radix = part[1:], 8
    if not part:
        return 0
    digits = "0123456789abcdef"[:radix]
    if not all(c in digits for c in part.lower()):
        return None
    return int(part, radix)


def whatwg_ipv4(host: str) -> tuple[bool, int | None]:
    """(the URL Standard reads `host` as an IPv4 address, its value or None for failure).
    Browsers and the `url` crate read a host ending in a number this way; curl and ssh use
    inet_aton, which refuses some of these (`0x`, `1.2.3.4.`)."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    last = parts[-1]
    ends_in_number = (last != "" and last.isascii() and last.isdigit()) or (
        last != "" and whatwg_ipv4_number(last) is not None)
    if not ends_in_number:
        return False, None
    if len(parts) > 4:
        return True, None
    nums = [whatwg_ipv4_number(p) if p else None for p in parts]
    if any(n is None for n in nums) or any(n > 255 for n in nums[:-1]) \
            or nums[-1] >= 256 ** (5 - len(nums)):
        return True, None
    value = nums[-1]
    for i, n in enumerate(nums[:-1]):
        value += n << (8 * (3 - i))
    return True, value


def inet_aton(host: str) -> int | None:
    try:
        return int.from_bytes(socket.inet_aton(host), "big")
    except (OSError, UnicodeError, ValueError):
        return None


def url_reader_oddity(u: urllib.parse.SplitResult) -> str | None:
    """Where readers of the converted URL part ways: the URL Standard (browsers, the `url`
    crate) reads the host as an IPv4 address that inet_aton (curl, ssh) does not, or a path
    segment is a percent-encoded `.` or `..`, which the URL Standard resolves (`a/%2e%2e/b`
    is `b`) and curl sends as written."""
    host = urllib.parse.unquote(u.hostname or "")
    if not host.startswith("[") and ":" not in host:
        is_v4, value = whatwg_ipv4(host)
        if is_v4 and (value is None or inet_aton(host) != value):
            return "host-read-as-ipv4-by-url-parsers"
    for seg in u.path.split("/"):
        if "%" in seg and urllib.parse.unquote(seg) in (".", ".."):
            return "path-encoded-dot-segment"
    return None


def judge_curl(g: dict, https: str) -> str | None:
    """git hands `g['url']` to curl: the HTTPS URL must reach the same host and path and keep
    an HTTP port (an ftp port means nothing over HTTPS); credentials may be dropped."""
    if https == g["url"]:
        return None  # an HTTPS URL kept as it is: curl does the very same with it
    want = split_url(g["url"])
    if want is None:
        return "curl-unparseable-url"
    if not want.hostname:
        return "curl-no-host"
    got = split_url(https)
    if got is None or got.scheme != "https":
        return "not-https-output"
    # curl percent-decodes the host name (7.88: `%68ost` resolves `host`).
    host, path = urllib.parse.unquote(want.hostname), want.path
    if want.scheme in ("ftp", "ftps"):  # git-https reads ftp:// as it reads ssh://
        host, path = forge_target(host, path)
    if fetched_host(got) != canon_host(host):
        return "curl-host-mismatch"
    if want.scheme in ("http", "https"):
        # The port git's request goes to is kept; the scheme's default maps to 443.
        expect = url_port(want, "80" if want.scheme == "http" else "443")
        if url_port(got, "443") != (None if expect == "443" else expect):
            return "curl-port-mismatch"
    elif url_port(got, "443") is not None:
        return "curl-port-kept"
    cat = compare_paths(url_segments(path), url_segments(got.path), "curl-")
    if cat:
        return cat
    if (want.query, want.fragment) != (got.query, got.fragment):
        return "curl-query-or-fragment-mismatch"
    return None


def git_connects(g: dict) -> bool:
    """git would open a connection to a server: ssh only when ssh accepts git's argv, ssh and
    git:// only with a host name."""
    if g["kind"] == "curl":
        return True
    return g["kind"] in ("ssh", "git") and bool(g["host"]) and not g.get("ssh_error")


def judge(g: dict, h: dict) -> tuple[str, str]:
    """(bucket, category) for one input: see the module docstring for the buckets."""
    if g["kind"] in ("timeout", "unknown"):
        return "unknown", "git-" + g["kind"]
    if h.get("https") is None:
        if git_connects(g):
            return "refused-connects", reason_of(h)
        return "both-refuse", git_outcome(g)
    if g["kind"] == "refused":
        return "disagree", "git-refuses: " + short_error(g["error"])
    if g["kind"] in ("local", "helper"):
        return "disagree", "git-" + g["kind"]
    cat = judge_curl(g, h["https"]) if g["kind"] == "curl" else judge_server(g, h["https"])
    return ("agree", "") if cat is None else ("disagree", cat)


def reason_of(h: dict) -> str:
    """git-https's refusal with the specifics taken out, so equal reasons group together."""
    e = h.get("error") or "?"
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '"…"', e)
    e = re.sub(r"\([^()]*\)", "(…)", e)
    return ("crash: " if h.get("crash") else "") + e


def short_error(e: str) -> str:
    """git's or ssh's message without its specifics (`fatal:`, the quoted name). Greedy: the
    name git quotes may hold quotes itself."""
    return re.sub(r"'.*'", "'…'", e.removeprefix("fatal: "))


def git_outcome(g: dict) -> str:
    """A short label for git's outcome, for grouping."""
    if g.get("ssh_error"):
        return "ssh rejects: " + short_error(g["ssh_error"])
    if g["kind"] == "refused":
        return "git refuses: " + short_error(g["error"])
    if g["kind"] == "helper":
        return "remote helper"
    if g["kind"] in ("ssh", "git") and not g["host"]:
        return f"{g['kind']} with an empty host"
    return g["kind"]

# ---------------------------------------------------------------------------------------------
# Display and reports
# ---------------------------------------------------------------------------------------------

def show(s: str | None) -> str:
    """One-line, tab-free text: control characters and non-UTF-8 bytes escaped."""
    if s is None:
        return "-"
    raw = s.encode("utf-8", "surrogateescape")
    text = raw.decode("utf-8", "backslashreplace")
    return "".join(c if ord(c) >= 0x20 and ord(c) != 0x7F else f"\\x{ord(c):02x}"
                   for c in text)


def describe_git(g: dict) -> str:
    k = g["kind"]
    if k == "ssh":
        host = show(g["host"])
        if g.get("ssh_hostname") not in (None, g["host"]):
            host += f" (ssh: {show(g['ssh_hostname'])})"
        s = f"ssh host={host} port={show(g['port'])} user={show(g['user'])} " \
            f"path='{show(g['path'])}'"
        return s + (f" (ssh -G: {show(g['ssh_error'])})" if g.get("ssh_error") else "")
    if k == "git":
        return f"git host={show(g['host'])} port={show(g['port'])} path='{show(g['path'])}'"
    if k == "curl":
        return f"curl({g['helper']}) url={show(g['url'])}"
    if k == "local":
        return f"local path='{show(g['path'])}'"
    if k == "helper":
        return f"helper '{show(g['helper'])}'"
    return f"{k}: {show(g.get('error'))}"


def describe_https(h: dict) -> str:
    if h.get("https") is not None:
        return show(h["https"])
    return "refused: " + show(h.get("error"))


def md_cell(s: str) -> str:
    """A table cell in code font; a backtick inside needs a longer fence, '|' an escape."""
    s = s.replace("|", "\\|")
    return f"`` {s} ``" if "`" in s else f"`{s}`" if s else "` `"


def tool_versions(bin_path: str) -> dict:
    def first_line(argv: list[str]) -> str:
        try:
            p = subprocess.run(argv, capture_output=True, text=True, timeout=10)
            return (p.stdout or p.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"

    digest = hashlib.sha256(Path(bin_path).read_bytes()).hexdigest()[:16]
    return {"git": first_line([GIT, "--version"]), "ssh": first_line(["ssh", "-V"]),
            "bin": f"{bin_path} (sha256 {digest}…, {first_line([bin_path, '--version'])})"}


def summarise(rows: list[dict]) -> dict:
    buckets = collections.Counter(r["bucket"] for r in rows)
    by_cat: dict[str, dict[str, list[dict]]] = collections.defaultdict(
        lambda: collections.defaultdict(list))
    for r in rows:
        by_cat[r["bucket"]][r["category"]].append(r)
    kinds = collections.Counter(r["git"]["kind"] for r in rows)
    per_class: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for r in rows:
        per_class[r["class"]][r["bucket"]] += 1
    return {"buckets": buckets, "by_cat": by_cat, "git_kinds": kinds, "per_class": per_class}


BUCKET_ORDER = [("agree", "converted and agree"), ("disagree", "converted but disagree"),
                ("refused-connects", "refused while git connects"),
                ("both-refuse", "both refuse (git refuses / local / helper)"),
                ("unknown", "git timed out or unrecognised")]


def print_summary(s: dict, n: int, seconds: float) -> None:
    print(f"{n} inputs in {seconds:.0f}s")
    for key, label in BUCKET_ORDER:
        print(f"  {label:45} {s['buckets'][key]:6}")
    print("by class:             " + " ".join(f"{k:>8.8}" for k, _ in BUCKET_ORDER))
    for c, counts in s["per_class"].items():
        print(f"  {c:20} " + " ".join(f"{counts[k]:8}" for k, _ in BUCKET_ORDER))
    print("disagreement categories:")
    for cat, rs in sorted(s["by_cat"]["disagree"].items(), key=lambda kv: -len(kv[1])):
        print(f"  {cat:45} {len(rs):6}   e.g. {show(rs[0]['input'])}")
    print("refusals while git connects (by git-https reason):")
    for cat, rs in sorted(s["by_cat"]["refused-connects"].items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(rs):6}  {show(cat)}")


def write_report(path: Path, s: dict, meta: dict) -> None:
    L = [
        "# Differential check: `git-https convert` against real git",
        "",
        f"Produced by `python3 scripts/differential.py {meta['argv']}` on {meta['date']} "
        f"in {meta['seconds']:.0f} s ({WORKERS} workers).",
        "",
        f"- git: {meta['git']} (`git ls-remote` with every transport replaced by a logger)",
        f"- ssh: {meta['ssh']} (`ssh -G` on git's ssh argv)",
        f"- git-https: {meta['bin']}",
        f"- corpus: {meta['corpus']} inputs in `fixtures/differential/corpus.txt`, and "
        f"{meta['classes']} in `fixtures/differential/classes.tsv` (the classes of issue 18)"
        + (f"; deterministic sample of {meta['n']}" if meta["sample"] else "")
        + ("; only the classes" if meta.get("only_classes") else ""),
        "",
        "How each input is judged: `scripts/differential.py` (docstring and `judge`). A converted",
        "URL agrees when it names the host git contacts (case, IPv4/IPv6 spelling and IDNA",
        "folded), carries no port for ssh/git:// (an HTTP port is kept), and its decoded path has",
        "the same segments as the path git requests (a relative scp path `o/r` is `/o/r`; empty",
        "segments, i.e. repeated and trailing slashes, do not count); the documented forge",
        "rewrites (ssh.github.com, altssh.*, Azure DevOps `v3/`) are applied to git's side first.",
        "",
        "## Counts",
        "",
        "| bucket | inputs |",
        "|---|---:|",
    ]
    for key, label in BUCKET_ORDER:
        L.append(f"| {label} | {s['buckets'][key]} |")
    L += ["", "By class (`corpus` is the generated corpus; the others are `classes.tsv`):", "",
          "| class | " + " | ".join(k for k, _ in BUCKET_ORDER) + " |",
          "|---|" + "---:|" * len(BUCKET_ORDER)]
    for c, counts in s["per_class"].items():
        L.append(f"| {c} | " + " | ".join(str(counts[k]) for k, _ in BUCKET_ORDER) + " |")
    L += ["", "What git did with the inputs: " + ", ".join(
        f"{k} {v}" for k, v in s["git_kinds"].most_common()) + ".", ""]

    if meta.get("compare"):
        L += compare_lines(meta["compare"])
    L += ["## Disagreements by category", ""]
    dis = sorted(s["by_cat"]["disagree"].items(), key=lambda kv: -len(kv[1]))
    if not dis:
        L += ["None.", ""]
    for cat, rs in dis:
        L += [f"### {cat} ({len(rs)})", "", "| input | git | git-https |", "|---|---|---|"]
        for r in rs[:5]:
            L.append(f"| {md_cell(show(r['input']))} | {md_cell(describe_git(r['git']))} "
                     f"| {md_cell(describe_https(r['https']))} |")
        L.append("")

    L += ["## Refused by git-https while git connects", "",
          "| git-https reason | git transport | inputs | example | git |", "|---|---|---:|---|---|"]
    for cat, rs in sorted(s["by_cat"]["refused-connects"].items(), key=lambda kv: -len(kv[1])):
        kinds = collections.Counter(r["git"]["kind"] for r in rs)
        L.append(f"| {md_cell(show(cat))} | {', '.join(f'{k} {v}' for k, v in kinds.items())} "
                 f"| {len(rs)} | {md_cell(show(rs[0]['input']))} "
                 f"| {md_cell(describe_git(rs[0]['git']))} |")
    L += ["", "## Both refuse, by git's outcome", "", "| git | inputs | example |", "|---|---:|---|"]
    for cat, rs in sorted(s["by_cat"]["both-refuse"].items(), key=lambda kv: -len(kv[1])):
        L.append(f"| {md_cell(show(cat))} | {len(rs)} | {md_cell(show(rs[0]['input']))} |")
    if s["by_cat"]["unknown"]:
        L += ["", "## Unknown", ""]
        for cat, rs in s["by_cat"]["unknown"].items():
            L.append(f"- {cat}: {len(rs)} (e.g. {md_cell(show(rs[0]['input']))})")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(L) + "\n", encoding="utf-8")


def compare_rows(dump: Path, rows: list[dict]) -> dict:
    """Buckets by class in an earlier run's dump and in this one, and the inputs that moved."""
    before = {}
    with open(dump, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            before[r["input"]] = r
    counts: dict[str, dict[str, collections.Counter]] = collections.defaultdict(
        lambda: {"before": collections.Counter(), "after": collections.Counter()})
    moved = collections.Counter()
    for r in rows:
        b = before.get(r["input"])
        if b is None:
            continue
        counts[r["class"]]["before"][b["bucket"]] += 1
        counts[r["class"]]["after"][r["bucket"]] += 1
        if b["bucket"] != r["bucket"]:
            moved[(r["class"], b["bucket"], r["bucket"])] += 1
    return {"dump": str(dump), "counts": counts, "moved": moved}


def compare_lines(c: dict) -> list[str]:
    L = ["## Before and after", "",
         f"The same inputs judged the same way, from the earlier run `{c['dump']}` (before) and",
         "this one (after); cells are before → after.", "",
         "| class | " + " | ".join(k for k, _ in BUCKET_ORDER) + " |",
         "|---|" + "---:|" * len(BUCKET_ORDER)]
    for cls, ba in c["counts"].items():
        L.append(f"| {cls} | " + " | ".join(
            f"{ba['before'][k]} → {ba['after'][k]}" for k, _ in BUCKET_ORDER) + " |")
    L += ["", "| class | before | after | inputs |", "|---|---|---|---:|"]
    for (cls, b, a), n in sorted(c["moved"].items(), key=lambda kv: -kv[1]):
        L.append(f"| {cls} | {b} | {a} | {n} |")
    return L + [""]


def write_tsv(path: Path, rows: list[dict]) -> None:
    lines = ["input\tgit\tgit-https\tcategory\tclass"]
    for r in rows:
        if r["bucket"] == "disagree":
            lines.append("\t".join([show(r["input"]), describe_git(r["git"]),
                                    describe_https(r["https"]), r["category"], r["class"]]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", help="the git-https binary to judge")
    ap.add_argument("--sample", type=int, help="judge a fixed deterministic sample of N inputs")
    ap.add_argument("--out", type=Path, help=f"markdown report (full run: {REPORT.relative_to(ROOT)})")
    ap.add_argument("--tsv", type=Path,
                    help=f"disagreements table (full run: {DISAGREEMENTS.relative_to(ROOT)})")
    ap.add_argument("--dump", type=Path,
                    help="also write every input's record (git, git-https, verdict) as JSON Lines")
    ap.add_argument("--compare", type=Path,
                    help="a --dump of an earlier run (another binary): the report adds a "
                         "before/after table by class and lists the inputs that moved")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per git call")
    ap.add_argument("--write-corpus", action="store_true",
                    help="regenerate the corpus and class files")
    ap.add_argument("--only-classes", action="store_true",
                    help=f"judge only the class inputs ({CLASSES.relative_to(ROOT)})")
    ap.add_argument("--fail-on-disagree", action="store_true",
                    help="exit 1 when any converted input disagrees with git")
    args = ap.parse_args()

    corpus = load_corpus(args.write_corpus)
    classes = load_classes(args.write_corpus)
    if args.write_corpus:
        print(f"wrote {len(corpus)} inputs to {CORPUS.relative_to(ROOT)}, "
              f"{len(classes)} to {CLASSES.relative_to(ROOT)}")
        if not args.bin:
            return 0
    if not args.bin:
        ap.error("--bin is required")
    bin_path = os.path.abspath(args.bin)
    # The class inputs follow the corpus; an input in both counts once, in the corpus.
    class_of = {s: "corpus" for s in corpus}
    for c, s in classes:
        class_of.setdefault(s, c)
    everything = list(class_of) if not args.only_classes else [s for c, s in classes]
    inputs = fixed_sample(everything, args.sample) if args.sample else everything
    out = args.out or (None if args.sample else REPORT)
    tsv = args.tsv or (None if args.sample else DISAGREEMENTS)

    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="git-https-diff.") as tmp:
        box = make_sandbox(Path(tmp))
        print(f"git-https on {len(inputs)} inputs…", file=sys.stderr)
        conv = convert_all(bin_path, inputs, box["home"])
        print(f"git on {len(inputs)} inputs ({WORKERS} workers)…", file=sys.stderr)
        probes = probe_all(inputs, box, args.timeout, WORKERS)
    seconds = time.monotonic() - start

    rows = []
    for inp, g, h in zip(inputs, probes, conv):
        bucket, category = judge(g, h)
        rows.append({"input": inp, "git": g, "https": h, "bucket": bucket, "category": category,
                     "class": class_of.get(inp, "corpus")})
    s = summarise(rows)
    print_summary(s, len(inputs), seconds)
    meta = {"argv": " ".join(shlex.quote(a) for a in sys.argv[1:]),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "seconds": seconds, "corpus": len(corpus), "classes": len(classes),
            "n": len(inputs), "sample": args.sample,
            "only_classes": args.only_classes, **tool_versions(bin_path)}
    if args.compare:
        meta["compare"] = compare_rows(args.compare, rows)
    if out:
        write_report(out, s, meta)
        print(f"wrote {out}")
    if tsv:
        write_tsv(tsv, rows)
        print(f"wrote {tsv}")
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")  # non-UTF-8 bytes come out as \udcXX escapes
        print(f"wrote {args.dump}")
    return 1 if args.fail_on_disagree and s["buckets"]["disagree"] else 0


if __name__ == "__main__":
    sys.exit(main())
