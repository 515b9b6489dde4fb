#!/usr/bin/env bash
# Regenerates the fuzz seed corpora under fixtures/fuzz/<target>/ (one input a file, named by
# the SHA-1 of its content, as libFuzzer names corpus files). Deterministic except for the
# configs `git init` writes, which follow the installed git's defaults.
#
#   bash fuzz/make-seeds.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/fixtures/fuzz"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# seed TARGET: stores standard input as one seed file.
seed() {
    local dir="$OUT/$1" f="$TMP/seed"
    mkdir -p "$dir"
    cat >"$f"
    mv "$f" "$dir/$(sha1sum "$f" | cut -c1-40)"
}

rm -rf "$OUT/url" "$OUT/gitconfig" "$OUT/credential" "$OUT/journal"

# --- url: every input of fixtures/urls.tsv, and every 40th line of the differential corpus.
while IFS=$'\t' read -r input _; do
    printf '%s' "$input" | seed url
done < <(grep -v '^#' "$ROOT/fixtures/urls.tsv" | grep -v '^[[:space:]]*$')
while IFS= read -r line; do
    printf '%s' "$line" | seed url
done < <(awk 'NR % 40 == 1' "$ROOT/fixtures/differential/corpus.txt")

# --- gitconfig: real configs written by git, then hand-made corners git reads too.
export HOME="$TMP/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
mkdir -p "$HOME"
g() { git -C "$TMP/repo" "$@"; }
git -c init.defaultBranch=main init -q "$TMP/repo"
seed gitconfig <"$TMP/repo/.git/config"
g remote add origin git@github.com:owner/repo.git
seed gitconfig <"$TMP/repo/.git/config"
g remote add upstream ssh://git@gitlab.com:2222/group/sub/project.git
g remote add fork https://github.com/me/repo.git
g remote add My.Remote-2 'git@[::1]:o/r.git'
g remote set-url --add --push origin ssh://git@github.com/owner/repo.git
g remote set-url --add --push origin https://me@github.com/owner/repo.git
g config remote.upstream.tagOpt --no-tags
g config branch.main.remote origin
g config branch.main.merge refs/heads/main
seed gitconfig <"$TMP/repo/.git/config"
g config submodule.lib.url git@github.com:owner/lib.git
g config submodule.lib.active true
g config 'submodule.vendor/deep.url' ../deep.git
g config include.path ../extra.config
g config includeIf.gitdir:~/work/.path ~/work.gitconfig
g config url.https://github.com/.insteadOf git@github.com:
g config url.ssh://git@host/.pushInsteadOf https://host/
g config user.name 'A "quoted" name; with # marks'
g config core.sshCommand 'ssh -i ~/.ssh/id	tab -o "X=y"'
g config alias.lg $'log --graph\n--oneline'
seed gitconfig <"$TMP/repo/.git/config"
printf '[submodule "lib"]\n\tpath = lib\n\turl = git@github.com:owner/lib.git\n[submodule "vendor/deep"]\n\tpath = vendor/deep\n\turl = ../deep.git\n\tbranch = main\n' | seed gitconfig
seed gitconfig <<'CFG'
# a comment
; another comment
[core]
	repositoryformatversion = 0
	bare
	filemode = true ; trailing comment
