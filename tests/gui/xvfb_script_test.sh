#!/usr/bin/env bash
# GUI end-to-end under Xvfb (label "gui"): the real window, fonts and GL renderer, driven by a
# script through the same widgets a user clicks. The incident comes from the CLI, whose operator
# the window takes over; the operator is changed on Home; one entry is typed on the chronology
# screen; screenshots are taken at 1280x800 and 1024x768. Checks: the entry is in the chronology JSONL, the PNGs exist and show
# a real picture (many colours), and the script itself met its expectations.
# Env: SHODO_BIN (set by CTest), else build/test/shodo. The temp dir is kept on failure.
set -euo pipefail

bin="${SHODO_BIN:-$(dirname "$0")/../../build/test/shodo}"
for tool in xvfb-run convert; do
  command -v "$tool" >/dev/null || { echo "missing $tool (xvfb, imagemagick)"; exit 1; }
done
tmp=$(mktemp -d /tmp/shodo-gui-XXXXXX)
ok=0
trap '[ "$ok" = 1 ] && rm -rf "$tmp" || echo "kept $tmp"' EXIT
case_root="$tmp/case"
content="サーバ室で暗号化を確認"

"$bin" --case-root "$case_root" --operator "山田 花子" --roles SCR --lang ja \
  incident new --id OGMC-20221031-01 --title "電子カルテ停止" --facility "大阪総合医療センター" >/dev/null

cat >"$tmp/script.txt" <<SCRIPT
# The operator given to the CLI (山田 花子, SCR) is remembered for this kit session (issue 11,
# CHR-03): the window opens on the chronology. The shift changes on Home: a new name, SCR kept,
# CSIRT added.
wait_frames 5
expect_screen chronology
screen home
expect_screen home
click home.operator.name
key ctrl+a
type 鈴木 一郎
click home.role.CSIRT
click home.operator.set
expect_no_error
screen chronology
expect_screen chronology
click chron.cat.report
click chron.from
type 救急外来
click chron.to
type 対策本部
click chron.content
type ${content}
click chron.urgent
key ctrl+enter
wait_frames 5
expect_no_error
screenshot $tmp/chronology-1280.png
resize 1024 768
screenshot $tmp/chronology-1024.png
screen home
wait_frames 3
screenshot $tmp/home-1024.png
quit
SCRIPT

xvfb-run -a -s "-screen 0 1280x800x24" \
  "$bin" --case-root "$case_root" --lang ja --script "$tmp/script.txt" >"$tmp/gui.log" 2>&1 ||
  { cat "$tmp/gui.log"; echo "FAIL: the GUI script failed"; exit 1; }

jsonl=$(ls "$case_root"/incidents/OGMC-20221031-01/chronology/*.jsonl 2>/dev/null || true)
[ -z "$jsonl" ] && jsonl=$(find "$case_root" -path '*OGMC-20221031-01*' -name '*.jsonl' | head -1)
[ -n "$jsonl" ] || { echo "FAIL: no chronology file under $case_root"; exit 1; }
# The typed entry, as stored: content, sender, receiver, author and roles from Home, urgent flag.
python3 - "$jsonl" "$content" <<'PY' || { echo "FAIL: the typed entry is not in the chronology as expected"; exit 1; }
import json, sys
path, content = sys.argv[1], sys.argv[2]
entries = [json.loads(line) for line in open(path, encoding="utf-8")]
hits = [e for e in entries if e.get("content") == content]
assert len(hits) == 1, f"{len(hits)} entries with the content"
e = hits[0]
assert e["from"] == "救急外来" and e["to"] == ["対策本部"], (e["from"], e["to"])
assert e["category"] == "report", e["category"]
assert e["author"]["name"] == "鈴木 一郎", e["author"]
assert sorted(e["author"]["roles"]) == ["CSIRT", "SCR"], e["author"]
assert e.get("priority") == "urgent", e.get("priority")
print("entry:", e["seq"], e["content"])
PY

for png in chronology-1280 chronology-1024 home-1024; do
  f="$tmp/$png.png"
  [ -s "$f" ] || { echo "FAIL: $f missing"; exit 1; }
  colours=$(convert "$f" -format %k info:)
  size=$(convert "$f" -format '%wx%h' info:)
  echo "$png: $size, $colours colours"
  [ "$colours" -gt 10 ] || { echo "FAIL: $f looks blank ($colours colours)"; exit 1; }
done
[ "$(convert "$tmp/chronology-1024.png" -format '%wx%h' info:)" = "1024x768" ] ||
  { echo "FAIL: the window did not resize to 1024x768"; exit 1; }
ok=1
echo "PASS"
