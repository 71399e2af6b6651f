#!/usr/bin/env bash
# Packages one published target (dist/<target>/) as a tarball and a .deb in dist/packages/.
#   tarball  edgelstm-<version>-<target>.tar.gz: the binary, its native libraries, the unit,
#            the udev rule, the configuration and the every-option example, the manual page,
#            README and the docs of the .deb, LICENSE and notices, flat.
#   .deb     edgelstm_<version>_<arch>.deb (Debian policy's layout; lintian-clean but for the
#            overrides in packaging/debian/lintian-overrides, each with its reason):
#              /usr/lib/edgelstm/               binary + native libraries (NativeAOT loads them from beside it)
#              /usr/bin/edgelstm                symlink to it
#              /lib/systemd/system/edgelstm.service, /lib/udev/rules.d/99-edgelstm.rules
#              /etc/edgelstm/edgelstm.json      the minimal configuration (a conffile: kept across upgrades)
#              /usr/share/man/man1/edgelstm.1.gz   generated from the binary's help (scripts/manpage.py)
#              /usr/share/doc/edgelstm/         README, docs/operations.md and the docs it links to
#                                               (scripts/install-docs.py), copyright (DEP-5), changelog.gz,
#                                               THIRD-PARTY-NOTICES, the .NET runtime's notices
#              /usr/share/doc/edgelstm/examples/   edgelstm.full.json and the recording it replays
#              /usr/share/lintian/overrides/edgelstm
#            Depends: from the ELF files' NEEDED entries (scripts/shlibdeps.sh); Recommends: libssl3
#            (.NET loads libssl with dlopen for MQTT over TLS, so it is not among them).
# Usage: scripts/package.sh TARGET   (linux-x64 | linux-x64-v2 | linux-arm64)
set -euo pipefail
cd "$(dirname "$0")/.."

target=$1
case "$target" in
  linux-x64)    arch=amd64; rid=linux-x64;   objcopy=objcopy; run=(); deb=yes ;;
  linux-x64-v2) arch=amd64; rid=linux-x64;   objcopy=objcopy; run=(); deb=no ;;   # the .deb carries the shipped x86-64-v3 build
  linux-arm64)  arch=arm64; rid=linux-arm64; objcopy=aarch64-linux-gnu-objcopy; deb=yes
                run=(env QEMU_LD_PREFIX=/usr/aarch64-linux-gnu qemu-aarch64) ;;   # for the manual page's help texts
  *) echo "package.sh: unknown target '$target'" >&2; exit 2 ;;
esac
version=$(sed -nE 's#.*<Version>([^<]+)</Version>.*#\1#p' Directory.Build.props | head -1)
homepage=https://github.com/edgelstm/edgelstm
src="dist/$target"
out=dist/packages
[[ -x "$src/edgelstm" ]] || { echo "package.sh: $src/edgelstm missing; run ./publish.sh $target first" >&2; exit 2; }

# The changelog names the version it describes; a version bump needs its entry first.
changelog=packaging/debian/changelog
[[ $(dpkg-parsechangelog -l "$changelog" -SVersion) == "$version" ]] ||
  { echo "package.sh: $changelog's latest entry is not version $version (Directory.Build.props): add one" >&2; exit 2; }
