#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need, builds the shipped
# NativeAOT binaries the cross-architecture tests run, runs every test project, and ends with
# the plain line "N passed, N failed, N skipped" summed over all of them.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# shellcheck source=scripts/prerequisites.sh
source scripts/prerequisites.sh
install_prerequisites

dotnet restore EdgeLstm.sln --nologo -v quiet
dotnet build EdgeLstm.sln -c Release --no-restore --nologo -v quiet

# The shipped binaries (x86-64-v3, x86-64-v2, arm64) for the cross-architecture tests.
./publish.sh linux-x64 linux-x64-v2 linux-arm64

passed=0; failed=0; skipped=0; status=0
mkdir -p artifacts/test-results
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  log="artifacts/test-results/$name.log"
  echo "== $name"
  set +e
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$PWD/artifacts/test-results/$name.trx" \
    --logger "console;verbosity=normal" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  trx="artifacts/test-results/$name.trx"
  if [[ -f "$trx" ]]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
    f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
    t=$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")
    e=$(sed -E 's/.* executed="([0-9]+)".*/\1/' <<<"$counters")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + t - e))
  else
    echo "no test results for $name (exit $rc)"; failed=$((failed + 1))
  fi
  if [[ $rc -ne 0 ]]; then status=1; fi
done

if [[ $failed -gt 0 ]]; then python3 scripts/failed-tests.py artifacts/test-results/*.trx || true; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
