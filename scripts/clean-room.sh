#!/usr/bin/env bash
# clean-room.sh — runs the README's test command on a machine nobody has touched: a freshly
# bootstrapped Debian 12 root (debootstrap --variant=minbase from the Debian archive) that gets a
# clone of the committed tree and nothing else, then `bash .ci/run` inside it, as CI does.
#
#   scripts/clean-room.sh [--rev REV] [--keep] [--rebootstrap] [--skip-image] [-- ENV=VALUE ...]
#
#   --rev REV       the commit to test (default HEAD); uncommitted changes are never tested
#   --keep          keep the root afterwards (it is always kept when the run fails)
#   --rebootstrap   run debootstrap again instead of unpacking the cached pristine base
#   --skip-image    pass SHODO_SKIP_IMAGE=1 (the image stage is then NOT run, and the log says so)
#   ENV=VALUE       further variables for the run (e.g. SHODO_SMOKE_TIMEOUT=1200)
#
# Why: a package installed by hand long ago on a developer's machine hides a missing entry in
# scripts/common.sh (issue 10 §1: dosfstools). The root holds only debootstrap's minbase, so every
# other package must come from the project's own lists.
# What is shared with the host: the kernel, /dev (loop devices, FUSE, /dev/kvm), /proc, /sys, and
# the network to the Debian archive. Nothing of the host's packages, caches or build trees.
# The pristine base (debootstrap output, before anything ran in it) is cached as a tarball in
# $SHODO_CLEANROOM_CACHE (default /var/cache/shodo-cleanroom) and unpacked anew for every run; it
# is rebuilt when older than 7 days or with --rebootstrap. The root lives in $SHODO_CLEANROOM_WORK
# (default /var/tmp/shodo-cleanroom). Needs root on Debian 12 (debootstrap is installed if missing).
# Output: the run's log in $SHODO_CLEANROOM_WORK/run-<commit>.log and a last line
# "clean-room: PASSED|FAILED <commit> in N min M s".
set -euo pipefail

. "$(dirname "$0")/common.sh"

say() { echo "clean-room: $*" >&2; }
die() { echo "clean-room: エラー: $1" >&2; echo "clean-room: error: $2" >&2; exit "${3:-1}"; }

REV=HEAD
KEEP=0
REBOOTSTRAP=0
EXTRA_ENV=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rev) REV=${2:?}; shift ;;
    --keep) KEEP=1 ;;
    --rebootstrap) REBOOTSTRAP=1 ;;
    --skip-image) EXTRA_ENV+=(SHODO_SKIP_IMAGE=1) ;;
    --) shift; EXTRA_ENV+=("$@"); break ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "不明な引数: $1" "unknown argument: $1" 2 ;;
  esac
  shift
done

[ "$(id -u)" -eq 0 ] || die "root で実行してください" "run as root" 2
shodo_install_packages debootstrap git
COMMIT=$(git -C "$SHODO_ROOT" rev-parse --verify "$REV^{commit}") \
  || die "コミット $REV が見つかりません" "commit $REV not found" 2
if [ -n "$(git -C "$SHODO_ROOT" status --porcelain --untracked-files=no)" ]; then
  say "note: the work tree has uncommitted changes; they are NOT tested (only commit ${COMMIT:0:12})"
fi

