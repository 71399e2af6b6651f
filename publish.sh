#!/usr/bin/env bash
# NativeAOT builds of `edgelstm` (DESIGN.md section 3):
#   linux-x64      x86-64-v3 (AVX2), the shipped x64 build
#   linux-x64-v2   x86-64-v2 (SSE4.2, Vector128 only), for older Atom-class gateways
#   linux-arm64    ARMv8.0 + AdvSimd (Raspberry Pi 4 and later), cross-linked here with clang + lld
# Each into dist/<target>/: the executable, its symbols in edgelstm.dbg (stripped from the binary),
# and native libraries where a dependency needs them. Invariant globalization.
# Then scripts/package.sh packs each target into dist/packages/ (tarball; .deb for linux-x64, linux-arm64).
# Usage: ./publish.sh [TARGET...]   (default: all three)
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# shellcheck source=scripts/prerequisites.sh
source scripts/prerequisites.sh
install_prerequisites

targets=("$@")
((${#targets[@]})) || targets=(linux-x64 linux-x64-v2 linux-arm64)

project=src/EdgeLstm.Cli/EdgeLstm.Cli.csproj
for target in "${targets[@]}"; do
  case "$target" in
    linux-x64)    rid=linux-x64;   args=(-p:IlcInstructionSet=x86-64-v3) ;;
    linux-x64-v2) rid=linux-x64;   args=(-p:IlcInstructionSet=x86-64-v2) ;;
    # Debian's cross libc, no SysRoot; objcopy of the target architecture for StripSymbols.
    linux-arm64)  rid=linux-arm64; args=(-p:LinkerFlavor=lld -p:ObjCopyName=aarch64-linux-gnu-objcopy) ;;
    *) echo "publish.sh: unknown target '$target' (linux-x64, linux-x64-v2, linux-arm64)" >&2; exit 2 ;;
  esac
  out="dist/$target"
  rm -rf "$out"
  echo "== publish $target"
  # A separate artifacts path per target: the two x64 flavours share a RID and must not share obj/.
  dotnet publish "$project" -c Release -r "$rid" -p:CppCompilerAndLinker=clang "${args[@]}" \
    --artifacts-path "artifacts/publish/$target" -o "$out" --nologo -v quiet
  rm -f "$out"/*.pdb  # managed symbols of referenced projects
  # The native symbols, stripped from the binary, kept beside it (not packaged) for debuggers and profilers.
  cp "artifacts/publish/$target/bin/EdgeLstm.Cli/release_$rid/native/edgelstm.dbg" "$out/"
  ls -l "$out"
  scripts/package.sh "$target"   # tarball (+ .deb for the shipped builds) in dist/packages/
done
