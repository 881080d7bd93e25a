#!/usr/bin/env bash
# Build the Linux app bundle from this checkout (in CI: a clean clone) and smoke-test it:
#   bash packaging/ci_bundle.sh
# 1. packaging/build.py → build/ci-dist/chorale-studio (prints build time and size)
# 2. <bundle>/chorale-studio --selftest with HF_HUB_OFFLINE=1 and, where the kernel allows, no network
#    at all (a fresh network namespace); it must print `selftest ok`
# 3. cold start to the window under Xvfb (CHORALE_STUDIO_STARTUP_T0, see chorale_studio/ui/app.py)
# CHORALE_STUDIO_MODEL=DIR makes the selftest use another model folder than the bundled one.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] && PY=.venv/bin/python
"$PY" -m PyInstaller --version >/dev/null 2>&1 || "$PY" -m pip install -q "pyinstaller>=6.5"

DIST=build/ci-dist
BUNDLE="$DIST/chorale-studio"
"$PY" packaging/build.py --dist "$DIST" --work build/ci-work

offline=()
if unshare -rn true 2>/dev/null; then offline=(unshare -rn); else echo "note: no network namespace here; relying on HF_HUB_OFFLINE=1"; fi
out=$(env HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 QT_QPA_PLATFORM=offscreen "${offline[@]}" \
      "$BUNDLE/chorale-studio" --selftest 2>&1) || true
echo "$out"
grep -qx "selftest ok" <<<"$out" || { echo "bundle selftest failed" >&2; exit 1; }

# Cold start: the first launch after the build, then two more, on one Xvfb server (its start-up is
# not the app's); the app prints "window shown after X s" and quits.
xvfb-run -a -s "-screen 0 1400x900x24" bash -c '
  for run in 1 2 3; do
    CHORALE_STUDIO_STARTUP_T0=$(date +%s.%N) "$0" 2>/dev/null | grep "window shown after" | sed "s/^/start-up run $run: /"
  done' "$BUNDLE/chorale-studio"
echo "bundle size: $(du -sm "$BUNDLE" | cut -f1) MB unpacked"
