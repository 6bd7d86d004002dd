#!/usr/bin/env bash
# Crash safety (a): a writer process SIGKILLed at random moments during a stream of appends,
# many times. After every kill: each acknowledged entry (printed "ACK seq hash" only after
# append() returned, i.e. after fsync) is in the log, the chain verifies (exit 0, or 8 for a
# torn tail, which the next open moves aside), and the next writer continues the chain.
set -u
BUILD=${SHODO_BUILD_DIR:?set by ctest}
WRITER=$BUILD/tests/chrono_append_writer
SHODO=${SHODO_BIN:-$BUILD/shodo}
ROUNDS=${KILL9_ROUNDS:-40}
TMP=$(mktemp -d /tmp/shodo-kill9.XXXXXX)
LOG=$TMP/chronology/KIT-CRASH.jsonl
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for round in $(seq 1 "$ROUNDS"); do
  "$WRITER" "$LOG" 1000000 >"$TMP/acks.$round" 2>"$TMP/err.$round" &
  pid=$!
  # First the writer must be running and have acknowledged one append (on a loaded machine its
  # start alone may take longer than the random delay below): a condition, not a guess.
  for _ in $(seq 3000); do
    grep -q '^ACK' "$TMP/acks.$round" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  # Then 10–250 ms more: a handful to hundreds of appends, killed at a random point mid-append.
  sleep "0.$(printf '%03d' $(( (RANDOM % 240) + 10 )))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  "$SHODO" chrono verify "$LOG" >"$TMP/verify.$round" 2>&1
  rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 8 ]; then
    fail "round $round: verify exit $rc: $(cat "$TMP/verify.$round")"
    break
  fi
  # Every ACKed hash must be in the log (one pass over the log, not one grep per ACK: the log grows
  # to tens of thousands of lines over the rounds).
  missing=$(awk 'NR == FNR { if (match($0, /"entry_hash":"[0-9a-f]+"/)) seen[substr($0, RSTART + 14, RLENGTH - 15)] = 1; next }
                 $1 == "ACK" && !($3 in seen) { print $3 }' "$LOG" "$TMP/acks.$round" | head -3)
  [ -z "$missing" ] || fail "round $round: acknowledged entries missing: $missing"
done
# A last writer run opens (recovering any torn tail) and appends; the chain must be intact.
"$WRITER" "$LOG" 1 >"$TMP/acks.final" 2>&1 || fail "final writer: $(cat "$TMP/acks.final")"
"$SHODO" chrono verify "$LOG" >"$TMP/verify.final" 2>&1 || fail "final verify: $(cat "$TMP/verify.final")"
acks=$(cat "$TMP"/acks.* | grep -c '^ACK')
lines=$(wc -l <"$LOG")
echo "kill -9 rounds: $ROUNDS, acknowledged appends: $acks, log lines: $lines, torn tails recovered: $(cat "$TMP"/acks.* | grep -c '^RECOVERED')"
[ "$lines" -ge "$acks" ] || fail "log has $lines lines but $acks were acknowledged"
if [ $fails -eq 0 ]; then rm -rf "$TMP"; echo PASS; exit 0; fi
echo "kept: $TMP"
exit 1
