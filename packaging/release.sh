#!/usr/bin/env bash
# Release: SHA256SUMS over the artefacts, signed with the project's minisign key
# (docs/packaging.md, "Releases"). Coordinators check the signature with `minisign -V` and
# the artefact with `sha256sum -c` before handing it to volunteers.
#   packaging/release.sh OUTDIR [ARTEFACT...]
# With no ARTEFACT, dist/amanat/ (./dev package) is packed as
# OUTDIR/amanat-VERSION-OS-ARCH.tar.gz first. The artefacts are copied into OUTDIR, and
# OUTDIR/SHA256SUMS and OUTDIR/SHA256SUMS.minisig are written there.
# The secret key: AMANAT_RELEASE_KEY (a minisign secret key file, default
# ~/.minisign/minisign.key). minisign asks for its password, or with
# AMANAT_RELEASE_KEY_UNENCRYPTED=1 the key has none (minisign -G -W; only for tests).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
OUTDIR=${1:?usage: packaging/release.sh OUTDIR [ARTEFACT...]}
shift
KEY=${AMANAT_RELEASE_KEY:-$HOME/.minisign/minisign.key}
[ -f "$KEY" ] || { echo "release: no minisign secret key at $KEY" >&2; exit 1; }
command -v minisign >/dev/null || { echo "release: minisign is not installed" >&2; exit 1; }
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/pyproject.toml" | head -1)
if [ $# -eq 0 ]; then
  [ -x "$REPO/dist/amanat/amanat" ] || [ -f "$REPO/dist/amanat/amanat.exe" ] ||
    { echo "release: no dist/amanat (run ./dev package first)" >&2; exit 1; }
  os=$(uname -s | tr '[:upper:]' '[:lower:]')
  tarball="$OUTDIR/amanat-$VERSION-$os-$(uname -m).tar.gz"
  tar -C "$REPO/dist" -czf "$tarball" amanat
  set -- "$tarball"
fi

names=()
for artefact in "$@"; do
  [ -f "$artefact" ] || { echo "release: no file $artefact" >&2; exit 1; }
  name=$(basename "$artefact")
  [ "$(cd "$(dirname "$artefact")" && pwd)/$name" = "$OUTDIR/$name" ] || cp -f "$artefact" "$OUTDIR/$name"
  names+=("$name")
done

cd "$OUTDIR"
rm -f SHA256SUMS SHA256SUMS.minisig
sha256sum -- "${names[@]}" >SHA256SUMS
trusted="Amanat $VERSION release checksums, $(date -u +%Y-%m-%d)"
if [ "${AMANAT_RELEASE_KEY_UNENCRYPTED:-0}" = 1 ]; then
  minisign -S -s "$KEY" -m SHA256SUMS -t "$trusted" </dev/null >/dev/null
else
  minisign -S -s "$KEY" -m SHA256SUMS -t "$trusted"
fi
echo "release: wrote $OUTDIR/SHA256SUMS and SHA256SUMS.minisig for: ${names[*]}"
