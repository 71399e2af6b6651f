#!/usr/bin/env bash
# Pipeline benchmarks (docs/benchmarks.md, "Streaming pipeline") with the shipped NativeAOT binary:
# replay throughput for 1, 8, 64 streams (text and binary frames), overhead against the bare
# engine for shape M, and pty -> JSON line latency through socat.
# Usage: ./publish.sh linux-x64 && bench/pipeline-bench.sh [RUNS]   (default 3 runs per row)
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x dist/linux-x64/edgelstm ]] || { echo "pipeline-bench.sh: run ./publish.sh linux-x64 first" >&2; exit 2; }
command -v socat >/dev/null || { echo "pipeline-bench.sh: socat is needed (scripts/prerequisites.sh)" >&2; exit 2; }
exec python3 bench/pipeline_bench.py "${1:-3}"
