#!/usr/bin/env bash
# Clockwork RNN: instructions per integer step under valgrind's callgrind against the paper's
# cost model, for shape C (9 inputs, one Clockwork layer, 6 classes) with 1, 2, 4 and 8 equal
# modules of periods 1, 2, 4, ... Per configuration: total instructions of a run of 2N steps
# minus a run of N steps (same start-up and warm-up), over N; N is a multiple of 256 (every
# period cycle). Independent of the neighbours' load, unlike wall time (bench/clockwork-bench.sh).
# valgrind cannot read DWARF 5 debug information: run a stripped NativeAOT binary (the method
# of bench/engine-instructions.sh), e.g. one published with
#   dotnet publish src/EdgeLstm.Cli/EdgeLstm.Cli.csproj -c Release -r linux-x64 \
#     -p:CppCompilerAndLinker=clang -p:IlcInstructionSet=x86-64-v3 -o /tmp/pub
# HIDDEN=N (default 64) widens the layer (`bench --hidden`); STEPS=N (default 102400; bench
# takes at least 100,000) sets N.
# Usage: [HIDDEN=256] [STEPS=N] bench/clockwork-instructions.sh BINARY
set -euo pipefail
exe=$1
hidden=${HIDDEN:-64}
steps=${STEPS:-102400}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cp "$exe" "$dir/edgelstm"
strip "$dir/edgelstm" 2>/dev/null || true
ir() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$dir/edgelstm" bench --shape C --hidden "$hidden" \
    --periods "$1" --engine int --steps "$2" --json 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
macs() {
  "$dir/edgelstm" bench --shape C --hidden "$hidden" --periods "$1" --engine int --steps 102400 --json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["macsPerStep"])'
}
echo "| periods | avg MACs/step (model) | relative MACs | instructions per step | relative |"
echo "|---|---:|---:|---:|---:|"
base_macs=; base_ir=
for periods in 1 1,2 1,2,4,8 1,2,4,8,16,32,64,128; do
  m=$(macs "$periods")
  lo=$(ir "$periods" "$steps"); hi=$(ir "$periods" $(( 2 * steps )))
  per=$(( (hi - lo) / steps ))
  : "${base_macs:=$m}" "${base_ir:=$per}"
  python3 -c "import sys; p, m, bm, i, bi = sys.argv[1:]; m, bm, i, bi = float(m), float(bm), int(i), int(bi)
print(f'| {p} | {m:,.0f} | {m / bm:.2f} | {i:,} | {i / bi:.2f} |')" "$periods" "$m" "$base_macs" "$per" "$base_ir"
done
