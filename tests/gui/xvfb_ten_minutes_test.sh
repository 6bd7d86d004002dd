#!/usr/bin/env bash
# The first ten minutes, scripted in the real window at 1024x768 (issue 11, label "gui"): the
# responder sets the operator by keyboard on Home, the incident and a time check come from the
# CLI, then the chronology is kept with the keyboard alone — seven reports typed (Enter walks the
# fields, Ctrl+Enter records), a PDF exported with Ctrl+Enter (its paper anchor on screen), F1
# help opened and closed. Checks: the list shows exactly the human entries (the time check and the
# seven reports; start, export and operator rows are folded away), the entries are stored as
# typed, and the screenshots of the chronology, the export result and the help are real pictures.
# Env: SHODO_BIN (set by CTest), else build/test/shodo. The temp dir is kept on failure.
set -euo pipefail

bin="${SHODO_BIN:-$(dirname "$0")/../../build/test/shodo}"
for tool in xvfb-run convert; do
  command -v "$tool" >/dev/null || { echo "missing $tool (xvfb, imagemagick)"; exit 1; }
done
tmp=$(mktemp -d /tmp/shodo-ten-XXXXXX)
ok=0
trap '[ "$ok" = 1 ] && rm -rf "$tmp" || echo "kept $tmp"' EXIT
case_root="$tmp/case"
export SHODO_CASE_ROOT="$case_root"

"$bin" --operator "山田 花子" --roles SCR --lang ja \
  incident new --id OGMC-20221031-01 --title "電子カルテ停止" --facility "大阪総合医療センター" >/dev/null
"$bin" --lang ja chrono timecheck --source 117 --reference "$(TZ=Asia/Tokyo date +%H:%M:%S)" >/dev/null
"$bin" operator --clear >/dev/null  # the window starts on Home, asking who operates

reports=("救急外来: 電子カルテが開けない" "放射線科: PACS 端末に脅迫文" "情シス: サーバ室で暗号化を確認"
         "院長: 外部接続の遮断を指示" "情シス: VPN 装置を切断" "看護部: 紙カルテに切替" "事務: 保守事業者に連絡")
{
  echo "wait_frames 5"
  echo "resize 1024 768"
  echo "wait_frames 3"
  echo "expect_screen home"
  echo "type 鈴木 一郎"
  echo "key enter"
  echo "wait_frames 3"
  echo "expect_no_error"
  echo "key f3"
  echo "wait_frames 3"
  echo "expect_screen chronology"
  for r in "${reports[@]}"; do
    echo "type ${r%%: *}"
    echo "key enter"
    echo "wait_frames 2"
    echo "type 対策本部"
    echo "key enter"
    echo "wait_frames 2"
    echo "type ${r#*: }"
    echo "key ctrl+enter"
    echo "wait_frames 3"
    echo "expect_no_error"
  done
  echo "expect_rows 8"
  echo "click chron.export"
  echo "wait_frames 3"
  echo "key ctrl+enter"
  echo "wait_job 120"
  echo "wait_frames 5"
  echo "expect_tag exp.anchor"
  echo "screenshot $tmp/export-1024.png"
  echo "key esc"
  echo "wait_frames 3"
  echo "expect_rows 8"
  echo "screenshot $tmp/chronology-1024.png"
  echo "key f1"
  echo "wait_frames 3"
  echo "expect_tag help.keys"
  echo "screenshot $tmp/help-1024.png"
  echo "key esc"
  echo "wait_frames 2"
  echo "quit"
} >"$tmp/script.txt"

xvfb-run -a -s "-screen 0 1024x768x24" \
  "$bin" --case-root "$case_root" --lang ja --script "$tmp/script.txt" >"$tmp/gui.log" 2>&1 ||
  { cat "$tmp/gui.log"; echo "FAIL: the GUI script failed"; exit 1; }

jsonl=$(ls "$case_root"/incidents/OGMC-20221031-01/chronology/*.jsonl)
python3 - "$jsonl" "${reports[@]}" <<'PY' || { echo "FAIL: the chronology is not as typed"; exit 1; }
import json, sys
entries = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
typed = [e for e in entries if e.get("category") != "system"]
want = [r.split(": ", 1) for r in sys.argv[2:]]
assert [(e["from"], e["content"]) for e in typed] == [(f, c) for f, c in want], typed
assert all(e["to"] == ["対策本部"] and e["author"]["name"] == "鈴木 一郎" for e in typed)
events = [e.get("system_event") for e in entries if e.get("category") == "system"]
assert "export" in events and "operator_changed" in events, events  # recorded, only folded away
print(len(entries), "entries,", len(typed), "typed; system:", events)
PY

for png in chronology-1024 export-1024 help-1024; do
  f="$tmp/$png.png"
  [ -s "$f" ] || { echo "FAIL: $f missing"; exit 1; }
  colours=$(convert "$f" -format %k info:)
  [ "$colours" -gt 10 ] || { echo "FAIL: $f looks blank ($colours colours)"; exit 1; }
  [ "$(convert "$f" -format '%wx%h' info:)" = "1024x768" ] || { echo "FAIL: $f is not 1024x768"; exit 1; }
  echo "$png: $colours colours"
done
[ -n "${SHODO_KEEP_SCREENSHOTS:-}" ] && cp "$tmp"/*.png "$SHODO_KEEP_SCREENSHOTS"/
ok=1
echo "PASS"
