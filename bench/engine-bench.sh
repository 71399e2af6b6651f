#!/usr/bin/env bash
# Per-step latency of the shipped NativeAOT binaries (`edgelstm bench`), each shape run several
# times because this machine's speed varies from run to run; prints a markdown table of the
# median of the runs' medians and the fastest and slowest run.
# Usage: bench/engine-bench.sh [RUNS] [TARGET...]   (default 5 runs; linux-x64 linux-x64-v2)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}; shift || true
targets=("$@"); ((${#targets[@]})) || targets=(linux-x64 linux-x64-v2)
summarize='
import json, statistics, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
ns = sorted(r["nsPerStep"] for r in rows)
med = statistics.median(ns)
r = rows[0]
alloc = max(x["allocatedBytesPerStep"] for x in rows)
cells = [sys.argv[1], r["shape"], r["engine"], r["isa"], f"{med:,.0f}", f"{ns[0]:,.0f}", f"{ns[-1]:,.0f}", "%.2f" % (r["macsPerStep"] / med), f"{alloc:g}"]
print("| " + " | ".join(cells) + " |")

'
echo "| build | shape | engine | isa | ns/step median of $runs runs | fastest run | slowest run | GMAC/s | bytes allocated/step |"
echo "|---|---|---|---|---:|---:|---:|---:|---:|"
for target in "${targets[@]}"; do
  exe="dist/$target/edgelstm"
  [[ -x "$exe" ]] || { echo "missing $exe: run ./publish.sh $target" >&2; exit 2; }
  for shape in S M L G; do
    for engine in int float; do
      [[ $engine == float && $target != linux-x64 ]] && continue
      results=()
      for ((i = 0; i < runs; i++)); do results+=("$("$exe" bench --shape "$shape" --engine "$engine" --json)"); done
      printf '%s\n' "${results[@]}" | python3 -c "$summarize" "$target"
    done
  done
done
