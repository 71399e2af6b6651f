#!/usr/bin/env bash
# Instructions per stream step of the batched session (`edgelstm bench --lanes K`) against the
# single-stream step, under valgrind's callgrind, independent of the neighbours' load. A --lanes
# run times the batched session and then the single-stream session over the same number of stream
# steps, so (its 200,000-step total - its 100,000-step total) / 100,000 is batched + single per
# stream step; the single-stream step's own difference (as in engine-instructions.sh) is subtracted.
# Usage: bench/batch-instructions.sh BINARY [LANES] [SHAPE...]   (default 64 lanes; M G)
set -euo pipefail
exe=$1; shift
lanes=${1:-64}; shift || true
shapes=("$@"); ((${#shapes[@]})) || shapes=(M G)
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cp "$exe" "$dir/edgelstm"   # without the separate edgelstm.dbg beside it, which valgrind cannot read
ir() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$dir/edgelstm" bench "$@" --json 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for shape in "${shapes[@]}"; do
  s1=$(ir --shape "$shape" --steps 100000); s2=$(ir --shape "$shape" --steps 200000)
  b1=$(ir --shape "$shape" --lanes "$lanes" --steps 100000); b2=$(ir --shape "$shape" --lanes "$lanes" --steps 200000)
  single=$(( (s2 - s1) / 100000 ))
  echo "$shape single $single batched $(( (b2 - b1) / 100000 - single )) instructions per stream step (K = $lanes)"
done
