#!/usr/bin/env bash
# Chronology benchmarks (issue 2): append rate with fsync, and load + verify of 1,000,000
# entries on one core with peak memory, side by side with sha256sum over the same file (the
# floor for any verifier that must hash every byte). Numbers vary on shared machines: read the
# ratios. Usage: bench/chronology.sh [BUILD_DIR] [N_ENTRIES] [N_APPENDS] [CASE_VOLUME_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/release}
n=${2:-1000000}
appends=${3:-2000}
vol=${4:-${SHODO_CASE_ROOT:-$here/out}}
command -v /usr/bin/time >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
if [ ! -x "$build/shodo_bench_gen" ]; then
  cmake -S "$here/.." -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHODO_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target shodo shodo_bench_gen shodo_bench_append >/dev/null
mkdir -p "$here/out" "$vol"
work=$(mktemp -d "$here/out/chrono.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== append rate (write + fsync per entry) on $(df -T "$vol" | awk 'NR==2{print $2" "$1}')"
adir=$(mktemp -d "$vol/shodo-append.XXXXXX")
"$build/shodo_bench_append" "$adir" "$appends"
rm -rf "$adir"

echo "== generate $n entries"
"$build/shodo_bench_gen" "$work/big.jsonl" "$n" >/dev/null
ls -l "$work/big.jsonl" | awk '{printf "file: %.1f MB\n", $5/1e6}'
cat "$work/big.jsonl" >/dev/null  # warm the page cache for both tools

measure() {  # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/t" taskset -c 0 "$@" >/dev/null 2>"$work/err" || true
  read -r secs kb <"$work/t"
  printf "%-34s %7.2f s  peak %6.1f MB\n" "$label" "$secs" "$(echo "$kb/1024" | bc -l)"
  echo "$secs" >"$work/$label.s"
}
echo "== load + verify, one core (taskset -c 0)"
measure "shodo chrono verify" "$build/shodo" chrono verify "$work/big.jsonl"
measure "sha256sum (floor)" sha256sum "$work/big.jsonl"
printf "ratio shodo/sha256sum: %.2f\n" "$(echo "$(cat "$work/shodo chrono verify.s")/$(cat "$work/sha256sum (floor).s")" | bc -l)"
