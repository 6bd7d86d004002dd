#!/usr/bin/env bash
# Japanese input (CHR-02) for real: fcitx5 + Mozc under Xvfb, keys sent with xdotool through the
# X server, so they travel X11 → XIM → fcitx5/Mozc → GLFW 3.3 → ImGui exactly as on the kit.
#   受信先: IME on, "honbu" Space Return, IME off, "2"  → "本部2" (the committing Return must
#           neither leave the field nor record the entry)
#   内容:   IME on, "nihon" Space Return "de" Return    → "日本で" (no stray line breaks)
# then Ctrl+Enter records the entry; the test reads it back from the chronology JSONL.
# Mozc refuses to run as root, so as root the IME and the GUI run as "nobody" (setpriv).
# Exit 77 (skip) when fcitx5, Mozc or xdotool are missing. Env: SHODO_BIN.
set -euo pipefail

bin="${SHODO_BIN:-$(dirname "$0")/../../build/test/shodo}"
bin=$(readlink -f "$bin")
for tool in xvfb-run fcitx5 xdotool python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
[ -x /usr/lib/mozc/mozc_server ] || { echo "SKIP: fcitx5-mozc not installed"; exit 77; }

tmp=$(mktemp -d /tmp/shodo-ime-XXXXXX)
chmod 755 "$tmp"
ok=0
trap '[ "$ok" = 1 ] && rm -rf "$tmp" || echo "kept $tmp"' EXIT
as_user=""
if [ "$(id -u)" = 0 ]; then
  as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
  chown 65534:65534 "$tmp"
fi

$as_user mkdir -p "$tmp/home/.config/fcitx5"
$as_user tee "$tmp/home/.config/fcitx5/profile" >/dev/null <<'PROFILE'
[Groups/0]
Name=Default
Default Layout=us
DefaultIM=mozc

[Groups/0/Items/0]
Name=keyboard-us
Layout=

[Groups/0/Items/1]
Name=mozc
Layout=

[GroupOrder]
0=Default
PROFILE

$as_user "$bin" --case-root "$tmp/case" --operator "山田 花子" --roles SCR --lang ja \
  incident new --id OGMC-20221031-01 --title "IME" >/dev/null

$as_user tee "$tmp/script.txt" >/dev/null <<SCRIPT
wait_frames 5
expect_screen chronology
click chron.from
type 救急外来
click chron.to
touch $tmp/ready-to
wait_file $tmp/typed-to 60
sleep 1000
click chron.content
touch $tmp/ready-content
wait_file $tmp/typed-content 60
sleep 1000
screenshot $tmp/ime.png
key ctrl+enter
wait_frames 5
expect_no_error
quit
SCRIPT

cat >"$tmp/inner.sh" <<INNER
set -u
export HOME=$tmp/home XMODIFIERS=@im=fcitx GTK_IM_MODULE=fcitx QT_IM_MODULE=fcitx LC_ALL=C.UTF-8
$as_user fcitx5 >"$tmp/fcitx5.log" 2>&1 &
fcitx=\$!
for i in \$(seq 1 300); do pgrep -P \$fcitx mozc_server >/dev/null && break; sleep 0.2; done
mozc=\$(pgrep -P \$fcitx mozc_server) || { echo "mozc_server did not start"; kill \$fcitx; exit 1; }
$as_user "$bin" --case-root "$tmp/case" --operator "山田 花子" --roles SCR --lang ja --script "$tmp/script.txt" \
  >"$tmp/gui.log" 2>&1 &
gui=\$!
wait_for() { for i in \$(seq 1 300); do [ -f "\$1" ] && return 0; sleep 0.2; done; return 1; }
wait_for "$tmp/ready-to" || { echo "GUI not ready"; kill \$gui \$fcitx \$mozc; exit 1; }
win=\$(xdotool search --onlyvisible --name Shodo | head -1)
xdotool windowfocus --sync "\$win"
sleep 0.5
xdotool key ctrl+space; sleep 0.5
xdotool type --delay 150 honbu; sleep 0.3
xdotool key space; sleep 0.8
xdotool key Return; sleep 0.5
xdotool key ctrl+space; sleep 0.5
xdotool type --delay 150 2; sleep 0.5
touch "$tmp/typed-to"
wait_for "$tmp/ready-content" || { echo "GUI lost"; kill \$gui \$fcitx \$mozc; exit 1; }
sleep 0.5
xdotool key ctrl+space; sleep 0.5
xdotool type --delay 150 nihon; sleep 0.3
xdotool key space; sleep 0.8
xdotool key Return; sleep 0.5
xdotool type --delay 150 de; sleep 0.5
xdotool key Return; sleep 0.5
xdotool key ctrl+space; sleep 0.3
touch "$tmp/typed-content"
wait \$gui
rc=\$?
kill \$fcitx \$mozc 2>/dev/null
exit \$rc
INNER

xvfb-run -a -s "-screen 0 1280x800x24 -ac" bash "$tmp/inner.sh" ||
  { cat "$tmp/gui.log"; echo "FAIL: GUI or IME driver failed"; exit 1; }

python3 - "$tmp/case/incidents/OGMC-20221031-01/chronology" <<'PY' || { echo "FAIL: the Japanese text did not arrive as typed"; exit 1; }
import json, os, sys
d = sys.argv[1]
entries = [json.loads(l) for f in os.listdir(d) if f.endswith(".jsonl") for l in open(os.path.join(d, f), encoding="utf-8")]
user = [e for e in entries if e.get("category") != "system"]
assert len(user) == 1, [e.get("content") for e in user]
e = user[0]
print("from:", e["from"], "to:", e["to"], "content:", repr(e["content"]))
assert e["to"] == ["本部2"], e["to"]
assert e["content"] == "日本で", e["content"]
PY
ok=1
echo "PASS"
