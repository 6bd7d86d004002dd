#!/bin/bash
# `shodo print` through a real CUPS scheduler (issue 11 "Printing and the paper anchor"): a private
# cupsd (its own config, spool and socket under a temp dir, nothing of the host's CUPS touched)
# with one queue whose backend writes what it is sent to a file. Checks:
#  - no printing service, and a service with no printer: exit 7 / 3 with a message in Japanese and
#    English that says how to set a printer up, and nothing recorded;
#  - `chrono export --format pdf` ends with the paper anchor (「紙に書き留めてください」, count / 16 hex of
#    the head it printed);
#  - `shodo print --list` names the queue; `shodo print PDF --copies 2` sends the PDF byte for byte
#    (the backend's file has the PDF's SHA-256, copies 2) and records a "print" entry naming the
#    file, its SHA-256, the queue and the job number;
#  - an unknown printer and a missing file are refused (exit 2) and not recorded.
# Needs root (cupsd runs its backends as lp) and cupsd/lpadmin. Exit 77 = skipped.
set -u
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v cupsd >/dev/null && command -v lpadmin >/dev/null || { echo "SKIP: no cupsd/lpadmin (cups-daemon, cups-client)"; exit 77; }
BIN=${SHODO_BIN:?}

T=$(mktemp -d /tmp/shodo-print-XXXXXX)
chmod 755 "$T"
CUPSD_PID=
cleanup() {
  [ -n "$CUPSD_PID" ] && kill "$CUPSD_PID" 2>/dev/null && wait "$CUPSD_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$T/cups/log/error_log" ] && tail -20 "$T/cups/log/error_log"; exit 1; }

