#!/usr/bin/env bash
# Builds and runs the cargo-fuzz targets in fuzz/ for a bounded time each, then writes
# fuzz/RESULTS.md (date, target, executions, exec/s, crashes, corpus size).
#
#   scripts/fuzz.sh [SECONDS]        # SECONDS per target, default 600
#
# Environment (all optional):
#   FUZZ_TARGETS="url gitconfig credential journal"   targets to run, in order
#   FUZZ_MAX_RUNS=N        also stop a target after N executions (libFuzzer -runs)
#   FUZZ_PARALLEL=N        run N targets at once (default 1; the machine has 2 cores)
#   FUZZ_SANITIZER=none    cargo fuzz -s: none (default; the crate forbids unsafe code, and
#                          this keeps the speed) or address
#   FUZZ_MAX_CRASHES=5     restarts after crashes per target before giving up on it
#   GIT_HTTPS_FUZZ_KNOWN=  known issues the targets step over, comma-separated ids (see
#                          fuzz/fuzz_targets/url.rs); unset, every property is checked.
#                          Regressions are always replayed without it.
#
# Everything runs under `nice -n 19`. Stable Rust is enough: RUSTC_BOOTSTRAP=1 lets it take the
# nightly flags cargo-fuzz passes; cargo-fuzz is installed when missing. Builds go to
# fuzz/target, the growing corpus to fuzz/corpus/<target> (seeded from fixtures/fuzz/<target>),
# raw libFuzzer artifacts and logs to fuzz/artifacts/<target>. A crash stops libFuzzer, so the
# script copies its input to fixtures/fuzz/regressions/<target>/, prints the panic, and starts
# the target again for the rest of its time (at most FUZZ_MAX_CRASHES times). Inputs already in
# fixtures/fuzz/regressions/<target>/ are replayed first and reported as still failing or
# fixed. Exit status: 0 when no target crashed, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SECONDS_PER_TARGET=${1:-600}
[[ $SECONDS_PER_TARGET =~ ^[0-9]+$ && $SECONDS_PER_TARGET -gt 0 ]] || {
    echo "usage: scripts/fuzz.sh [SECONDS]" >&2
    exit 2
}
TARGETS=(${FUZZ_TARGETS:-url gitconfig credential journal})
SANITIZER=${FUZZ_SANITIZER:-none}
PARALLEL=${FUZZ_PARALLEL:-1}
MAX_RUNS=${FUZZ_MAX_RUNS:-}
MAX_CRASHES=${FUZZ_MAX_CRASHES:-5}
KNOWN=${GIT_HTTPS_FUZZ_KNOWN:-}

export RUSTC_BOOTSTRAP=1
unset CARGO_TARGET_DIR
NICE=(nice -n 19)

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    "${NICE[@]}" cargo install cargo-fuzz --locked
fi

# What was built: the work tree's src/ may differ from HEAD (and may change during the run).
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
SRC_SHA=$(find src -type f -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-12)
HEAD_REV="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')"
echo "== building ${TARGETS[*]} (sanitizer: $SANITIZER, debug assertions on)"
for t in "${TARGETS[@]}"; do
    "${NICE[@]}" cargo fuzz build -s "$SANITIZER" -a "$t"
done
TRIPLE=$(rustc -vV | sed -n 's/^host: //p')
BIN_DIR="$ROOT/fuzz/target/$TRIPLE/release"

# The journal target writes its run file here (in memory where /dev/shm exists).
if [[ -d /dev/shm && -w /dev/shm ]]; then
    GIT_HTTPS_FUZZ_TMPDIR=$(mktemp -d /dev/shm/git-https-fuzz.XXXXXX)
else
    GIT_HTTPS_FUZZ_TMPDIR=$(mktemp -d)
fi
export GIT_HTTPS_FUZZ_TMPDIR
STATE=$(mktemp -d)
trap 'rm -rf "$GIT_HTTPS_FUZZ_TMPDIR" "$STATE"' EXIT

# fstat NAME LOG: sums libFuzzer's final `stat::NAME: N` lines over the runs in LOG.
fstat() { awk -v k="stat::$1:" '$1 == k { s += $2 } END { print s + 0 }' "$2"; }

