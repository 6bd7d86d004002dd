#!/usr/bin/env bash
# Install what is missing, build, and start Shodo: the GUI when a display exists,
# otherwise a status summary and the command list. Extra arguments go to `shodo`.
set -euo pipefail
. "$(dirname "$0")/common.sh"
shodo_install_packages $SHODO_BUILD_PKGS
shodo_build "$SHODO_ROOT/build/release" -DCMAKE_BUILD_TYPE=Release -DSHODO_BUILD_TESTS=OFF
exec "$SHODO_ROOT/build/release/shodo" "$@"
