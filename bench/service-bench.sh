#!/usr/bin/env bash
# Service measurements (docs/benchmarks.md, "Service"): size of the shipped binaries, time from
# start to READY=1 with the embedded default model, resident memory after an hour-equivalent
# (180,000 samples at 50 Hz) of replay through `run`. Needs ./publish.sh linux-x64 linux-arm64 first.
set -euo pipefail
cd "$(dirname "$0")/.."
for target in linux-x64 linux-arm64; do
  [[ -f dist/$target/edgelstm ]] || { echo "dist/$target/edgelstm missing: run ./publish.sh $target" >&2; exit 2; }
  printf '%-12s edgelstm %s bytes\n' "$target" "$(stat -c %s "dist/$target/edgelstm")"
  ls -l "dist/$target"
done
ls -l dist/packages/ 2>/dev/null || true
python3 bench/service_bench.py dist/linux-x64/edgelstm --runs "${RUNS:-5}"
