#!/usr/bin/env bash
# One writer per chronology, across processes (issue 10 §2), with real processes:
#  (a) two GUI-side writers (chrono_append_writer: the ChronologyLog API the GUI uses, each
#      acknowledging "ACK seq hash" after append() returned) and a loop of `shodo chrono add` in a
#      terminal append to the same incident at the same time. Afterwards `shodo chrono verify`
#      exits 0 and every acknowledged entry is in the log exactly once.
#  (b) two loops of `shodo evidence add` at the same time: `shodo evidence verify` exits 0, every
#      item is registered once under its own number.
#  (c) a torn last line in the register does not block it: the next add sets it aside.
set -u
BUILD=${SHODO_BUILD_DIR:?set by ctest}
SHODO=${SHODO_BIN:-$BUILD/shodo}
WRITER=$BUILD/tests/chrono_append_writer
N_WRITER=${CONCURRENT_WRITER_APPENDS:-300}
N_CLI=${CONCURRENT_CLI_ADDS:-150}
N_EVIDENCE=${CONCURRENT_EVIDENCE_ADDS:-30}
TMP=$(mktemp -d /tmp/shodo-concurrent.XXXXXX)
cd "$TMP" || exit 1
export SHODO_CASE_ROOT=$TMP/cases SHODO_OPERATOR="山田 花子" SHODO_ROLES=SCR HOME=$TMP LANG=C.UTF-8
unset SHODO_FAKE_CLOCK SHODO_MIRROR_ROOT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ID=OGMC-20261206-01

"$SHODO" incident new --id $ID --title "同時書き込みの試験" >/dev/null || fail "incident new"
LOG=$(ls "$SHODO_CASE_ROOT"/incidents/$ID/chronology/KIT-*.jsonl)
KIT=$(basename "$LOG" .jsonl)

# ---- (a) chronology: GUI-side writers and the CLI at the same time
"$WRITER" "$LOG" "$N_WRITER" $ID "$KIT" >acks.1 2>err.1 &
w1=$!
"$WRITER" "$LOG" "$N_WRITER" $ID "$KIT" >acks.2 2>err.2 &
w2=$!
cli_ok=0
for i in $(seq 1 "$N_CLI"); do
  if "$SHODO" chrono add --from CSIRT --to 本部 --category notice --content "cli-entry-$i 端末から" >/dev/null 2>>cli.err; then
    echo "$i" >>cli.acked
    cli_ok=$((cli_ok + 1))
  fi
done
wait $w1 || fail "writer 1 exit $?: $(tail -2 acks.1) $(cat err.1)"
wait $w2 || fail "writer 2 exit $?: $(tail -2 acks.2) $(cat err.2)"
[ "$cli_ok" -eq "$N_CLI" ] || fail "only $cli_ok of $N_CLI chrono add succeeded: $(sort -u cli.err | head -3)"
"$SHODO" chrono verify >verify.out 2>&1 || fail "chrono verify exit $?: $(cat verify.out)"
acks=$(cat acks.1 acks.2 | grep -c '^ACK')
[ "$acks" -eq $((2 * N_WRITER)) ] || fail "writers acknowledged $acks of $((2 * N_WRITER))"
# Every acknowledged entry exactly once (by its hash), every CLI entry exactly once (by its text).
grep -o '"entry_hash":"[0-9a-f]*"' "$LOG" | cut -d'"' -f4 | sort >hashes.stored
awk '$1=="ACK"{print $3}' acks.1 acks.2 | sort >hashes.acked
bad=$(join -v1 hashes.acked <(uniq hashes.stored) | head -3)
[ -z "$bad" ] || fail "acknowledged entries missing: $bad"
dups=$(uniq -d hashes.stored | head -3)
[ -z "$dups" ] || fail "entries stored twice: $dups"
for i in $(cat cli.acked 2>/dev/null); do
  n=$(grep -c "\"content\":\"cli-entry-$i 端末から\"" "$LOG")
  [ "$n" -eq 1 ] || { fail "CLI entry $i stored $n times"; break; }
done
# One chain: seq 1..N without gaps (chrono verify checks it too; this says it plainly).
seqs=$(grep -o '"seq":[0-9]*' "$LOG" | cut -d: -f2 | awk '$1!=NR{print NR; exit}')
[ -z "$seqs" ] || fail "sequence breaks at line $seqs"
echo "chronology: $(wc -l <"$LOG") entries, writers acknowledged $acks, CLI added $cli_ok; $(head -1 verify.out)"

# ---- (b) evidence register: two terminals adding items at the same time
add_items() {
  for i in $(seq 1 "$N_EVIDENCE"); do
    "$SHODO" evidence add --description "端末$1 の証拠品 $i" --type storage_medium --collected-by "鈴木 一郎" \
      >/dev/null 2>>"ev.err.$1" || echo "$i" >>"ev.fail.$1"
  done
}
add_items 1 &
e1=$!
add_items 2 &
e2=$!
wait $e1 $e2
[ ! -s ev.fail.1 ] && [ ! -s ev.fail.2 ] || fail "evidence add failed: $(cat ev.err.* | sort -u | head -3)"
"$SHODO" evidence verify >ev.verify 2>&1 || fail "evidence verify exit $?: $(cat ev.verify)"
REG=$SHODO_CASE_ROOT/incidents/$ID/evidence/register.jsonl
lines=$(wc -l <"$REG")
[ "$lines" -eq $((2 * N_EVIDENCE)) ] || fail "register has $lines lines, expected $((2 * N_EVIDENCE))"
# Each item_added line names its number twice (the event and the item): count distinct numbers.
nos=$(grep -o '"evidence_no":"[^"]*"' "$REG" | sort -u | wc -l)
[ "$nos" -eq $((2 * N_EVIDENCE)) ] || fail "$nos distinct evidence numbers for $((2 * N_EVIDENCE)) items"
for t in 1 2; do
  n=$(grep -c "端末$t の証拠品" "$REG")
  [ "$n" -eq "$N_EVIDENCE" ] || fail "terminal $t: $n of $N_EVIDENCE items registered"
done
echo "register: $lines events; $(head -1 ev.verify)"

# ---- (c) a torn last line in the register is set aside and the register is written again
printf '%s' '{"author":"山田 花子","device_id":"KIT-' >>"$REG"
"$SHODO" evidence verify >torn.verify 2>&1
rc=$?
[ $rc -eq 8 ] || fail "evidence verify on a torn register: exit $rc (expected 8)"
"$SHODO" evidence add --description "停電後の証拠品" --type storage_medium >/dev/null 2>torn.err || fail "add after torn tail: $(cat torn.err)"
"$SHODO" evidence verify >torn.verify2 2>&1 || fail "evidence verify after recovery: $(cat torn.verify2)"
side=$(ls "$SHODO_CASE_ROOT"/incidents/$ID/evidence/register.jsonl.torn-*.bin 2>/dev/null | head -1)
if [ -z "$side" ]; then fail "no side file for the torn line"; else
  [ "$(cat "$side")" = '{"author":"山田 花子","device_id":"KIT-' ] || fail "side file does not hold the torn bytes"
fi
grep -q '"system_event":"evidence_register_recovered"' "$LOG" || fail "no chronology entry for the recovery"
"$SHODO" chrono verify >/dev/null 2>&1 || fail "chronology no longer verifies"

if [ $fails -eq 0 ]; then cd / && rm -rf "$TMP"; echo PASS; exit 0; fi
echo "kept: $TMP"
exit 1
