#!/usr/bin/env bash
# The Linux release, built and tried as a user would (CI and the release workflow's Linux job run it):
#   bash packaging/release_linux.sh [--bundle DIR]
# 1. builds the one-folder bundle with packaging/build.py from a clean clone of HEAD (in place when
#    the checkout has no changes, as in CI); --bundle DIR packs an existing bundle instead
# 2. packs dist/release/chorale-studio-<version>-linux-x86_64.tar.gz (the bundle, install.sh,
#    uninstall.sh, the .desktop file, icons, the file types) and its .sha256
# 3. unpacks it into a temporary folder and runs install.sh (twice: the second is an upgrade) with a
#    temporary, empty HOME
# 4. runs the installed app's --selftest with no network (a fresh network namespace where the kernel
#    allows one, HF_HUB_OFFLINE=1 always); it must print `selftest ok`
# 5. measures the cold start to the window under Xvfb, when xvfb-run and xwininfo are there
# 6. runs uninstall.sh and checks that the temporary HOME is empty again
# Needs: libfluidsynth3, timgm6mb-soundfont (xvfb, xauth, x11-utils for step 5), Python with the project and
# its `package` extra ($PYTHON, else .venv/bin/python, else python3).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=python3
[ -x .venv/bin/python ] && PY=$ROOT/.venv/bin/python
PY="${PYTHON:-$PY}"
BUNDLE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) BUNDLE=$(cd "$2" && pwd); shift 2 ;;
    *) echo "usage: bash packaging/release_linux.sh [--bundle DIR]" >&2; exit 2 ;;
  esac
done
OUT=$ROOT/dist/release
WORK=$ROOT/build/release
mkdir -p "$OUT" "$WORK"

# 1. The bundle, from committed files only.
SRC=$ROOT
if [ -z "$BUNDLE" ]; then
  "$PY" -m PyInstaller --version >/dev/null 2>&1 || "$PY" -m pip install -q "pyinstaller>=6.5"
  if [ -n "$(git status --porcelain --untracked-files=normal 2>/dev/null)" ]; then
    SRC=$WORK/src
    rm -rf "$SRC"
    git clone -q --no-hardlinks "$ROOT" "$SRC"
    echo "building from a clean clone of $(git rev-parse --short HEAD) (the checkout has uncommitted changes)"
  fi
  # PYTHONPATH: the clone's package, not an editable install's checkout, is the one frozen.
  PYTHONPATH=$SRC "$PY" "$SRC/packaging/build.py" --dist "$WORK/dist" --work "$WORK/pyinstaller"
  BUNDLE=$WORK/dist/chorale-studio
fi
[ -x "$BUNDLE/chorale-studio" ] || { echo "no bundle at $BUNDLE" >&2; exit 1; }