# fuzz_one TARGET: replays regressions, fuzzes for SECONDS_PER_TARGET, writes $STATE/TARGET.
fuzz_one() {
    local t=$1 bin="$BIN_DIR/$1"
    local corpus="$ROOT/fuzz/corpus/$t" seeds="$ROOT/fixtures/fuzz/$t"
    local art="$ROOT/fuzz/artifacts/$t" reg="$ROOT/fixtures/fuzz/regressions/$t"
    local log="$art/fuzz.log" stamp="$art/.start"
    mkdir -p "$corpus" "$seeds" "$art"
    : >"$log"

    # Known crashes first: each is run once (libFuzzer runs the files given and exits).
    local still=0 fixed=0 f
    if compgen -G "$reg/*" >/dev/null; then
        for f in "$reg"/*; do
            if env -u GIT_HTTPS_FUZZ_KNOWN "${NICE[@]}" "$bin" "$f" >"$art/replay.log" 2>&1; then
                fixed=$((fixed + 1))
            else
                still=$((still + 1))
                echo "[$t] regression still fails: $f"
                grep -m1 -A2 "panicked at" "$art/replay.log" | sed "s/^/[$t]   /" || true
            fi
        done
    fi

    # The seeds, copied under their SHA-1 (the name libFuzzer gives corpus files and artifacts),
    # less any input that is a known crash: a crashing seed would stop every run at startup.
    local run_seeds="$STATE/seeds-$t" sha
    mkdir -p "$run_seeds"
    for f in "$seeds"/*; do
        [[ -f $f ]] || continue
        sha=$(sha1sum "$f" | cut -c1-40)
        if ! compgen -G "$reg/*-$sha" >/dev/null; then cp "$f" "$run_seeds/$sha"; fi
    done
    for f in "$corpus"/*; do
        [[ -f $f ]] || continue
        if compgen -G "$reg/*-$(basename "$f")" >/dev/null; then rm -f "$f"; fi
    done

    local dict=() args=()
    if [[ -f $ROOT/fuzz/dict/$t.dict ]]; then dict=(-dict="$ROOT/fuzz/dict/$t.dict"); fi
    local start=$SECONDS left crashes=0 runs_left done_runs=0
    touch "$stamp"
    while :; do
        left=$((SECONDS_PER_TARGET - (SECONDS - start)))
        ((left > 0)) || break
        args=(-max_total_time="$left" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
            -artifact_prefix="$art/")
        if [[ -n $MAX_RUNS ]]; then
            runs_left=$((MAX_RUNS - done_runs))
            ((runs_left > 0)) || break
            args+=(-runs="$runs_left")
        fi
        local rc=0
        "${NICE[@]}" "$bin" "${args[@]}" "${dict[@]}" "$corpus" "$run_seeds" >>"$log" 2>&1 || rc=$?
        done_runs=$(fstat number_of_executed_units "$log")
        if ((rc == 0)); then break; fi
        # A crash, timeout or out-of-memory: keep its input as a regression fixture, and take it
        # out of this run's seeds and corpus so that the restart gets past it.
        local new
        new=$(find "$art" -maxdepth 1 -type f -newer "$stamp" \
            \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | sort)
        touch "$stamp"
        if [[ -z $new ]]; then
            echo "[$t] libFuzzer exited with status $rc and no artifact; see $log" >&2
            crashes=$((crashes + 1))
            break
        fi
        mkdir -p "$reg"
        for f in $new; do
            crashes=$((crashes + 1))
            cp "$f" "$reg/"
            sha=$(sha1sum "$f" | cut -c1-40)
            rm -f "$run_seeds/$sha" "$corpus/$sha"
            echo "[$t] CRASH: input saved as fixtures/fuzz/regressions/$t/$(basename "$f")"
            echo "[$t]   input (escaped): $(head -c 300 "$f" | od -An -c | tr -s ' \n' ' ' | cut -c1-400)"
            awk '/panicked at/ { p = $0; getline m; last = p "\n" m } END { if (last) print last }' \
                "$log" | sed "s/^/[$t]   /"
        done
        ((crashes < MAX_CRASHES)) || {
            echo "[$t] $MAX_CRASHES crashes: giving up on this target" >&2
            break
        }
    done
    local execs rate elapsed=$((SECONDS - start))
    execs=$(fstat number_of_executed_units "$log")
    rate=$((elapsed > 0 ? execs / elapsed : execs))
    local size bytes units
    # libFuzzer's own corpus (units/size) from its last status line; the folder also keeps
    # inputs that later ones made redundant.
    units=$(grep -ao 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -n 1 | cut -d' ' -f2)
    size=$(find "$corpus" -type f | wc -l)
    bytes=$(du -sk "$corpus" | cut -f1)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$elapsed" "$execs" "$rate" "$crashes" \
        "${units:-?}" "$size" "$bytes" "$still" "$fixed" >"$STATE/$t"
    printf '[%s] %s executions in %s s (%s/s), %s crashes, corpus %s (folder: %s files, %s KiB)\n' \
        "$t" "$execs" "$elapsed" "$rate" "$crashes" "${units:-?}" "$size" "$bytes"
}

echo "== fuzzing ${TARGETS[*]}: ${SECONDS_PER_TARGET}s each${MAX_RUNS:+ or $MAX_RUNS executions}, $PARALLEL at a time"
running=0
for t in "${TARGETS[@]}"; do
    fuzz_one "$t" &
    running=$((running + 1))
    if ((running >= PARALLEL)); then
        wait -n || true
        running=$((running - 1))
    fi
done
wait

# fuzz/RESULTS.md: this run's table on top, earlier runs kept below it.
results="$ROOT/fuzz/RESULTS.md"
earlier=""
if [[ -f $results ]]; then
    earlier=$(awk '/^## Run /{on=1} on' "$results")
fi
total_crashes=0
{
    echo "# Fuzzing results"
    echo
    echo "Written by \`scripts/fuzz.sh\`; the newest run first. Executions are libFuzzer's"
    echo "\`stat::number_of_executed_units\`, summed over restarts after a crash; exec/s is over"
    echo "the target's wall time; the corpus is libFuzzer's at the end of the run, and the folder"
    echo "fuzz/corpus/<target> (seeds in fixtures/fuzz/<target> not counted), which also keeps"
    echo "inputs later ones made redundant. Crash inputs are in fixtures/fuzz/regressions/."
    echo
    echo "## Run $STARTED (finished $(date -u +%Y-%m-%dT%H:%M:%SZ))"
    echo
    echo "- command: \`scripts/fuzz.sh $SECONDS_PER_TARGET\`${MAX_RUNS:+ with FUZZ_MAX_RUNS=$MAX_RUNS}, $PARALLEL target(s) at a time, sanitizer $SANITIZER, debug assertions on, \`nice -n 19\`"
    echo "- known issues stepped over (GIT_HTTPS_FUZZ_KNOWN): ${KNOWN:-none}"
    echo "- machine: $(nproc) cores (shared), $(rustc -V)"
    echo "- code fuzzed: git-https at commit $HEAD_REV; src/ tree as built: sha1 $SRC_SHA"
    echo
    echo "| date (UTC) | target | seconds | executions | exec/s | crashes | corpus (libFuzzer units/size) | corpus folder files | corpus folder KiB | regressions still failing / fixed |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    for t in "${TARGETS[@]}"; do
        [[ -f $STATE/$t ]] || continue
        IFS=$'\t' read -r name elapsed execs rate crashes units size bytes still fixed <"$STATE/$t"
        total_crashes=$((total_crashes + crashes + still))
        echo "| $(date -u +%Y-%m-%d) | $name | $elapsed | $execs | $rate | $crashes | $units | $size | $bytes | $still / $fixed |"
    done
    echo
    if [[ -n $earlier ]]; then
        echo "$earlier"
    fi
} >"$results.new"
mv "$results.new" "$results"
echo "== wrote fuzz/RESULTS.md"
((total_crashes == 0))
