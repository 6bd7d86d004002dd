#!/usr/bin/env bash
# Install, build with warnings as errors, and run every test through ctest;
# then the unit tests once more under ASan+UBSan.
set -euo pipefail
. "$(dirname "$0")/common.sh"
shodo_install_packages $SHODO_BUILD_PKGS $SHODO_TEST_PKGS
jobs=$(nproc)
shodo_build "$SHODO_ROOT/build/test" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHODO_WERROR=ON
(cd "$SHODO_ROOT/build/test" && ctest --output-on-failure -j"$jobs")
shodo_build "$SHODO_ROOT/build/asan" -DCMAKE_BUILD_TYPE=Debug -DSHODO_WERROR=ON -DSHODO_SANITIZE=ON -DSHODO_BUILD_GUI=OFF
(cd "$SHODO_ROOT/build/asan" && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$SHODO_ROOT/tests/lsan.supp:print_suppressions=0" \
   ctest --output-on-failure -j"$jobs" -L unit)
echo "shodo: all tests passed"
