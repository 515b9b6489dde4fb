#!/usr/bin/env bash
# Builds release binaries, runs the benchmark at N = 1,000 and 10,000, writes bench/RESULTS.md.
# Takes about 5 minutes on 2 cores (the shell loop over 10,000 repositories is most of it).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v fdfind >/dev/null || command -v fd >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fd-find >/dev/null
}
cargo build --release --bin git-https --example raw_rewrite
{
  echo "# Benchmark results"
  echo
  echo "Produced by \`bench/run.sh\` on $(date -u +%Y-%m-%d). Machine: $(nproc) cores"
  echo "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB RAM,"
  echo "$(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), $(git --version), filesystem $(df -T bench | awk 'NR==2{print $2}')."
  echo "Every contender runs with 2 threads where it has threads (\`--jobs 2\`), on a fresh copy of the"
  echo "same fleet (\`bench/make_fleet.py\`), trials interleaved; wall time is the median, RSS the maximum."
  echo "fd's row is discovery only (\`fdfind --hidden --no-ignore --glob .git\`), as is git-https's walker row."
  if [ $# -eq 0 ]; then set -- 1000 10000; fi
  python3 bench/bench.py "$@"
  cat bench/analysis.md
} > bench/RESULTS.md.new
mv bench/RESULTS.md.new bench/RESULTS.md
cat bench/RESULTS.md
