#!/usr/bin/env bash
# Acquisition benchmarks (issue 3), side by side with the tools examiners know. The source is a
# file (half random, half zeros — a used disk is neither all noise nor all empty) in a warm page
# cache; outputs go to a tmpfs so the disk under the machine does not decide the result. Each
# line gives wall time, throughput and peak memory (/usr/bin/time); ratios are what to read on a
# shared, noisy machine. shodo always re-reads its image to verify it (the others do not): its
# "acquire" phase time, from its own JSON record, is listed next to its total.
#
# Usage: bench/acquire.sh [BUILD_DIR] [SIZE_MIB]     (default build/release, 4096 MiB)
# Needs root (tmpfs mount). Writes nothing outside a temporary directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/release}
size_mib=${2:-4096}
[ "$(id -u)" -eq 0 ] || { echo "bench/acquire.sh: run as root (tmpfs mount)" >&2; exit 2; }
for t in dc3dd dcfldd ewfacquire; do
  command -v $t >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dc3dd dcfldd ewf-tools >/dev/null
done
command -v /usr/bin/time >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$here/.." -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHODO_BUILD_TESTS=OFF -DSHODO_BUILD_GUI=OFF >/dev/null
fi
cmake --build "$build" --target shodo >/dev/null
shodo=$build/shodo

work=$(mktemp -d /tmp/shodo-bench-acq.XXXXXX)
out=$work/out
cleanup() { mountpoint -q "$out" && umount "$out"; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$out"
# Room for one output at a time (each is removed after its run) plus sidecars.
mount -t tmpfs -o size=$((size_mib + 256))m tmpfs "$out"

src=$work/source.img
half=$((size_mib / 2))
head -c $((half << 20)) /dev/urandom >"$src"
head -c $(((size_mib - half) << 20)) /dev/zero >>"$src"
# Before timing anything, so that the first tool run (shodo's) does not pay for what the later
# ones get for free: write the source back to disk (else its dirty pages are flushed during the
# first runs), and fill the output tmpfs once and empty it (on a virtual machine the first touch
# of guest memory is slow; measured here: the same shodo run took 13.7, 10.5, 9.4 s in a row).
sync
head -c $((size_mib << 20)) /dev/zero >"$out/prefault" && rm -f "$out/prefault"
cat "$src" >/dev/null  # warm cache
bytes=$(stat -c %s "$src")

export SHODO_CASE_ROOT=$work/cases SHODO_OPERATOR="bench" SHODO_ROLES=CSIRT SHODO_LANG=en
"$shodo" incident new --id BENCH-20261124-01 --title bench --facility bench --profile hospital >/dev/null

echo "== acquisition of ${size_mib} MiB (half random, half zeros), warm cache, tmpfs output; $(nproc) cores"
echo "   $(uname -r); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
declare -A secs
n=0
measure() {  # label, command...   (the output directory is emptied after each run)
  local label=$1; shift
  n=$((n + 1))
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" >"$work/log.$n" 2>&1 || {
    rc=$?
    # shodo: 0 = complete and verified; anything else is a failure of the benchmark
    echo "$label: exit $rc"; tail -5 "$work/log.$n"; exit 1
  }
  read -r s kb <"$work/t"
  secs[$label]=$s
  printf "%-40s %8.2f s  %8.1f MB/s  peak %7.1f MB\n" "$label" "$s" "$(echo "$bytes/1000000/$s" | bc -l)" "$(echo "$kb/1024" | bc -l)"
}
shodo_phase() {  # prints a phase of a shodo run from its JSON record (default: acquire)
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.2f" % d[sys.argv[2]])' "$1" "${2:-acquire_seconds}"
}
ratio() { printf "  ratio %-46s %.2f\n" "$1/$2:" "$(echo "${secs[$1]}/${secs[$2]}" | bc -l)"; }

