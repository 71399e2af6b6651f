#!/usr/bin/env bash
# Packages one published target (dist/<target>/) as a tarball and a .deb in dist/packages/.
#   tarball  edgelstm-<version>-<target>.tar.gz: the binary, its native libraries, the unit,
#            the udev rule, the example configuration, README, LICENSE and notices, flat.
#   .deb     edgelstm_<version>_<arch>.deb: /usr/lib/edgelstm/ (binary + native libraries, which
#            NativeAOT loads from beside the binary), /usr/bin/edgelstm (symlink),
#            /lib/systemd/system/edgelstm.service, /lib/udev/rules.d/99-edgelstm.rules,
#            /etc/edgelstm/edgelstm.json (a conffile: kept across upgrades), docs.
# Usage: scripts/package.sh TARGET   (linux-x64 | linux-x64-v2 | linux-arm64)
set -euo pipefail
cd "$(dirname "$0")/.."

target=$1
case "$target" in
  linux-x64)    arch=amd64; deb=yes ;;
  linux-x64-v2) arch=amd64; deb=no ;;   # the .deb carries the shipped x86-64-v3 build
  linux-arm64)  arch=arm64; deb=yes ;;
  *) echo "package.sh: unknown target '$target'" >&2; exit 2 ;;
esac
version=$(sed -nE 's#.*<Version>([^<]+)</Version>.*#\1#p' Directory.Build.props | head -1)
src="dist/$target"
out=dist/packages
[[ -x "$src/edgelstm" ]] || { echo "package.sh: $src/edgelstm missing; run ./publish.sh $target first" >&2; exit 2; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
docs=(README.md LICENSE THIRD-PARTY-NOTICES)
[[ -f docs/operations.md ]] && docs+=(docs/operations.md)
config=config/edgelstm.json

# Tarball: everything side by side, for a manual install or a non-Debian system.
name="edgelstm-$version-$target"
mkdir -p "$work/$name"
cp "$src"/edgelstm "$work/$name/"
cp "$src"/*.so "$work/$name/" 2>/dev/null || true
cp config/edgelstm.service config/99-edgelstm.rules "${docs[@]}" "$work/$name/"
[[ -f "$config" ]] && cp "$config" "$work/$name/"
tar -C "$work" --owner=0 --group=0 --sort=name --mtime='@0' -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"

[[ $deb == yes ]] || exit 0

# .deb
root="$work/deb"
install -d "$root/DEBIAN" "$root/usr/lib/edgelstm" "$root/usr/bin" "$root/lib/systemd/system" \
  "$root/lib/udev/rules.d" "$root/etc/edgelstm" "$root/usr/share/doc/edgelstm"
install -m 755 "$src/edgelstm" "$root/usr/lib/edgelstm/"
for so in "$src"/*.so; do [[ -e "$so" ]] && install -m 644 "$so" "$root/usr/lib/edgelstm/"; done
ln -s ../lib/edgelstm/edgelstm "$root/usr/bin/edgelstm"
install -m 644 config/edgelstm.service "$root/lib/systemd/system/"
install -m 644 config/99-edgelstm.rules "$root/lib/udev/rules.d/"
: > "$root/DEBIAN/conffiles"
if [[ -f "$config" ]]; then
  install -m 644 "$config" "$root/etc/edgelstm/"
  echo /etc/edgelstm/edgelstm.json >> "$root/DEBIAN/conffiles"
fi
for d in "${docs[@]}"; do install -m 644 "$d" "$root/usr/share/doc/edgelstm/"; done
install -m 644 LICENSE "$root/usr/share/doc/edgelstm/copyright"
install -m 755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: edgelstm
Version: $version
Architecture: $arch
Maintainer: EdgeLstm contributors <edgelstm@users.noreply.github.com>
Installed-Size: $size
Section: misc
Priority: optional
Homepage: https://github.com/edgelstm/edgelstm
Description: real-time sensor-stream classifier for edge Linux boards
 One NativeAOT executable that reads sensor streams (serial, sockets, files),
 runs recurrent networks (LSTM, GRU and relatives) in integer-only fixed point
 and publishes classifications over MQTT, sockets, serial and stdout; runs as a
 hardened systemd service. 64-bit only (arm64, amd64).
CONTROL
[[ -s "$root/DEBIAN/conffiles" ]] || rm "$root/DEBIAN/conffiles"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/edgelstm_${version}_${arch}.deb" >/dev/null
echo "$out/edgelstm_${version}_${arch}.deb"
