#!/usr/bin/env bash
# Batched stepping (issue 17): per-stream ns per step of `edgelstm bench --lanes K` for K = 1, 4,
# 16, 64, 256 and shapes S, M, L, G, from the shipped NativeAOT binary; each run also measures the
# single-stream IntegerSession step of the same model (same process, right after), so every row
# compares the two in the same machine mode. Each cell runs RUNS times; the table gives medians over
# the runs (and the per-run ratio's median) and fails if any run's lanes were not bit-identical
# to K separate sessions.
# Usage: bench/batch-bench.sh [RUNS] [TARGET]   (default 3 runs, linux-x64)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
target=${2:-linux-x64}
exe="dist/$target/edgelstm"
[[ -x "$exe" ]] || { echo "missing $exe: run ./publish.sh $target" >&2; exit 2; }
summarize='
import json, statistics, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
if not all(r["bitIdentical"] for r in rows): sys.exit("lanes differ from separate sessions: " + json.dumps(rows))
med = lambda key: statistics.median(r[key] for r in rows)
r = rows[0]
alloc = max(x["allocatedBytesPerCall"] for x in rows)
ns, single = med("nsPerStep"), med("singleNsPerStep")
cells = [r["shape"], str(r["lanes"]), r["isa"], f"{ns:,.0f}", f"{single:,.0f}",
         "%.2f" % med("perStreamRatio"), "%.1f" % med("gmacPerSecond"), "%.1f" % med("singleGmacPerSecond"), f"{alloc:g}"]
print("| " + " | ".join(cells) + " |", flush=True)
'
echo "| shape | K | isa | ns per stream step (median of $runs) | single-stream ns/step, same runs | batched / single | GMAC/s batched | GMAC/s single | bytes allocated/call |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|"
for shape in S M L G; do
  for lanes in 1 4 16 64 256; do
    results=()
    for ((i = 0; i < runs; i++)); do results+=("$("$exe" bench --shape "$shape" --lanes "$lanes" --json)"); done
    printf '%s\n' "${results[@]}" | python3 -c "$summarize"
  done
done