# --- raw with MD5 + SHA-256 ---------------------------------------------------------------------
measure "shodo raw md5+sha256 (incl. verify)" "$shodo" acquire "$src" --dest "$out" --name s1 --format raw --hash md5,sha256
secs["shodo raw md5+sha256 (acquire phase)"]=$(shodo_phase "$out/s1.json")
printf "%-40s %8.2f s\n" "  of which the acquire phase" "${secs["shodo raw md5+sha256 (acquire phase)"]}"
rm -f "$out"/*
measure "dc3dd hash=md5 hash=sha256" dc3dd if="$src" of="$out/d.raw" hash=md5 hash=sha256 log="$work/dc3dd.log" nwspc=on
rm -f "$out"/*
measure "dcfldd hash=md5,sha256" dcfldd if="$src" of="$out/f.raw" hash=md5,sha256 hashlog="$work/dcfldd.log" bs=1M
rm -f "$out"/*
measure "cp + md5sum + sha256sum (sequential)" sh -c "cp '$src' '$out/c.raw' && md5sum '$out/c.raw' && sha256sum '$out/c.raw'"
rm -f "$out"/*

# --- SHA-256 alone against sha256sum (the floor: one hash over every byte) ------------------------
measure "shodo raw sha256 (incl. verify)" "$shodo" acquire "$src" --dest "$out" --name s2 --format raw --hash sha256
secs["shodo raw sha256 (acquire phase)"]=$(shodo_phase "$out/s2.json")
printf "%-40s %8.2f s\n" "  of which the acquire phase" "${secs["shodo raw sha256 (acquire phase)"]}"
# The verify phase reads the image back and hashes it through the same pipeline, writing nothing:
# the hashing rate of the pipeline without the copy into the output file system.
secs["shodo raw sha256 (verify phase)"]=$(shodo_phase "$out/s2.json" verify_seconds)
printf "%-40s %8.2f s\n" "  of which the verify phase (no write)" "${secs["shodo raw sha256 (verify phase)"]}"
rm -f "$out"/*
# The copy into the output file system alone, with no hash: the floor of any acquisition here.
measure "dd bs=1M to the output (copy, no hash)" dd if="$src" of="$out/dd.raw" bs=1M status=none
rm -f "$out"/*
measure "sha256sum (no copy)" sha256sum "$src"
# MD5 has no hardware help: md5sum alone over the source is the ceiling of any job that includes MD5.
measure "md5sum (no copy)" md5sum "$src"

# --- E01 against ewfacquire (deflate fast, MD5 + SHA-1 stored) -------------------------------------
measure "shodo e01 fast (incl. verify)" "$shodo" acquire "$src" --dest "$out" --name s3 --format e01 --compression fast --hash sha256
secs["shodo e01 fast (acquire phase)"]=$(shodo_phase "$out/s3.json")
printf "%-40s %8.2f s\n" "  of which the acquire phase" "${secs["shodo e01 fast (acquire phase)"]}"
ls -l "$out"/s3.E* | awk '{s+=$5} END {printf "  %-38s %8.1f MiB\n", "shodo E01 size", s/1048576}'
rm -f "$out"/*
measure "ewfacquire -c fast -d sha1" ewfacquire -u -q -t "$out/e" -c fast -d sha1 -f encase6 -S 4GiB "$src"
ls -l "$out"/e.E* | awk '{s+=$5} END {printf "  %-38s %8.1f MiB\n", "ewfacquire E01 size", s/1048576}'
rm -f "$out"/*

echo "== ratios (< 1: shodo faster)"
ratio "shodo raw md5+sha256 (acquire phase)" "dc3dd hash=md5 hash=sha256"
ratio "shodo raw md5+sha256 (acquire phase)" "dcfldd hash=md5,sha256"
ratio "shodo raw md5+sha256 (incl. verify)" "dc3dd hash=md5 hash=sha256"
ratio "shodo raw md5+sha256 (acquire phase)" "cp + md5sum + sha256sum (sequential)"
ratio "shodo raw sha256 (acquire phase)" "sha256sum (no copy)"
ratio "shodo raw sha256 (verify phase)" "sha256sum (no copy)"
ratio "shodo raw sha256 (acquire phase)" "dd bs=1M to the output (copy, no hash)"
ratio "shodo raw md5+sha256 (acquire phase)" "md5sum (no copy)"
ratio "shodo e01 fast (acquire phase)" "ewfacquire -c fast -d sha1"
ratio "shodo e01 fast (incl. verify)" "ewfacquire -c fast -d sha1"
