#!/usr/bin/env bash
# A/B per-step latency of two `edgelstm` binaries (e.g. main's and a branch's shipped build),
# integer engine, runs interleaved A, B, A, B ... so both see the same neighbours on this shared,
# bimodal machine. Prints a markdown table: per shape the median, fastest and slowest of each.
# Usage: bench/engine-ab.sh BINARY_A BINARY_B [RUNS] [SHAPE...]   (default 5 runs; S M L G)
set -euo pipefail
a=$1; b=$2; runs=${3:-5}; shift 2; shift || true
shapes=("$@"); ((${#shapes[@]})) || shapes=(S M L G)
summarize='
import json, statistics, sys
a = sorted(json.loads(l)["nsPerStep"] for l in open(sys.argv[2]) if l.strip())
b = sorted(json.loads(l)["nsPerStep"] for l in open(sys.argv[3]) if l.strip())
ma, mb = statistics.median(a), statistics.median(b)
print(f"| {sys.argv[1]} | {ma:,.0f} | {a[0]:,.0f} to {a[-1]:,.0f} | {mb:,.0f} | {b[0]:,.0f} to {b[-1]:,.0f} | {ma / mb:.2f}x |")
'
echo "| shape | A ns/step (median of $runs) | A range | B ns/step (median of $runs) | B range | A / B |"
echo "|---|---:|---|---:|---|---:|"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for shape in "${shapes[@]}"; do
  for ((i = 0; i < runs; i++)); do
    "$a" bench --shape "$shape" --json >> "$tmp/a"
    "$b" bench --shape "$shape" --json >> "$tmp/b"
  done
  python3 -c "$summarize" "$shape" "$tmp/a" "$tmp/b"
  rm -f "$tmp/a" "$tmp/b"
done
