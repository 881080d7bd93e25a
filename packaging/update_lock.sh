#!/usr/bin/env bash
# Refresh the lock files in packaging/locks/ (what setup.sh, .ci/run and the release workflow install):
#   bash packaging/update_lock.sh            resolve the newest releases allowed by pyproject.toml, install the
#                                            Linux lock into a fresh venv, run the tests and the frozen app's
#                                            selftest (packaging/release_linux.sh), and only then write the locks
#   bash packaging/update_lock.sh --resolve-only   write the resolved locks to a temporary folder and print it
# One lock per release platform, each with hashes: linux-x86_64 (torch's CPU build, from the local wheel
# folder or download.pytorch.org/whl/cpu), macos-arm64 and windows-x86_64 (PyPI's torch, a CPU build there).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TORCH=2.13.0            # also TORCH_VERSION in .github/workflows/release.yml
PY="${PYTHON:-python3}"
mode="${1:-check}"

T=$(mktemp -d "${TMPDIR:-/tmp}/chorale-lock.XXXXXX")
"$PY" -m venv "$T/tools"
"$T/tools/bin/python" -m pip install -q uv
compile() {  # compile PLATFORM-NAME UV-PLATFORM TORCH-REQUIREMENT [uv options]
  local name=$1 platform=$2 torch=$3; shift 3
  echo "$torch" >"$T/$name.override"
  MACOSX_DEPLOYMENT_TARGET=14.0 "$T/tools/bin/uv" pip compile pyproject.toml --quiet \
    --extra test --extra package --python-version 3.11 --python-platform "$platform" \
    --override "$T/$name.override" --generate-hashes --no-header -o "$T/$name.txt" "$@"
  { echo "# Chorale Studio's pinned dependencies for $name, Python 3.11, with hashes: made by"
    echo "# 'bash packaging/update_lock.sh' from pyproject.toml. Install with pip install --require-hashes -r."
    cat "$T/$name.txt"; } >"$T/$name.lock"
}
# torch's CPU build for Linux: from a local wheel folder where the machine has one (pip's find-links),
# else from PyTorch's CPU index.
TORCH_SOURCE=(--extra-index-url https://download.pytorch.org/whl/cpu --index-strategy unsafe-best-match)
links=$("$PY" -m pip config get global.find-links 2>/dev/null || true)
[ -n "$links" ] && ls "$links"/torch-"$TORCH"+cpu-*.whl >/dev/null 2>&1 && TORCH_SOURCE=(--find-links "$links")
compile linux-x86_64 x86_64-manylinux_2_28 "torch==$TORCH+cpu" "${TORCH_SOURCE[@]}"
compile macos-arm64 aarch64-apple-darwin "torch==$TORCH"
compile windows-x86_64 x86_64-pc-windows-msvc "torch==$TORCH"

if [ "$mode" = --resolve-only ]; then
  echo "resolved locks in $T: $(ls "$T"/*.lock | xargs -n1 basename | tr '\n' ' ')"
  exit 0
fi

# Try the new Linux lock as CI would, in a fresh venv of its own, before it replaces the old one.
trap 'rm -rf "$T"' EXIT
"$PY" -m venv "$T/venv"
"$T/venv/bin/python" -m pip install -q --require-hashes -r "$T/linux-x86_64.lock"
"$T/venv/bin/python" -m pip install -q --no-deps --no-build-isolation -e .
"$T/venv/bin/python" -m pytest -q
PYTHON="$T/venv/bin/python" bash packaging/release_linux.sh
for f in "$T"/*.lock; do cp "$f" packaging/locks/; done
echo "packaging/locks/ updated: review 'git diff packaging/locks' and commit it"
