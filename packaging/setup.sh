#!/usr/bin/env bash
# One-step set-up for a fresh Debian/Ubuntu machine (Python ≥ 3.10):
#   bash packaging/setup.sh run    install everything, then start Chorale Studio
#   bash packaging/setup.sh test   install everything, then run the whole test suite
# As root it installs the system packages with apt-get; otherwise it prints the command to run.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-run}"; shift || true

APT_PACKAGES="libfluidsynth3 timgm6mb-soundfont xvfb xauth musescore3 python3-venv"
missing=""
for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
  else
    echo "Chorale Studio needs these system packages:$missing"
    echo "Install them with:  sudo apt-get install$missing"
    [ "$what" = test ] && exit 1
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
VPY=.venv/bin/python
# The pinned releases, with hashes (packaging/update_lock.sh refreshes them): a new release of a
# dependency changes nothing here until the lock is refreshed and committed.
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64)  LOCK=packaging/locks/linux-x86_64.lock ;;
  Darwin-arm64)  LOCK=packaging/locks/macos-arm64.lock ;;
  *) echo "No lock file for $(uname -s) $(uname -m) in packaging/locks/; run packaging/update_lock.sh on it first." >&2
     exit 1 ;;
esac
stamp=.venv/.installed-$(cat pyproject.toml "$LOCK" | sha1sum | cut -c1-12)
if [ ! -f "$stamp" ]; then
  # torch's CPU build is in the lock (on Linux: torch==2.13.0+cpu, from the local wheel folder or
  # PyTorch's CPU index), so nothing pulls a multi-GB CUDA build.
  "$VPY" -m pip install -q --require-hashes -r "$LOCK" ${TORCH_INDEX:+--extra-index-url "$TORCH_INDEX"}
  "$VPY" -m pip install -q --no-deps --no-build-isolation -e .
  rm -f .venv/.installed-*
  touch "$stamp"
fi

case "$what" in
  run)  exec "$VPY" -m chorale_studio "$@" ;;
  test) exec "$VPY" -m pytest -q "$@" ;;
  *)    echo "usage: bash packaging/setup.sh run|test" >&2; exit 2 ;;
esac
