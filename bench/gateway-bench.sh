#!/usr/bin/env bash
# The gateway benchmark (docs/benchmarks.md, "Gateway"; issue 17): the simulated fleet through a local
# mosquitto into one `edgelstm run` (embedded default model, MQTT source on sensors/+/imu), 50 Hz per
# node, 10 samples per message, N stepped up until a run drops a sample or its p99 latency reaches
# 200 ms; then the largest passing N with batched stepping off (pipeline.batchLanes 0). Prints one JSON line
# per run. Needs ./publish.sh linux-x64 first (dist/linux-x64/edgelstm); builds the fleet itself.
#   bench/gateway-bench.sh                     the daemon benchmark (arguments go to bench/gateway_bench.py)
#   bench/gateway-bench.sh --fleet-only        the fleet and mosquitto alone, mosquitto_sub counting messages
set -euo pipefail
cd "$(dirname "$0")/.."
command -v mosquitto >/dev/null || { echo "gateway-bench: mosquitto is not installed (apt-get install mosquitto mosquitto-clients)" >&2; exit 2; }
dotnet build bench/fleet -c Release -v quiet -nologo >/dev/null
# 1,000+ nodes are 1,000+ connections, each a descriptor in the fleet and in mosquitto.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec python3 bench/gateway_bench.py "$@"