[remote "origin"]
	url = git@github.com:owner/repo.git   # comment after the value
	fetch = +refs/heads/*:refs/remotes/origin/*
    pushurl = "ssh://git@github.com/owner/repo.git" ; push here
[remote "with \"escapes\" \\ in it"]
	url = "https://h/a b"" c"
	url = https://h/line\
continued\
	again
	pushurl = ssh://h/tab\there\nnewline
[Remote.Legacy]
url=a\
 b
[url "https://example.com/"]
	insteadOf = git@example.com:
	pushInsteadOf = ssh://example.com/
[include]
	path = ~/.gitconfig.d/work
[includeIf "gitdir/i:C:/Work/"]
	path = work.inc
[section.sub.deeper]
	key
[remote "origin"] url = scp:inline/after/header
CFG
printf '\xef\xbb\xbf[remote "o"]\r\n\turl = git@h:o/r.git\r\n\tpushurl = "a;b"\r\n' | seed gitconfig
printf '[a]\n\tk = "open\n' | seed gitconfig
printf '[remote "x"\n\turl = y\n' | seed gitconfig
printf '[remote "x"]\n\turl = git@h:o/r.git' | seed gitconfig

# --- credential: what git writes to a helper, and what a helper answers.
printf 'protocol=https\nhost=github.com\n\n' | seed credential
printf 'protocol=https\nhost=github.com\npath=owner/repo.git\nusername=me\n\n' | seed credential
printf 'protocol=https\nhost=h:8443\nwwwauth[]=Basic realm="x"\ncapability[]=authtype\ncapability[]=state\nusername=u\npassword=p\n\nhost=ignored\n' | seed credential
printf 'url=https://x.example:444/o/r.git\n' | seed credential
printf 'url=https://user:pw@[::1]:8443/o\nusername=u\n' | seed credential
printf 'protocol=https\nhost=github.com\nusername=x-access-token\npassword=ghp_abcdefghijklmnopqrstuvwxyz0123456789\npassword_expiry_utc=1999999999\noauth_refresh_token=r\n\n' | seed credential
printf 'protocol=http\r\nhost=proxy.example\r\nusername=u\r\npassword=a=b=c\r\n\r\n' | seed credential
printf 'protocol=https\nhost=h\nquit=1\n' | seed credential
printf 'no equals sign\n=empty key\nhost=\npassword=\n' | seed credential
printf 'capability[]=authtype\nauthtype=Bearer\ncredential=tok\nephemeral=1\nprotocol=https\nhost=dev.azure.com\npath=org/project/_git/repo\n\n' | seed credential

# --- journal: runs in the format of src/io/journal.rs (`Record`, `ChangeRecord`).
RUN=20260101000000000-abcd
T=2026-01-01T00:00:00.000Z
head_rec() { printf '{"type":"run","run":"%s","time":"%s","command":"%s","paths":["/src"],"version":1%s}\n' "$RUN" "$T" "$1" "$2"; }
change_rec() { # repo file kind index old new [redacted]
    printf '{"type":"change","run":"%s","time":"%s","repo":"%s","file":"%s","file_kind":"%s","key":"remote.origin.url","section":"remote","subsection":"origin","name":"url","index":%s,"old":"%s","new":"%s"%s}\n' \
        "$RUN" "$T" "$1" "$2" "$3" "$4" "$5" "$6" "${7:-}"
}
# A finished run.
{
    head_rec migrate ''
    change_rec /src/a /src/a/.git/config config 0 git@github.com:o/a.git https://github.com/o/a.git
    change_rec /src/a /src/a/.gitmodules gitmodules 1 'ssh://git@h/o/lib' https://h/o/lib
    change_rec /src/b /src/b/.git/config config 0 'https://u:***@h/o/b' https://h/o/b ',"redacted":true'
    printf '{"type":"applying","time":"%s"}\n' "$T"
    printf '{"type":"result","repo":"/src/a","file":"/src/a/.git/config","ok":true}\n'
    printf '{"type":"result","repo":"/src/b","file":"/src/b/.git/config","ok":false,"error":"locked"}\n'
    printf '{"type":"end","time":"%s","changed":2,"failed":1}\n' "$T"
} | seed journal
# Interrupted, then undone per repository and whole.
{
    head_rec migrate ''
    change_rec /src/a /src/a/.git/config config 0 git@h:o/a https://h/o/a
    printf '{"type":"applying","time":"%s"}\n\n' "$T"
    printf '{"type":"end","time":"%s","changed":1,"failed":0,"interrupted":3}\n' "$T"
    printf '{"type":"undone","time":"%s","by":"20260102000000000-beef","repo":"/src/a"}\n' "$T"
    printf '{"type":"undone","time":"%s","by":"20260103000000000-cafe"}\n' "$T"
} | seed journal
# An undo run, and a run killed while planning with its last line cut short.
{
    head_rec undo ',"reverts":"20251231000000000-0001"'
    change_rec /src/a /src/a/.git/config config 0 https://h/o/a git@h:o/a
} | seed journal
{
    head_rec migrate ''
    change_rec /src/a /src/a/.git/config config 0 git@h:o/a https://h/o/a
    printf '{"type":"change","run":"%s","ti' "$RUN"
} | seed journal
# Not a journal; a bad record in the middle; an empty file.
printf 'hello\n{"type":"end"}\n' | seed journal
{ head_rec migrate ''; printf '{"type":"nope"}\n'; printf '{"type":"applying","time":"%s"}\n' "$T"; } | seed journal
: | seed journal

for t in url gitconfig credential journal; do
    printf '%-11s %4d seeds\n' "$t" "$(ls "$OUT/$t" | wc -l)"
done