# 2. The archive.
VERSION=$("$PY" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' \
          "$SRC/pyproject.toml")
NAME=chorale-studio-$VERSION-linux-$(uname -m)
STAGE=$WORK/stage/$NAME
rm -rf "$WORK/stage"
mkdir -p "$STAGE"
cp -al "$BUNDLE" "$STAGE/chorale-studio" 2>/dev/null || cp -a "$BUNDLE" "$STAGE/chorale-studio"
cp "$SRC/packaging/linux/install.sh" "$SRC/packaging/linux/uninstall.sh" "$STAGE/"
cp "$SRC/packaging/linux/chorale-studio.desktop" "$SRC/packaging/linux/chorale-studio-mime.xml" "$STAGE/"
cp "$SRC/resources/icons/chorale-studio.png" "$SRC/resources/icons/chorale-studio.svg" "$STAGE/"
cp "$SRC/packaging/linux/README.txt" "$STAGE/README.txt"
chmod 755 "$STAGE/install.sh" "$STAGE/uninstall.sh"
ARCHIVE=$OUT/$NAME.tar.gz
started=$(date +%s)
tar -C "$WORK/stage" --owner=0 --group=0 --numeric-owner --sort=name -czf "$ARCHIVE" "$NAME"
(cd "$OUT" && sha256sum "$NAME.tar.gz" >"$NAME.tar.gz.sha256")
rm -rf "$WORK/stage"
echo "archive: $ARCHIVE ($(( $(stat -c %s "$ARCHIVE") / 1000000 )) MB, packed in $(( $(date +%s) - started )) s)"
echo "sha256: $(cut -d' ' -f1 "$OUT/$NAME.tar.gz.sha256")"
echo "bundle size: $(du -sm "$BUNDLE" | cut -f1) MB unpacked"

# 3. Unpack and install as a user with an empty home folder.
T=$(mktemp -d "${TMPDIR:-/tmp}/chorale-release-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" "$T/unpacked" "$T/run"
tar -C "$T/unpacked" -xzf "$ARCHIVE"
as_user() {  # run a command as the user of the temporary home (no XDG overrides of ours)
  env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_CACHE_HOME -u XDG_STATE_HOME HOME="$T/home" "$@"
}
as_user "$T/unpacked/$NAME/install.sh" >/dev/null
as_user "$T/unpacked/$NAME/install.sh"   # again: an upgrade replaces the first install
H=$T/home
for f in .local/bin/chorale-studio .local/opt/chorale-studio/chorale-studio \
         .local/share/applications/chorale-studio.desktop .local/share/mime/packages/chorale-studio.xml \
         .local/share/icons/hicolor/256x256/apps/chorale-studio.png; do
  [ -e "$H/$f" ] || { echo "install.sh did not install ~/$f" >&2; exit 1; }
done
grep -qx "Exec=\"$H/.local/opt/chorale-studio/chorale-studio\" %f" "$H/.local/share/applications/chorale-studio.desktop" \
  || { echo "the installed menu entry does not start the installed app" >&2; exit 1; }
if command -v update-mime-database >/dev/null; then
  grep -q "application/x-chorale-studio:\*\.chorale" "$H/.local/share/mime/globs2" \
    || { echo ".chorale is not registered in the user's MIME database" >&2; exit 1; }
  echo "file types registered: $(grep -E "chorale|musicxml|mxl" "$H/.local/share/mime/globs2" | cut -d: -f2- | tr '\n' ' ')"
fi
command -v desktop-file-validate >/dev/null && desktop-file-validate "$H/.local/share/applications/chorale-studio.desktop"

# 4. The installed app's selftest, offline.  Its settings and logs go outside the home folder, so
# that step 6 sees only what install.sh left.
offline=()
if unshare -rn true 2>/dev/null; then offline=(unshare -rn); else echo "note: no network namespace here; relying on HF_HUB_OFFLINE=1"; fi
run_env=(HOME="$H" XDG_CONFIG_HOME="$T/run/config" XDG_DATA_HOME="$T/run/data" XDG_CACHE_HOME="$T/run/cache"
         XDG_STATE_HOME="$T/run/state" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1)
started=$(date +%s)
out=$(env "${run_env[@]}" QT_QPA_PLATFORM=offscreen "${offline[@]}" "$H/.local/bin/chorale-studio" --selftest 2>&1) \
  || true
echo "$out"
echo "selftest time: $(( $(date +%s) - started )) s"
grep -qx "selftest ok" <<<"$out" || { echo "the installed app's selftest failed" >&2; exit 1; }
# Training is left out of the bundle: `train` says in one line what to install, with no traceback.
out=$(env "${run_env[@]}" QT_QPA_PLATFORM=offscreen "$H/.local/bin/chorale-studio" train --out "$T/run/train" 2>&1) \
  && { echo "the installed app's train command did not refuse" >&2; exit 1; }
echo "$out"
{ [ "$(wc -l <<<"$out")" = 1 ] && grep -q 'chorale-studio\[train\]' <<<"$out"; } \
  || { echo "the installed app's train command does not say what to install" >&2; exit 1; }
# What the bundle carries, by component (the largest folders of _internal).
# (awk takes the first 12 and reads the rest: with pipefail, head's early exit would fail the script.)
du -sm "$H/.local/opt/chorale-studio/_internal"/* 2>/dev/null | sort -rn | awk 'NR <= 12 { printf "  %5d MB  %s\n", $1, $2 }' \
  | sed "s|$H/.local/opt/chorale-studio/||"
echo "_internal: $(du -sm "$H/.local/opt/chorale-studio/_internal" | cut -f1) MB unpacked"

# 5. Cold start: launch → the main window mapped on an Xvfb screen (xwininfo polls every 50 ms), three
# times on one server (its start-up is not the app's); the first run is the cold one.
if command -v xvfb-run >/dev/null && command -v xwininfo >/dev/null; then
  env -u QT_QPA_PLATFORM "${run_env[@]}" timeout 300 xvfb-run -a -s "-screen 0 1400x900x24" bash -c '
    for run in 1 2 3; do
      t0=$(date +%s.%N)
      "$0" >/dev/null 2>&1 &
      pid=$!
      shown=""
      for _ in $(seq 600); do
        if xwininfo -root -tree 2>/dev/null | grep -q "Chorale Studio\""; then shown=$(date +%s.%N); break; fi
        sleep 0.05
      done
      kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
      if [ -n "$shown" ]; then
        echo "start-up run $run: window shown after $(awk -v a="$t0" -v b="$shown" "BEGIN { printf \"%.2f\", b - a }") s"
      else
        echo "start-up run $run: no window within 30 s"
      fi
    done' "$H/.local/bin/chorale-studio" || echo "note: the start-up measurement failed"
fi

# 6. Uninstall leaves the home folder as it was: empty.
as_user "$H/.local/opt/chorale-studio/uninstall.sh"
left=$(cd "$H" && find . -mindepth 1 | sort)
if [ -n "$left" ]; then
  echo "uninstall.sh left these behind:" >&2
  echo "$left" >&2
  exit 1
fi
echo "install.sh, selftest and uninstall.sh: ok ($NAME.tar.gz)"
