#!/usr/bin/env bash
# Smoke test of the frozen build (docs/packaging.md): run it after `./dev package`, before
# every release, on each platform. With a fresh HOME and no Python on the way, the frozen
# `amanat` prints its version, creates a volunteer and a coordinator vault, exchanges cards,
# adds and finalizes the packaged example testimony, exports a bundle and imports it into the
# coordinator vault, prints a blank Uyghur/Chinese form (pdftotext must find both scripts),
# then starts `amanat-gui` under Xvfb for 10 s (no error output, a screenshot).
#   packaging/smoke.sh [DIST]     DIST defaults to dist/amanat
# Needs: pdftotext (poppler-utils), python3 (reads JSON), and on Linux Xvfb, xwd (x11-apps) and
# xwdtopnm/pnmtopng (netpbm) for the screenshot (AMANAT_SMOKE_NO_GUI=1 skips the GUI step).
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=$(cd "${1:-dist/amanat}" && pwd)
EXE=""
case "$(uname -s)" in MINGW* | MSYS* | CYGWIN*) EXE=".exe" ;; esac
AMANAT="$DIST/amanat$EXE"
GUI="$DIST/amanat-gui$EXE"
EXAMPLE="$DIST/_internal/examples/testimony.json"
OUT=${AMANAT_SMOKE_OUT:-$(pwd)/build/smoke}
rm -rf "$OUT" && mkdir -p "$OUT"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share"
export XDG_CACHE_HOME="$WORK/home/.cache" XDG_STATE_HOME="$WORK/home/.local/state"
mkdir -p "$HOME"
# no virtual environment on the way: the frozen build must not need one
PATH=$(printf %s "$PATH" | tr ':' '\n' | grep -v '\.venv' | paste -sd: -)
unset PYTHONPATH VIRTUAL_ENV PYTHONHOME
PY=$(command -v python3 || command -v python) || { echo "smoke: needs python3 to read JSON" >&2; exit 2; }
export AMANAT_PASSPHRASE="smoke test passphrase with enough words 7391"
VOL="$WORK/volunteer" COORD="$WORK/coordinator"

step() { printf '\n== %s\n' "$*"; }
fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }
now() { "$PY" -c 'import time; print(time.time())'; }
json() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

step "version (cold start)"
start=$(now)
"$AMANAT" --version | tee "$OUT/version.txt"
end=$(now)
grep -q "(frozen" "$OUT/version.txt" || fail "--version does not say frozen"
"$PY" -c "print(f'cold start of amanat --version: {$end - $start:.2f} s')" | tee "$OUT/timing.txt"

step "init"
"$AMANAT" init --vault "$VOL" --role volunteer --name "Smoke Volunteer"
"$AMANAT" init --vault "$COORD" --role coordinator --name "Smoke Coordinator"

step "card export and import, both ways"
"$AMANAT" card export --vault "$VOL" -o "$WORK/volunteer.card"
"$AMANAT" card export --vault "$COORD" -o "$WORK/coordinator.card"
"$AMANAT" card import --vault "$VOL" --verified "$WORK/coordinator.card"
"$AMANAT" card import --vault "$COORD" --verified "$WORK/volunteer.card"
FPR=$("$AMANAT" info --vault "$COORD" --json | json 'd["fingerprint"]')

step "testimony add (the packaged example) and finalize"
[ -f "$EXAMPLE" ] || fail "no packaged example at $EXAMPLE"
"$AMANAT" testimony add --vault "$VOL" --json "$EXAMPLE"
ID=$("$AMANAT" testimony list --vault "$VOL" --json | json 'd[0]["id"]')
"$AMANAT" testimony finalize --vault "$VOL" "$ID"

step "export"
"$AMANAT" export --vault "$VOL" --to "$FPR" --new -o "$WORK/b1.age"

step "import into the coordinator vault"
"$AMANAT" import --vault "$COORD" "$WORK/b1.age"
N=$("$AMANAT" testimony list --vault "$COORD" --json | json 'len(d)')
[ "$N" = 1 ] || fail "the coordinator vault holds $N testimonies, not 1"

step "pdf blank --lang ug,zh"
"$AMANAT" pdf blank --lang ug,zh -o "$OUT/blank-ug-zh.pdf"
pdftotext "$OUT/blank-ug-zh.pdf" "$OUT/blank-ug-zh.txt"
"$PY" - "$OUT/blank-ug-zh.txt" <<'PY' || fail "the blank form lacks Uyghur or Chinese text"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
uyghur = re.search("[\u0626\u06d0\u06c7\u06c6\u06c8\u06d5]", text)  # letters only Uyghur uses
chinese = re.search("[\u4e00-\u9fff]", text)
print(f"Uyghur letters: {bool(uyghur)}, Chinese characters: {bool(chinese)}")
sys.exit(0 if uyghur and chinese else 1)
PY

if [ "${AMANAT_SMOKE_LARGE:-0}" = 1 ]; then
  step "a large bundle: record-checking helpers (fork server) from the frozen executable"
  mkdir "$WORK/large"
  PASS=$(.venv/bin/python packaging/large_bundle.py "$WORK/large")
  AMANAT_PASSPHRASE="$PASS" "$AMANAT" import --vault "$WORK/large/c" "$WORK/large/b.age" |
    tee "$OUT/large-import.txt"
  grep -q "imported 2,010 testimony versions" "$OUT/large-import.txt" || fail "large import"
fi

if [ "${AMANAT_SMOKE_NO_GUI:-0}" = 1 ]; then
  step "amanat-gui skipped (AMANAT_SMOKE_NO_GUI=1)"
else
  step "amanat-gui under Xvfb for 10 s"
  DISPLAY_NUM=${AMANAT_SMOKE_DISPLAY:-:97}
  Xvfb "$DISPLAY_NUM" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  XVFB=$!
  trap 'kill "$XVFB" 2>/dev/null || true; rm -rf "$WORK"' EXIT
  sleep 1
  DISPLAY="$DISPLAY_NUM" QT_QPA_PLATFORM=xcb "$GUI" --vault "$VOL" >"$OUT/gui.log" 2>&1 &
  GUIPID=$!
  sleep 10
  kill -0 "$GUIPID" 2>/dev/null || fail "amanat-gui exited early: $(cat "$OUT/gui.log")"
  DISPLAY="$DISPLAY_NUM" xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng >"$OUT/gui.png"
  [ -s "$OUT/gui.png" ] || fail "no screenshot"
  kill "$GUIPID"
  wait "$GUIPID" 2>/dev/null || true
  if grep -Eiv '^$' "$OUT/gui.log" | grep -Ei 'error|traceback|could not|cannot' ; then
    fail "amanat-gui wrote errors (above; $OUT/gui.log)"
  fi
fi

step "folder size"
du -sh "$DIST" | tee "$OUT/size.txt"
echo
echo "SMOKE PASSED ($OUT)"
