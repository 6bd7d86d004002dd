#!/usr/bin/env bash
# Install, build with warnings as errors, and run every test through ctest;
# then the unit tests once more under ASan+UBSan, the threaded tests under TSan; then a short run of
# every fuzz harness (clang); then build the live image and boot it in QEMU.
set -euo pipefail
. "$(dirname "$0")/common.sh"
shodo_install_packages $SHODO_BUILD_PKGS $SHODO_TEST_PKGS
jobs=$(nproc)
shodo_build "$SHODO_ROOT/build/test" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHODO_WERROR=ON
(cd "$SHODO_ROOT/build/test" && ctest --output-on-failure -j"$jobs")
shodo_build "$SHODO_ROOT/build/asan" -DCMAKE_BUILD_TYPE=Debug -DSHODO_WERROR=ON -DSHODO_SANITIZE=ON -DSHODO_BUILD_GUI=OFF
(cd "$SHODO_ROOT/build/asan" && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$SHODO_ROOT/tests/lsan.supp:print_suppressions=0" \
   ctest --output-on-failure -j"$jobs" -L unit)
# Threads under ThreadSanitizer (issue 10 §3): the job runner, the acquisition pipeline and the GUI's
# jobs (acquisition, export) run headless in a TSan build, GUI code included. Only the two test
# binaries are built; ctest runs the "tsan" label (tests/CMakeLists.txt). Any race fails the stage.
tsan_dir="$SHODO_ROOT/build/tsan"
[ -f "$tsan_dir/build.ninja" ] || cmake -S "$SHODO_ROOT" -B "$tsan_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSHODO_WERROR=ON -DSHODO_TSAN=ON >/dev/null
cmake --build "$tsan_dir" -j"$jobs" --target shodo_unit_tests shodo_gui_tests
(cd "$tsan_dir" && ctest --output-on-failure -j"$jobs" -L tsan)
# Fuzzing (issue 10 §7): the libFuzzer harnesses of tests/fuzz, built with clang (the core library
# too, with ASan+UBSan and coverage; only the harnesses are built), replay their checked-in corpora,
# then each fuzzes for SHODO_FUZZ_SECONDS (default 20). Long sessions: README "Fuzzing".
CC=clang CXX=clang++ shodo_configure_once "$SHODO_ROOT/build/fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHODO_FUZZ=ON \
  -DSHODO_BUILD_GUI=OFF
cmake --build "$SHODO_ROOT/build/fuzz" -j"$jobs" --target shodo_fuzz
(cd "$SHODO_ROOT/build/fuzz" && ctest --output-on-failure -L fuzz)
"$SHODO_ROOT/tests/fuzz/run_fuzz.sh" --all "$SHODO_ROOT/build/fuzz" "${SHODO_FUZZ_SECONDS:-20}"
# The bootable kit (issue 4): the live image built from this tree (with the binary just tested,
# stripped) and booted under QEMU: BIOS USB stick with the display, UEFI CD, UEFI with Secure Boot
# enforced, then `build-usb.sh --write` onto a loop device. docs/usb-image.*.md §10.
if [ "${SHODO_SKIP_IMAGE:-0}" = 1 ]; then
  echo "shodo: SHODO_SKIP_IMAGE=1: the image build and smoke test were NOT run"
else
  "$SHODO_ROOT/build-usb.sh" --fast --binary "$SHODO_ROOT/build/test/shodo"
  SHODO_SMOKE_TIMEOUT=${SHODO_SMOKE_TIMEOUT:-900} "$SHODO_ROOT/tests/image/smoke.sh" --only display,uefi,secureboot,write
fi
echo "shodo: all tests passed"
