#!/usr/bin/env bash
# Build the Linux app bundle and smoke-test it; kept for its old name, it is now the release script:
#   bash packaging/ci_bundle.sh        (= bash packaging/release_linux.sh)
# packaging/release_linux.sh builds the bundle, packs the release archive, installs it into a
# temporary HOME, runs the installed app's --selftest with no network, measures the cold start
# under Xvfb and checks that uninstall.sh leaves nothing behind.
exec bash "$(dirname "$0")/release_linux.sh" "$@"
