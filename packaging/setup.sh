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
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  "$VPY" -m pip install -q --upgrade pip
  # The CPU build of torch first, so that nothing pulls a multi-GB CUDA build.
  "$VPY" -m pip install -q "torch==2.13.0"
  "$VPY" -m pip install -q -e ".[test]"
  touch "$stamp"
fi

case "$what" in
  run)  exec "$VPY" -m chorale_studio "$@" ;;
  test) exec "$VPY" -m pytest -q "$@" ;;
  *)    echo "usage: bash packaging/setup.sh run|test" >&2; exit 2 ;;
esac