# Reproducible: every timestamp (files, manual page date) is the changelog entry's.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(dpkg-parsechangelog -l "$changelog" -STimestamp)}
date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The binary without its .comment section (compiler versions; lintian binary-has-unneeded-section).
# The symbols were stripped at publish (edgelstm.dbg); the debug link and build id stay.
bin="$work/bin"
mkdir -p "$bin"
"$objcopy" --remove-section=.comment "$src/edgelstm" "$bin/edgelstm"
libs=()
for so in "$src"/*.so; do
  [[ -e "$so" ]] || continue
  "$objcopy" --remove-section=.comment "$so" "$bin/$(basename "$so")"
  libs+=("$bin/$(basename "$so")")
done

# The manual page, from the help of the binary being packaged.
scripts/manpage.py --version "$version" --date "$date" -- "${run[@]}" "$src/edgelstm" > "$work/edgelstm.1"

# The every-option example as installed: its file source replays a recording beside it (the
# first 20 s of firmware-samples/recordings/hapt-exp03-user02.csv) instead of the repository's.
recording=firmware-samples/recordings/hapt-exp03-user02.csv
excerpt=hapt-exp03-user02-first20s.csv
head -n 1001 "$recording" > "$work/$excerpt"
grep -q "\"path\": \"../$recording\"" config/edgelstm.full.json ||
  { echo "package.sh: config/edgelstm.full.json no longer replays ../$recording: update package.sh" >&2; exit 2; }
sed "s#\"path\": \"../$recording\"#\"path\": \"$excerpt\"#" config/edgelstm.full.json > "$work/edgelstm.full.json"

# Tarball: everything side by side, for a manual install or a non-Debian system.
name="edgelstm-$version-$target"
mkdir -p "$work/$name"
cp "$bin"/* "$work/$name/"
cp config/edgelstm.service config/99-edgelstm.rules config/edgelstm.json "$work/edgelstm.full.json" "$work/$excerpt" \
  "$work/edgelstm.1" LICENSE THIRD-PARTY-NOTICES "$work/$name/"
scripts/install-docs.py --dest "$work/$name" --url "$homepage/blob/v$version" --follow docs/operations.md README.md >/dev/null
tar -C "$work" --owner=0 --group=0 --sort=name --mtime="@$SOURCE_DATE_EPOCH" -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"

[[ $deb == yes ]] || exit 0

# .deb
root="$work/deb"
doc="$root/usr/share/doc/edgelstm"
install -d "$root/DEBIAN" "$root/usr/lib/edgelstm" "$root/usr/bin" "$root/lib/systemd/system" \
  "$root/lib/udev/rules.d" "$root/etc/edgelstm" "$root/usr/share/man/man1" "$doc/examples" \
  "$root/usr/share/lintian/overrides"
install -m 755 "$bin/edgelstm" "$root/usr/lib/edgelstm/"
for so in "${libs[@]}"; do install -m 644 "$so" "$root/usr/lib/edgelstm/"; done
ln -s ../lib/edgelstm/edgelstm "$root/usr/bin/edgelstm"
install -m 644 config/edgelstm.service "$root/lib/systemd/system/"
install -m 644 config/99-edgelstm.rules "$root/lib/udev/rules.d/"
install -m 644 config/edgelstm.json "$root/etc/edgelstm/"
echo /etc/edgelstm/edgelstm.json > "$root/DEBIAN/conffiles"
gzip -9n < "$work/edgelstm.1" > "$root/usr/share/man/man1/edgelstm.1.gz"

# Docs: README, the operations guide and what it links to, with links that work where installed
# (uncompressed, so that they do); the licence is in copyright (and /usr/share/common-licenses).
scripts/install-docs.py --dest "$doc" --url "$homepage/blob/v$version" --follow docs/operations.md README.md >/dev/null
install -m 644 packaging/debian/copyright THIRD-PARTY-NOTICES "$doc/"
gzip -9n < "$changelog" > "$doc/changelog.gz"   # a native package: changelog.gz (policy 12.7)
# The .NET runtime's own notices (its third-party code), from the ILCompiler package this build used.
notices=$(python3 - "artifacts/publish/$target/obj/EdgeLstm.Cli/project.assets.json" "$rid" <<'PY'
import json, os, sys
assets = json.load(open(sys.argv[1]))
name = f"runtime.{sys.argv[2]}.microsoft.dotnet.ilcompiler/".lower()
paths = [lib["path"] for key, lib in assets["libraries"].items() if key.lower().startswith(name)]
folders = list(assets["packageFolders"])
print(os.path.join(folders[0], paths[0], "THIRD-PARTY-NOTICES.TXT") if paths and folders else "")
PY
)
[[ -f "$notices" ]] || { echo "package.sh: the .NET runtime's THIRD-PARTY-NOTICES.TXT not found (from artifacts/publish/$target)" >&2; exit 2; }
gzip -9n < "$notices" > "$doc/THIRD-PARTY-NOTICES.dotnet-runtime.gz"
install -m 644 "$work/edgelstm.full.json" "$work/$excerpt" "$doc/examples/"
install -m 644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/edgelstm"
install -m 755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"
find "$root" -type d -exec chmod 755 {} +
find "$root" ! -path "$root/DEBIAN/*" -type f ! -path "$root/usr/lib/edgelstm/edgelstm" -exec chmod 644 {} +

depends=$(scripts/shlibdeps.sh "$arch" "$root/usr/lib/edgelstm/edgelstm" "${libs[@]/#$bin/$root/usr/lib/edgelstm}")
[[ -n "$depends" ]] || { echo "package.sh: no Depends computed" >&2; exit 2; }
size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: edgelstm
Version: $version
Architecture: $arch
Maintainer: EdgeLstm contributors <edgelstm@users.noreply.github.com>
Installed-Size: $size
Depends: $depends
Recommends: libssl3 | libssl3t64
Section: misc
Priority: optional
Homepage: $homepage
Description: real-time sensor-stream classifier for edge Linux boards
 One NativeAOT executable that reads sensor streams (serial, sockets, files),
 runs recurrent networks (LSTM, GRU and relatives) in integer-only fixed point
 and publishes classifications over MQTT, sockets, serial and stdout; runs as a
 hardened systemd service. 64-bit only (arm64, amd64).
 .
 The same executable trains, quantizes, imports ONNX models, evaluates,
 replays and records streams, and benchmarks. libssl is recommended for MQTT
 over TLS.
CONTROL
# md5sums of every file but the conffiles (dpkg keeps theirs), as dh_md5sums writes them.
(cd "$root" && find . -path ./DEBIAN -prune -o -type f ! -path ./etc/edgelstm/edgelstm.json -printf '%P\0' |
  LC_ALL=C sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
find "$root" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/edgelstm_${version}_${arch}.deb" >/dev/null
echo "$out/edgelstm_${version}_${arch}.deb"
