#!/usr/bin/env bash
# macOS: wrap dist/Amanat.app (./dev package on macOS, packaging/amanat.spec's BUNDLE) in a
# compressed disk image dist/installer/amanat-VERSION-macos.dmg, with a link to /Applications
# to drag it onto (docs/packaging.md). Uses only hdiutil, which every Mac has.
# Not signed or notarized here: that needs an Apple Developer ID (docs/packaging.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)
APP=dist/Amanat.app
[ -d "$APP" ] || { echo "make_dmg: no $APP (run ./dev package first)" >&2; exit 1; }
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
mkdir -p dist/installer
OUT="dist/installer/amanat-$VERSION-macos-$(uname -m).dmg"
rm -f "$OUT"
hdiutil create -volname "Amanat $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO "$OUT"
echo "make_dmg: wrote $OUT"
