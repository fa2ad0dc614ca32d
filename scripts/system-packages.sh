#!/usr/bin/env bash
# The Debian packages that running and testing Testimony need beyond Python wheels,
# listed once. `make test`, `make run` and `.ci/run` call this; it installs what is
# missing when run as root, and otherwise prints the one command to run.
#
#   Qt's offscreen platform: libegl1 libgl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3
#   Qt's xcb platform (a real window): libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
#   Arabic text rendering checks:      fonts-noto-core
#   QtMultimedia (audio), headless:    libpulse0 pulseaudio
#   bundles opened by the standard tool (interoperability test): age
#   the sync folder carried by a real Syncthing (end-to-end sync tests): syncthing
#   the package checks (make package): desktop-file-utils appstream
#   the old-header carving test on a loop-mounted ext4 image: e2fsprogs mount
set -euo pipefail

PACKAGES=(
    libegl1 libgl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
    fonts-noto-core
    libpulse0 pulseaudio
    age
    syncthing
    desktop-file-utils appstream
    e2fsprogs mount
)

if ! command -v dpkg >/dev/null 2>&1; then
    echo "system-packages: not a Debian-based system; install the equivalents of: ${PACKAGES[*]}" >&2
    exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
((${#missing[@]})) || exit 0

if [[ $(id -u) -ne 0 ]]; then
    # Not fatal: the tests that need a missing package skip and say why.
    echo "system-packages: missing ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
