#!/usr/bin/env bash
# make package: the frozen folder (PyInstaller), a .tar.gz of it and a .deb that
# installs it under /opt with a launcher; then a smoke test of what was built.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
VERSION=$($PY -c 'import testimony_app; print(testimony_app.__version__)')
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
OUT=build/package
rm -rf build/dist build/work "$OUT"
mkdir -p "$OUT"

$PY -m PyInstaller --noconfirm --log-level ERROR --distpath build/dist --workpath build/work \
    packaging/testimony.spec
FOLDER=build/dist/testimony
SIZE_MB=$(du -sm "$FOLDER" | cut -f1)
echo "frozen folder: ${SIZE_MB} MB"
# The limit catches a heavy dependency slipping in (the PySide6 meta-package's WebEngine
# is ~500 MB); Qt, SQLCipher, age and the RFC 3161 client take about 205 MB today.
if [ "$SIZE_MB" -gt 240 ]; then echo "too large (limit 240 MB)" >&2; exit 1; fi

tar -C build/dist -czf "$OUT/testimony-$VERSION-linux-$ARCH.tar.gz" testimony

DEB=build/deb
rm -rf "$DEB"
mkdir -p "$DEB/DEBIAN" "$DEB/opt" "$DEB/usr/bin" "$DEB/usr/share/applications" \
         "$DEB/usr/share/metainfo"
cp -a "$FOLDER" "$DEB/opt/testimony"
ln -s /opt/testimony/testimony "$DEB/usr/bin/testimony"
ln -s /opt/testimony/testimony-app "$DEB/usr/bin/testimony-app"
install -m 644 resources/testimony.desktop "$DEB/usr/share/applications/testimony.desktop"
install -m 644 resources/app.testimony.Testimony.metainfo.xml "$DEB/usr/share/metainfo/"
for size in 16 24 32 48 64 128 256 512; do
    dir="$DEB/usr/share/icons/hicolor/${size}x${size}/apps"
    mkdir -p "$dir"
    install -m 644 "resources/icons/testimony-$size.png" "$dir/testimony.png"
done
mkdir -p "$DEB/usr/share/icons/hicolor/scalable/apps"
install -m 644 resources/icons/testimony.svg "$DEB/usr/share/icons/hicolor/scalable/apps/"
cat > "$DEB/DEBIAN/control" <<CONTROL
Package: testimony
Version: $VERSION
Architecture: $ARCH
Maintainer: The Testimony developers <security@example.org>
Section: utils
Priority: optional
Depends: libc6, libegl1, libgl1, libxkbcommon0, libfontconfig1, libdbus-1-3
Recommends: libpulse0, fonts-noto-core
Installed-Size: $(du -sk "$DEB" | cut -f1)
Description: offline documentation of human-rights violations
 Record testimonies in an encrypted vault, pseudonymise identities, send work as
 encrypted signed bundles, and publish redacted exports that auditors can verify.
CONTROL
dpkg-deb --build --root-owner-group "$DEB" "$OUT/testimony_${VERSION}_${ARCH}.deb" >/dev/null

if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate resources/testimony.desktop
fi
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net --pedantic resources/app.testimony.Testimony.metainfo.xml \
        || appstreamcli validate --no-net resources/app.testimony.Testimony.metainfo.xml
fi
ls -l "$OUT"
bash packaging/smoke.sh "$FOLDER"
