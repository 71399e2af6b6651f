#!/usr/bin/env bash
# Clockwork RNN: measured integer-engine time per step against the paper's cost model
# (Koutník et al. 2014, section 3; ClockworkCost in Core). Shape C (9 inputs, one clockwork
# layer of 64 units, 6 classes) with 1, 2, 4 and 8 equal modules of periods 1, 2, 4, ...
# (3 modules do not split 64 units). Each configuration runs RUNS times (`edgelstm bench`, the
# median over 256-step batches, a whole number of period cycles) and the table shows the median
# run: ns per step against the model's average MACs per step (layer + head), both relative to
# one module of period 1.
# HIDDEN=N (default 64) widens the layer (`bench --hidden`): at 256 units the matrix products
# dominate the step, which is what the cost model counts.
# Usage: [HIDDEN=256] bench/clockwork-bench.sh [RUNS] [EDGELSTM...]  (default 5 runs; dist/linux-x64/edgelstm,
#        or e.g. `dotnet src/EdgeLstm.Cli/bin/Release/net10.0/edgelstm.dll`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}; shift || true
exe=("$@"); ((${#exe[@]})) || exe=(dist/linux-x64/edgelstm)
summarize='
import json, statistics, sys
base = None
print("| periods | avg MACs/step (model) | relative MACs | ns/step, median of runs | fastest | slowest | relative time |")
print("|---|---:|---:|---:|---:|---:|---:|")
for line in sys.stdin:
    periods, blob = line.rstrip("\n").split(" ", 1)
    rows = [json.loads(x) for x in blob.split("\t")]
    ns = sorted(r["nsPerStep"] for r in rows)
    macs = rows[0]["macsPerStep"]
    med = statistics.median(ns)
    if base is None: base = (macs, med)
    print(f"| {periods} | {macs:,.0f} | {macs / base[0]:.2f} | {med:,.0f} | {ns[0]:,.0f} | {ns[-1]:,.0f} | {med / base[1]:.2f} |")
'
for periods in 1 1,2 1,2,4,8 1,2,4,8,16,32,64,128; do
  results=()
  for ((i = 0; i < runs; i++)); do
    results+=("$("${exe[@]}" bench --shape C --hidden "${HIDDEN:-64}" --periods "$periods" --engine int --steps 1000000 --json)")
  done
  (IFS=$'\t'; echo "$periods ${results[*]}")
done | python3 -c "$summarize"