CACHE=${SHODO_CLEANROOM_CACHE:-/var/cache/shodo-cleanroom}
WORK=${SHODO_CLEANROOM_WORK:-/var/tmp/shodo-cleanroom}
MIRROR=${SHODO_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SHODO_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
BASE_TAR=$CACHE/base-bookworm-minbase.tar
ROOT=$WORK/root
LOG=$WORK/run-${COMMIT:0:12}.log
mkdir -p "$CACHE" "$WORK"

exec 9>"$WORK/.lock"
flock -n 9 || die "別の clean-room.sh が実行中です" "another clean-room.sh is running" 1

MOUNTED=()
unmount_all() {
  local i
  for (( i=${#MOUNTED[@]}-1; i>=0; i-- )); do umount -R -l "${MOUNTED[$i]}" 2>/dev/null || true; done
  MOUNTED=()
}
# Loop devices whose backing file lives in the root (a test that died before its cleanup).
detach_loops() {
  losetup -l -n -O NAME,BACK-FILE 2>/dev/null | while read -r dev file; do
    case "$file" in "$ROOT"/*) losetup -d "$dev" 2>/dev/null || true ;; esac
  done
}
# Mounts left under the root by an interrupted run, deepest first.
unmount_leftovers() {
  { findmnt -rn -o TARGET | grep -F "$ROOT" || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
}
trap 'unmount_all; detach_loops' EXIT

# 1. The pristine base: debootstrap once a week, kept as a tarball that nothing has run in.
if [ "$REBOOTSTRAP" = 1 ] || [ ! -f "$BASE_TAR" ] || [ -n "$(find "$BASE_TAR" -mtime +7)" ]; then
  say "debootstrap --variant=minbase bookworm (pristine base, cached in $BASE_TAR)"
  t=$CACHE/base.tmp
  rm -rf --one-file-system "$t"; mkdir -p "$t"
  debootstrap --variant=minbase bookworm "$t" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE/debootstrap.log" >&2; die "debootstrap に失敗しました（Debian アーカイブに接続できますか）" "debootstrap failed (is the Debian archive reachable?)" 1; }
  tar -C "$t" -cf "$BASE_TAR.tmp" . && mv "$BASE_TAR.tmp" "$BASE_TAR"
  rm -rf --one-file-system "$t"
fi

# 2. A fresh root from it: the Debian archive as its only package source, no daemons started by
#    package scripts, and a clone of the commit (with shared/ beside it, as CI lays it out).
unmount_leftovers; detach_loops
rm -rf --one-file-system "$ROOT"; mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$BASE_TAR"
cat > "$ROOT/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb $SECURITY_MIRROR bookworm-security main
EOF
printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"; chmod 755 "$ROOT/usr/sbin/policy-rc.d"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
mkdir -p "$ROOT/work"
git clone --quiet --no-hardlinks "$SHODO_ROOT" "$ROOT/work/main"
git -C "$ROOT/work/main" checkout --quiet --detach "$COMMIT"
if [ -d "$SHODO_ROOT/../shared" ]; then cp -a "$SHODO_ROOT/../shared" "$ROOT/work/shared"; fi

# 3. What loop devices, FUSE, Xvfb and QEMU need: the host's /dev (loop-control, fuse, kvm),
#    /dev/pts, a /dev/shm, /proc, /sys, a /run and a /tmp of their own.
mount -t proc proc "$ROOT/proc"; MOUNTED+=("$ROOT/proc")
mount -t sysfs sysfs "$ROOT/sys"; MOUNTED+=("$ROOT/sys")
# rbind, then rslave: the host's mounts under /dev (pts, shm, mqueue) are seen inside, and nothing
# done inside (an unmount at the end) ever propagates back to the host.
mount --rbind /dev "$ROOT/dev"; mount --make-rslave "$ROOT/dev"; MOUNTED+=("$ROOT/dev")
mount -t tmpfs -o mode=755 tmpfs "$ROOT/run"; MOUNTED+=("$ROOT/run")
mkdir -p "$ROOT/run/lock"
if [ -d /sys/fs/fuse/connections ]; then
  mount -t fusectl fusectl "$ROOT/sys/fs/fuse/connections" 2>/dev/null && MOUNTED+=("$ROOT/sys/fs/fuse/connections") || true
fi

# 4. The run: CI's command in CI's environment (no terminal, no standard input).
say "commit ${COMMIT:0:12}: bash .ci/run in $ROOT (log: $LOG)"
start=$(date +%s)
set +e
chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 TERM=dumb CI=true "${EXTRA_ENV[@]}" \
  bash -c 'cd /work/main && bash .ci/run' </dev/null >"$LOG" 2>&1
rc=$?
set -e
secs=$(( $(date +%s) - start ))
tail -25 "$LOG"
unmount_all; detach_loops; unmount_leftovers
verdict=PASSED; [ $rc -eq 0 ] || verdict=FAILED
if [ $rc -eq 0 ] && [ "$KEEP" = 0 ]; then
  rm -rf --one-file-system "$ROOT"
else
  say "the root is kept for inspection: $ROOT"
fi
echo "clean-room: $verdict ${COMMIT:0:12} in $((secs / 60)) min $((secs % 60)) s (exit $rc)${EXTRA_ENV:+ with ${EXTRA_ENV[*]}}"
exit $rc