# --- a private scheduler ---------------------------------------------------------------------
C=$T/cups
mkdir -p "$C"/{etc,spool,cache,log,run,state,bin/backend} "$T/paper"
chmod 1777 "$T/paper"
for x in /usr/lib/cups/*; do [ "$(basename "$x")" = backend ] || ln -s "$x" "$C/bin/"; done
# The "printer": writes the job's document to the path of its device URI, and its arguments
# (job user title copies options) beside it.
cat >"$C/bin/backend/shodotest" <<'SH'
#!/bin/sh
[ $# -eq 0 ] && { echo 'direct shodotest "Unknown" "Shodo test printer"'; exit 0; }
out=${DEVICE_URI#shodotest:}
if [ -n "${6:-}" ]; then cat "$6"; else cat; fi >"$out.tmp" && mv "$out.tmp" "$out"
printf '%s\n' "$4" >"$out.copies"
SH
chmod 755 "$C/bin/backend/shodotest"
cat >"$C/etc/cupsd.conf" <<EOF
Listen $C/run/cups.sock
LogLevel info
WebInterface No
Browsing No
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
EOF
cat >"$C/etc/cups-files.conf" <<EOF
ServerRoot $C/etc
RequestRoot $C/spool
CacheDir $C/cache
StateDir $C/state
TempDir $C/spool
ServerBin $C/bin
ErrorLog $C/log/error_log
AccessLog $C/log/access_log
PageLog $C/log/page_log
SystemGroup root
User lp
Group lp
EOF
cupsd -f -c "$C/etc/cupsd.conf" -s "$C/etc/cups-files.conf" >"$C/log/cupsd.out" 2>&1 &
CUPSD_PID=$!
for _ in $(seq 50); do [ -S "$C/run/cups.sock" ] && break; sleep 0.1; done
[ -S "$C/run/cups.sock" ] || { cat "$C/log/cupsd.out"; fail "cupsd did not start"; }

export SHODO_CASE_ROOT=$T/cases SHODO_OPERATOR="山田 花子" SHODO_ROLES=SCR
"$BIN" --lang ja incident new --id OGMC-20221031-01 --title "電子カルテ停止" --facility "大阪総合医療センター" >/dev/null \
  || fail "incident new"
"$BIN" --lang ja chrono add --from 救急外来 --to 対策本部 --category report --content "サーバ室で暗号化を確認" >/dev/null \
  || fail "chrono add"
JSONL=$(ls "$T"/cases/incidents/OGMC-20221031-01/chronology/*.jsonl)
lines() { wc -l <"$JSONL"; }

# --- no service, no printer: clear, bilingual, nothing recorded --------------------------------
export CUPS_SERVER=$T/no-such-cups.sock
before=$(lines)
"$BIN" --lang ja print --list >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 7 ] || fail "no service: exit $rc, want 7"
grep -q "印刷サービス（CUPS）に接続できません" "$T/err" || fail "no service: Japanese message: $(cat "$T/err")"
"$BIN" --lang en print --list >"$T/out" 2>"$T/err"
grep -q "cannot reach the printing service" "$T/err" || fail "no service: English message: $(cat "$T/err")"
export CUPS_SERVER=$C/run/cups.sock
"$BIN" --lang ja print --list >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 3 ] || fail "no printer: exit $rc, want 3"
grep -q "プリンタが設定されていません" "$T/err" && grep -q "lpadmin -p" "$T/err" || fail "no printer: Japanese message: $(cat "$T/err")"
"$BIN" --lang en print --list >"$T/out" 2>"$T/err"
grep -q "no printer is set up" "$T/err" || fail "no printer: English message: $(cat "$T/err")"
[ "$(lines)" -eq "$before" ] || fail "a refused print was recorded"

# --- the export ends with the paper anchor --------------------------------------------------------
"$BIN" --lang ja chrono export --format pdf --out "$T/exp" >"$T/out" 2>"$T/err" || fail "export: $(cat "$T/err")"
grep -q "^紙に書き留めてください" "$T/out" || fail "export: no paper anchor: $(cat "$T/out")"
head_line=$(grep "記録の先頭" "$T/out") || fail "export: no head line"
count=$(echo "$head_line" | awk '{print $(NF-2)}')
hash16=$(echo "$head_line" | awk '{print substr($NF,1,16)}')
tail -1 "$T/out" | grep -qx "  $count 件 / $hash16" || fail "export: anchor is not '$count 件 / $hash16': $(tail -1 "$T/out")"
PDF=$(ls "$T"/exp/*_chronology.pdf)

# --- a printer: listed, the PDF printed byte for byte, the print recorded -----------------------
lpadmin -p kit-test -E -v "shodotest:$T/paper/out.prn" -m raw -D "テスト用プリンタ" 2>/dev/null || fail "lpadmin"
lpadmin -d kit-test || fail "lpadmin -d"
"$BIN" --lang ja print --list >"$T/out" 2>"$T/err" || fail "print --list: $(cat "$T/err")"
grep -q "テスト用プリンタ \[kit-test\] — 既定" "$T/out" || fail "print --list: $(cat "$T/out")"
before=$(lines)
"$BIN" --lang ja print "$PDF" --copies 2 >"$T/out" 2>"$T/err" || fail "print: $(cat "$T/err")"
grep -q "印刷を依頼しました: kit-test の [0-9]* 番（2 部）" "$T/out" || fail "print: output: $(cat "$T/out")"
job=$(sed -n 's/.*kit-test の \([0-9]*\) 番.*/\1/p' "$T/out")
for _ in $(seq 100); do [ -f "$T/paper/out.prn" ] && break; sleep 0.1; done
[ -f "$T/paper/out.prn" ] || fail "nothing reached the printer"
want=$(sha256sum <"$PDF" | cut -d' ' -f1)
[ "$(sha256sum <"$T/paper/out.prn" | cut -d' ' -f1)" = "$want" ] || fail "the printer did not get the PDF byte for byte"
[ "$(cat "$T/paper/out.prn.copies")" = 2 ] || fail "copies: $(cat "$T/paper/out.prn.copies")"
[ "$(lines)" -eq $((before + 1)) ] || fail "the print is not one new entry"
python3 - "$JSONL" "$want" "$job" <<'PY' || fail "the print entry"
import json, sys
e = json.loads(open(sys.argv[1], encoding="utf-8").read().splitlines()[-1])
assert e["category"] == "system" and e["system_event"] == "print", e
c, en = e["content"], e["content_en"]
assert "sha256:" + sys.argv[2] in c and "kit-test job " + sys.argv[3] in c and c.endswith("2 部"), c
assert en == "print: " + c[len("印刷: "):-len("2 部")] + "2 copies", en
PY

# --- refusals: nothing recorded -------------------------------------------------------------------
before=$(lines)
"$BIN" --lang en print "$PDF" --printer no-such-queue >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 2 ] && grep -q 'there is no printer "no-such-queue"; there are: kit-test' "$T/err" || fail "unknown printer: exit $rc: $(cat "$T/err")"
"$BIN" --lang ja print "$T/nothing.pdf" >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 2 ] && grep -q "印刷するファイルがありません" "$T/err" || fail "missing file: exit $rc: $(cat "$T/err")"
[ "$(lines)" -eq "$before" ] || fail "a refused print was recorded"
echo "PASS"
