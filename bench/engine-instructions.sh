#!/usr/bin/env bash
# Instructions per integer step of `edgelstm bench --shape SHAPE` under valgrind's callgrind:
# total instructions of a 200,000-step run minus a 100,000-step run (same warm-up and start-up),
# over 100,000. Independent of the neighbours' load, unlike wall time on this shared machine.
# valgrind cannot read the separate edgelstm.dbg that publish.sh leaves beside the binary, so
# the binary is run from a copy without it.
# Usage: bench/engine-instructions.sh BINARY [SHAPE...]   (default S M L G)
set -euo pipefail
exe=$1; shift
shapes=("$@"); ((${#shapes[@]})) || shapes=(S M L G)
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cp "$exe" "$dir/edgelstm"
ir() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$dir/edgelstm" bench --shape "$1" --steps "$2" --json 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for shape in "${shapes[@]}"; do
  lo=$(ir "$shape" 100000); hi=$(ir "$shape" 200000)
  echo "$shape $(( (hi - lo) / 100000 )) instructions per step"
done
