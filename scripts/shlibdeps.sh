#!/usr/bin/env bash
# Prints the Depends: value of a .deb for its ELF files, computed from their NEEDED entries.
#   Host architecture: dpkg-shlibdeps (the libraries' shlibs and symbols files, as a Debian build
#     does), run in a scratch debian/ directory since this project has no source package.
#   Another architecture (the arm64 package cross-built on amd64): dpkg-shlibdeps cannot answer,
#     as that architecture's libc6 is not installed (only libc6-arm64-cross, whose shlibs file
#     names the cross libc's own version, not the one the binary needs). Instead a fixed table
#     maps each NEEDED soname to its package, below; for libc6 the version is the newest GLIBC_x.y
#     symbol version the files require (readelf -V), which is what libc6's symbols file yields.
#     A soname missing from the table is an error: add it, with its package.
#   --table uses the table on the host architecture too (the package tests compare both ways).
# Usage: scripts/shlibdeps.sh [--table] ARCH ELF...
set -euo pipefail

table=no
if [[ ${1:-} == --table ]]; then table=yes; shift; fi
(($# >= 2)) || { echo "usage: scripts/shlibdeps.sh [--table] ARCH ELF..." >&2; exit 2; }
arch=$1; shift
files=("$@")

if [[ $table == no && $arch == "$(dpkg --print-architecture)" ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/debian/edgelstm/DEBIAN"   # DEBIAN/ marks the package root for dpkg-shlibdeps
  printf 'Source: edgelstm\n\nPackage: edgelstm\nArchitecture: any\n' > "$work/debian/control"
  staged=()
  for f in "${files[@]}"; do   # inside debian/<package>/, where dpkg-shlibdeps expects them
    cp "$f" "$work/debian/edgelstm/"
    staged+=("debian/edgelstm/$(basename "$f")")
  done
  (cd "$work" && dpkg-shlibdeps -O "${staged[@]}") | sed -n 's/^shlibs:Depends=//p'
  exit 0
fi

# soname -> package, for every architecture this project builds (glibc's libraries and loaders).
declare -A package=(
  [libc.so.6]=libc6 [libm.so.6]=libc6 [libpthread.so.0]=libc6 [libdl.so.2]=libc6 [librt.so.1]=libc6
  [libresolv.so.2]=libc6 [ld-linux-x86-64.so.2]=libc6 [ld-linux-aarch64.so.1]=libc6
)
declare -A depends=()
glibc=""
for f in "${files[@]}"; do
  while read -r soname; do
    p=${package[$soname]:-}
    [[ -n $p ]] || { echo "shlibdeps.sh: $f needs $soname, which is not in the table of scripts/shlibdeps.sh" >&2; exit 2; }
    depends[$p]=1
  done < <(readelf -d "$f" | sed -nE 's/.*\(NEEDED\).*\[(.*)\]$/\1/p')
  # The newest GLIBC_x.y version the file's dynamic symbols require.
  v=$( { echo "$glibc"; readelf -V --wide "$f" | sed -nE 's/.*Name: GLIBC_([0-9.]+).*/\1/p'; } | sed '/^$/d' | sort -V | tail -1)
  glibc=$v
done
out=()
for p in $(printf '%s\n' "${!depends[@]}" | sort); do
  if [[ $p == libc6 && -n $glibc ]]; then out+=("libc6 (>= $glibc)"); else out+=("$p"); fi
done
(IFS=,; echo "${out[*]}" | sed 's/,/, /g')
