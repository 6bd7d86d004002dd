#!/usr/bin/env bash
# Runs the libFuzzer harnesses of tests/fuzz (issue 10 §7). Build them first (README, "Fuzzing"):
#   CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DSHODO_FUZZ=ON -DSHODO_BUILD_GUI=OFF
#   cmake --build build/fuzz --target shodo_fuzz
#
#   run_fuzz.sh --replay HARNESS CORPUS_DIR
#       runs every input of the checked-in corpus once (a regression run; what ctest -L fuzz does)
#   run_fuzz.sh HARNESS SECONDS [libFuzzer options...]
#       fuzzes for SECONDS, starting from tests/fuzz/corpus/<name>; new inputs go to a work folder
#       (never into the checked-in corpus), printed at the end with the run's statistics
#   run_fuzz.sh --all BUILD_DIR SECONDS [libFuzzer options...]
#       every harness in turn (scripts/test.sh does this with a short time)
#
# A crash, a sanitizer report, a leak, a timeout (10 s per input) or an out-of-memory (2 GiB)
# fails the run; the input is kept in the work folder as crash-*/timeout-*/oom-*: fix the code,
# add a regression test named after what it pins, and copy the input into the corpus.
# Environment: SHODO_FUZZ_WORK (default: a new folder under ${TMPDIR:-/tmp}).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ "${1:-}" = --replay ]; then
  harness=$2 corpus=$3
  mapfile -t inputs < <(find "$corpus" -type f | sort)
  [ ${#inputs[@]} -gt 0 ] || { echo "run_fuzz: empty corpus $corpus" >&2; exit 1; }
  exec "$harness" -timeout=10 -rss_limit_mb=2048 "${inputs[@]}"
fi

if [ "${1:-}" = --all ]; then
  build=$2 seconds=$3
  shift 3
  status=0
  for src in "$here"/fuzz_*.cpp; do
    name=$(basename "$src" .cpp)
    "$0" "$build/tests/fuzz/$name" "$seconds" "$@" || status=1
  done
  exit $status
fi

harness=$1 seconds=$2
shift 2
name=$(basename "$harness")
corpus="$here/corpus/$name"
[ -d "$corpus" ] || { echo "run_fuzz: no corpus folder $corpus" >&2; exit 1; }
work=${SHODO_FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/shodo-fuzz-$name-XXXXXX")}
mkdir -p "$work/corpus"
echo "run_fuzz: $name for ${seconds}s; new inputs and any crash input in $work" >&2
set +e
"$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/" "$@" "$work/corpus" "$corpus" 2>"$work/log.txt"
rc=$?
set -e
grep -E '^(#[0-9]+.*(DONE|pulse)|stat::(number_of_executed_units|new_units_added|peak_rss_mb))' "$work/log.txt" | tail -n 5 >&2 || true
if [ $rc -ne 0 ]; then
  tail -n 60 "$work/log.txt" >&2
  echo "run_fuzz: $name FAILED (exit $rc); input(s): $(ls "$work" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | sed "s|^|$work/|" | tr '\n' ' ')" >&2
  exit 1
fi
echo "run_fuzz: $name ok" >&2
