#!/usr/bin/env bash
# Evidence screen end-to-end under Xvfb (label "gui"): the real window, fonts and GL renderer at
# 1024x768, driven by a script through the widgets a user clicks. An image file stands in for a
# disk (no real device is needed); the wizard goes source → destination → case data → preflight
# → run → verify → custody, then the register tab. Screenshots: the devices tab, the wizard
# mid-way (case data and preflight), the running job (paused, with its rate plot), the result, the
# custody step, the jobs list and the register. Checks: the register file lists the source and its
# image (derived_from), the image's SHA-256 equals the source file's (sha256sum), the chronology
# has the acquisition's entries, the label PDF exists, the PNGs are 1024x768 real pictures.
# Env: SHODO_BIN (set by CTest), else build/test/shodo. SHODO_SHOTS_DIR keeps the PNGs there.
# The temp dir is kept on failure.
set -euo pipefail

bin="${SHODO_BIN:-$(dirname "$0")/../../build/test/shodo}"
for tool in xvfb-run convert python3 sha256sum; do
  command -v "$tool" >/dev/null || { echo "missing $tool (xvfb, imagemagick, python3, coreutils)"; exit 1; }
done
tmp=$(mktemp -d /tmp/shodo-gui-ev-XXXXXX)
ok=0
trap '[ "$ok" = 1 ] && rm -rf "$tmp" || echo "kept $tmp"' EXIT
case_root="$tmp/case"
id=OGMC-20221031-01
mkdir -p "$tmp/src" "$tmp/dest"
# Large enough that the job is still running when the script clicks Pause the frame after Start
# (the run step with its plot is screenshotted paused), small enough to take seconds.
head -c $((384 * 1024 * 1024)) /dev/urandom >"$tmp/src/usb-stick.img"

"$bin" --case-root "$case_root" --operator "山田 花子" --roles CSIRT --lang ja \
  incident new --id "$id" --title "電子カルテ停止" --facility "大阪総合医療センター" >/dev/null

cat >"$tmp/script.txt" <<SCRIPT
resize 1024 768
wait_frames 5
screen evidence
expect_screen evidence
click ev.tab.devices
wait_frames 3
screenshot $tmp/evidence-devices.png
click ev.tab.acquire
click acq.src.image_path
type $tmp/src/usb-stick.img
click acq.next
click acq.dest.dir
type $tmp/dest
click acq.hash.md5
click acq.hash.sha512
click acq.next
click acq.case.description
type 受付PCから取り外したUSBメモリ
click acq.case.notes
type 身代金要求文が表示された端末に接続されていた
click acq.case.witness
type 佐藤 次郎
click acq.case.dest_serial
type WD-WX12A3456789
click acq.case.found_location
type 本館2階 医事課 受付カウンター
wait_frames 3
screenshot $tmp/evidence-wizard-case.png
click acq.next
wait_frames 3
expect_tag acq.start
screenshot $tmp/evidence-wizard-preflight.png
click acq.start
click acq.pause
wait_frames 3
expect_tag acq.run.plot
expect_tag acq.run.state
screenshot $tmp/evidence-run-paused.png
click acq.pause
wait_job 120
wait_frames 5
expect_no_error
expect_tag acq.res.outcome
expect_tag acq.res.state
screenshot $tmp/evidence-result.png
click acq.next
click acq.cust.label.1
wait_frames 3
expect_no_error
expect_tag acq.cust.entries
screenshot $tmp/evidence-custody.png
click ev.tab.jobs
wait_frames 3
expect_tag ev.jobs.state.1
expect_tag ev.jobs.recorded.0
screenshot $tmp/evidence-jobs.png
click ev.tab.register
click ev.reg.row.1
wait_frames 3
expect_tag ev.reg.state.1
screenshot $tmp/evidence-register.png
quit
SCRIPT

xvfb-run -a -s "-screen 0 1280x800x24" \
  "$bin" --case-root "$case_root" --operator "山田 花子" --roles CSIRT --incident "$id" --lang ja \
  --script "$tmp/script.txt" >"$tmp/gui.log" 2>&1 ||
  { cat "$tmp/gui.log"; echo "FAIL: the GUI script failed"; exit 1; }

want=$(sha256sum "$tmp/src/usb-stick.img" | cut -c1-64)
register="$case_root/incidents/$id/evidence/register.jsonl"
[ -f "$register" ] || register=$(find "$case_root" -name register.jsonl | head -1)
[ -n "$register" ] || { echo "FAIL: no evidence register under $case_root"; exit 1; }
python3 - "$register" "$want" "$id" <<'PY' || { echo "FAIL: the register does not hold source and image as expected"; exit 1; }
import json, sys
path, want, inc = sys.argv[1], sys.argv[2], sys.argv[3]
events = [json.loads(l) for l in open(path, encoding="utf-8")]
added = {e["evidence_no"]: e["payload"]["item"] for e in events if e["event"] == "item_added"}
src, img = inc + "-E001", inc + "-E002"
assert set(added) == {src, img}, sorted(added)
assert added[img].get("derived_from") == src, added[img].get("derived_from")
assert added[src].get("description") == "受付PCから取り外したUSBメモリ", added[src].get("description")
hashes = [e["payload"]["hash"] for e in events if e["event"] == "hash_recorded" and e["evidence_no"] == img]
sha = [h["value"] for h in hashes if h.get("algorithm") == "sha256"]
assert want in sha, (want, sha)
algos = sorted({h.get("algorithm") for h in hashes})
assert algos == ["md5", "sha256", "sha512"], algos
print("register:", src, "->", img, "sha256", want[:16])
PY
chron=$(find "$case_root/incidents/$id" -path '*chronology*' -name '*.jsonl' | head -1)
[ -n "$chron" ] || { echo "FAIL: no chronology under $case_root"; exit 1; }
python3 - "$chron" "$id" <<'PY' || { echo "FAIL: the chronology lacks the acquisition's entries"; exit 1; }
import json, sys
path, inc = sys.argv[1], sys.argv[2]
events = [json.loads(l).get("system_event", "") for l in open(path, encoding="utf-8")]
for want in ("acquisition_started", "acquisition_ended", "evidence_added"):
    assert want in events, (want, sorted(set(events)))
print("chronology:", len(events), "entries")
PY
image="$tmp/dest/$id-E002.raw"
[ "$(sha256sum "$image" | cut -c1-64)" = "$want" ] || { echo "FAIL: the image differs from the source"; exit 1; }
ls "$case_root"/incidents/"$id"/evidence/output/*_label.pdf >/dev/null 2>&1 ||
  [ -n "$(find "$case_root" -name '*_label.pdf' | head -1)" ] || { echo "FAIL: no label PDF"; exit 1; }

for png in evidence-devices evidence-wizard-case evidence-wizard-preflight evidence-run-paused evidence-result \
  evidence-custody evidence-jobs evidence-register; do
  f="$tmp/$png.png"
  [ -s "$f" ] || { echo "FAIL: $f missing"; exit 1; }
  colours=$(convert "$f" -format %k info:)
  size=$(convert "$f" -format '%wx%h' info:)
  echo "$png: $size, $colours colours"
  [ "$size" = "1024x768" ] || { echo "FAIL: $f is $size, not 1024x768"; exit 1; }
  [ "$colours" -gt 10 ] || { echo "FAIL: $f looks blank ($colours colours)"; exit 1; }
done
if [ -n "${SHODO_SHOTS_DIR:-}" ]; then
  mkdir -p "$SHODO_SHOTS_DIR"
  cp "$tmp"/evidence-*.png "$SHODO_SHOTS_DIR"/
fi
ok=1
echo "PASS"
