#!/usr/bin/env bash
# Debian packages the build and the tests need; sourced by test.sh and publish.sh.
# Idempotent: installs only what dpkg does not already report as installed.
#
#   clang, lld                    NativeAOT linking (lld for the arm64 cross link)
#   libc6-dev-arm64-cross         arm64 crt files, libc, loader (/usr/aarch64-linux-gnu)
#   libgcc-12-dev-arm64-cross     arm64 crtbeginS.o and libgcc; clang finds the arm64 tree through it
#   binutils-aarch64-linux-gnu    aarch64-linux-gnu-objcopy, to strip symbols of the arm64 binary
#   qemu-user                     qemu-aarch64, to run the arm64 binary in the cross-architecture tests
#   systemd                       systemd-analyze, to verify and score the unit file (not started: no PID 1 here)
#   mosquitto                     the real MQTT broker the MQTT sink's tests start on 127.0.0.1
#   mosquitto-clients             mosquitto_sub, which docs/quickstart.md watches the broker with (its walkthrough test runs it)
#   socat                         pseudo-terminal pairs: the serial end-to-end tests and the pty latency benchmark
#   strace                        proves the binary never maps writable+executable memory (MemoryDenyWriteExecute=)
#   gcc-avr, binutils-avr, avr-libc  build the Arduino Uno firmware of firmware-samples/ (avr-gcc, avr-size, <avr/io.h>)
#   make                          the firmware's Makefile
#   qemu-system-misc              qemu-system-avr -M uno: runs that firmware in the firmware-in-the-loop tests
#   python3                       firmware-samples/arduino-uno-imu/tools/make-excerpt.py, checked by those tests
#   arduino-builder, arduino-core-avr  build that firmware as an Arduino IDE sketch (the IDE's engine and AVR core)
#   dpkg-dev                      dpkg-shlibdeps (the .deb's Depends) and dpkg-parsechangelog, for scripts/package.sh
#   groff-base                    renders the generated manual page in the package tests (groff -man -ww)
#   lintian                       checks both .debs in the package tests (about 10 s for the two)
PREREQUISITE_PACKAGES=(clang lld libc6-dev-arm64-cross libgcc-12-dev-arm64-cross binutils-aarch64-linux-gnu qemu-user
  systemd strace mosquitto mosquitto-clients socat
  gcc-avr binutils-avr avr-libc make qemu-system-misc python3 arduino-builder arduino-core-avr
  dpkg-dev groff-base lintian)

install_prerequisites() {
  local missing=() p
  for p in "${PREREQUISITE_PACKAGES[@]}"; do
    dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed$' || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then return 0; fi
  echo "installing: ${missing[*]}"
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
