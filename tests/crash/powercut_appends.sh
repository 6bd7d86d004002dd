#!/usr/bin/env bash
# Crash safety (b): power cuts that keep only what was fsync'ed (tests/tools/powercut_fs).
# The chronology is created and appended to on the simulated disk; power is cut after the
# Nth state-changing request for many N (so every point of create / write / fsync / dir fsync
# is hit), sometimes keeping a random prefix of unsynced appended bytes (a torn tail). After
# each cut and remount: every acknowledged entry is present, the chain verifies (0, or 8 =
# torn tail reported as such), and reopening moves torn bytes aside into a side file and
# continues the chain. A failed fsync must be reported as "NOT saved" and lose nothing acked.
set -u
BUILD=${SHODO_BUILD_DIR:?set by ctest}
WRITER=$BUILD/tests/chrono_append_writer
SHODO=${SHODO_BIN:-$BUILD/shodo}
PFS=$BUILD/tests/powercut_fs
if [[ ! -w /dev/fuse ]] || ! command -v fusermount3 >/dev/null || [[ ! -x $PFS ]]; then
  echo "SKIP: FUSE or powercut_fs not available"; exit 77
fi
TMP=$(mktemp -d /tmp/shodo-powercut.XXXXXX)
B=$TMP/backing M=$TMP/mnt
mkdir -p "$B" "$M"
PID=
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
cleanup() {
  mountpoint -q "$M" 2>/dev/null && { fusermount3 -u "$M" 2>/dev/null || umount -l "$M"; }
  [ -n "$PID" ] && wait "$PID" 2>/dev/null
}
trap cleanup EXIT

mount_fs() {  # env assignments...
  env "$@" "$PFS" "$B" "$M" -f >>"$TMP/pfs.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do mountpoint -q "$M" && return 0; sleep 0.05; done
  fail "mount did not appear"; return 1
}
wait_cut() {  # waits for the file system to finish its power cut
  for _ in $(seq 1 200); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$PID" 2>/dev/null; then fusermount3 -u "$M" 2>/dev/null; fi
  wait "$PID" 2>/dev/null; PID=
}
LOGREL=inc/chronology/KIT-CRASH.jsonl
RC=0
check_round() {  # label ackfile; sets RC to the verify exit code (runs in this shell, not $(...))
  local label=$1 acks=$2
  RC=0
  local f=$B/$LOGREL
  local n
  n=$(grep -c '^ACK' "$acks")
  if [ "$n" -gt 0 ] && [ ! -f "$f" ]; then fail "$label: $n acked but the log is gone"; return; fi
  [ -f "$f" ] || return 0
  "$SHODO" chrono verify "$f" >"$TMP/v" 2>&1
  RC=$?
  if [ $RC -ne 0 ] && [ $RC -ne 8 ]; then fail "$label: verify exit $RC: $(cat "$TMP/v")"; fi
  awk '$1=="ACK"{print $3}' "$acks" | while read -r h; do
    grep -q "\"entry_hash\":\"$h\"" "$f" || echo "missing $h"
  done >"$TMP/missing"
  if [ -s "$TMP/missing" ]; then fail "$label: acknowledged entries lost: $(head -2 "$TMP/missing")"; fi
}

total_rounds=0 torn=0
for n in $(seq 1 2 61) 80 120 200 333; do
  for keep in 0 1; do
    rm -rf "${B:?}"/* ; mkdir -p "$B"
    # Start with a few entries already durable so that appends (not only creation) are cut.
    env_keep=()
    [ $keep = 1 ] && env_keep=(POWERCUT_KEEP_UNSYNCED_PREFIX=1 POWERCUT_SEED=$n)
    mount_fs POWERCUT_CUT_AFTER_OPS=$n "${env_keep[@]}" || break
    "$WRITER" "$M/$LOGREL" 100000 >"$TMP/acks" 2>&1
    wait_cut
    total_rounds=$((total_rounds + 1))
    check_round "cut after $n ops keep=$keep" "$TMP/acks"
    rc=$RC
    # Remount cleanly and reopen: a torn tail is moved aside and the chain goes on.
    if [ -f "$B/$LOGREL" ]; then
      mount_fs || break
      "$WRITER" "$M/$LOGREL" 2 >"$TMP/acks2" 2>&1 || fail "reopen after cut $n: $(cat "$TMP/acks2")"
      if [ "$rc" = 8 ]; then
        torn=$((torn + 1))
        grep -q '^RECOVERED' "$TMP/acks2" || fail "cut $n: torn tail not reported as recovered"
        ls "$M/inc/chronology/"*.torn-*.bin >/dev/null 2>&1 || fail "cut $n: no side file with the torn bytes"
      fi
      fusermount3 -u "$M"; wait_cut
      "$SHODO" chrono verify "$B/$LOGREL" >"$TMP/v2" 2>&1 || fail "after reopen $n: $(cat "$TMP/v2")"
    fi
  done
done

# A failed fsync: the writer must say NOT saved, and nothing acknowledged may be lost.
rm -rf "${B:?}"/* ; mkdir -p "$B"
mount_fs POWERCUT_FAIL_FSYNC_AFTER=12 POWERCUT_FAIL_FSYNC_STICKY=1
"$WRITER" "$M/$LOGREL" 1000 >"$TMP/acks" 2>&1
wrc=$?
echo x >"$M/.powercut" 2>/dev/null; wait_cut
[ $wrc -eq 5 ] || fail "failed fsync: writer exit $wrc, expected 5"
grep -q 'NOT saved' "$TMP/acks" || fail "failed fsync: no 'NOT saved' message: $(tail -1 "$TMP/acks")"
check_round "failed fsync" "$TMP/acks"

echo "power-cut rounds: $total_rounds, torn tails seen and recovered: $torn"
[ "$torn" -gt 0 ] || fail "no round produced a torn tail: the test did not exercise recovery"
if [ $fails -eq 0 ]; then rm -rf "$TMP"; echo PASS; exit 0; fi
echo "kept: $TMP"; exit 1
