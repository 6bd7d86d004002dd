#!/bin/bash
# Acquisition through the real kernel path (issue 3, EV-):
#  - a loop device on a FUSE file whose chosen sectors fail (tests/tools/badsector_fs.c):
#    exactly those sectors zero-filled and listed, exit 10 "complete, some sectors unreadable";
#  - the source is unchanged (SHA-256 before and after) and BLKRO is set on it;
#  - the other side's tools accept our output: sha256sum -c / md5sum -c on our hash files,
#    xmllint on our DFXML, ewfverify (same MD5) and ewfinfo (Japanese case data) on our E01;
#  - a full destination (a 3 MiB tmpfs) ends with exit 12, a clear message and a consistent
#    partial image, and the state file lets `--resume` finish the job elsewhere... (raw only);
#  - preflight refuses a FAT32 destination for a raw image too large for it;
#  - a source that stops answering is not bad sectors (issue 10 §5): a disk dead from the very
#    first read and one that dies half-way end with exit 11, no whole-source hash, no "MATCH",
#    and a partial image that is exactly the source's first bytes;
#  - a malformed --resume state file is exit 2 with a clear message in both languages (§4);
#  - E01 headers say "Is physical: yes" for a device and "no" for an image file (§8).
# Needs root, /dev/fuse, losetup. Exit 77 = skipped.
set -u
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -c /dev/fuse ] && command -v losetup >/dev/null || { echo "SKIP: no FUSE or losetup"; exit 77; }
BIN=${SHODO_BIN:?}
FUSE=${SHODO_BUILD_DIR:?}/tests/badsector_fs
[ -x "$FUSE" ] || { echo "SKIP: badsector_fs not built"; exit 77; }

T=$(mktemp -d /tmp/shodo-acq-XXXXXX)
LOOP=""
EXTRA_LOOPS=""
cleanup() {
  [ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null
  for l in $EXTRA_LOOPS; do losetup -d "$l" 2>/dev/null; done
  for m in "$T/mnt" "$T/full" "$T/fat" "$T"/mnt-*; do mountpoint -q "$m" && umount -l "$m"; done
  [ -n "${FAT_LOOP:-}" ] && losetup -d "$FAT_LOOP" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

export SHODO_CASE_ROOT=$T/cases SHODO_OPERATOR="山田 太郎" SHODO_ROLES=CSIRT SHODO_LANG=en
"$BIN" incident new --id TEST-20261124-01 --title "取得テスト" --facility "テスト病院" --profile hospital >/dev/null || fail "incident new"

# 8 MiB source: random first half, zeros second half. Bad: first, a pair, one at a 1 MiB
# block boundary pair (2047/2048), last sector.
python3 - "$T/backing" <<'PY'
import os, sys
data = os.urandom(4 << 20) + bytes(4 << 20)
open(sys.argv[1], "wb").write(data)
PY
BAD="0,700,701,2047,2048,16383"
mkdir -p "$T/mnt" "$T/out"
BADSECTOR_BAD=$BAD "$FUSE" "$T/backing" "$T/mnt" || fail "badsector_fs mount"
for _ in $(seq 50); do [ -e "$T/mnt/disk.img" ] && break; sleep 0.1; done
LOOP=$(losetup -f --show "$T/mnt/disk.img") || fail "losetup"
# A loop device keeps a BLKROSET flag across detach/attach: start from writable.
blockdev --setrw "$LOOP"
[ "$(blockdev --getro "$LOOP")" = 0 ] || fail "loop device should start writable"
BEFORE=$(sha256sum < "$T/backing" | cut -d' ' -f1)

# --- raw with MD5 + SHA-256 through bad sectors ---------------------------------------------
"$BIN" acquire "$LOOP" --dest "$T/out" --name disk --format raw --hash md5,sha256 --witness "佐藤 花子" \
  --dest-serial TESTSERIAL >"$T/raw.out" 2>"$T/raw.err"
rc=$?
[ $rc -eq 10 ] || { cat "$T/raw.out" "$T/raw.err"; fail "raw: exit $rc, expected 10 (complete, some sectors unreadable)"; }
[ "$(blockdev --getro "$LOOP")" = 1 ] || fail "BLKRO not set on the source"
AFTER=$(sha256sum < "$T/backing" | cut -d' ' -f1)
[ "$BEFORE" = "$AFTER" ] || fail "source changed"
python3 - "$T/backing" "$T/out/disk.raw" "$T/out/disk.json" "$BAD" <<'PY' || exit 1
import json, sys, hashlib
src = bytearray(open(sys.argv[1], "rb").read())
img = open(sys.argv[2], "rb").read()
rec = json.load(open(sys.argv[3]))
bad = [int(x) for x in sys.argv[4].split(",")]
for lba in bad:
    src[lba*512:(lba+1)*512] = bytes(512)
assert len(img) == len(src), f"image size {len(img)} != {len(src)}"
assert img == bytes(src), "image is not the source with exactly the bad sectors zeroed"
ranges = [(r["first_lba"], r["sectors"]) for r in rec["bad_ranges"]]
assert ranges == [(0, 1), (700, 2), (2047, 2), (16383, 1)], ranges
assert rec["bad_sectors"] == 6
assert rec["outcome"] == "complete_with_bad_sectors"
assert rec["source_hashes"]["sha256"] == hashlib.sha256(img).hexdigest()
assert rec["source_hashes"]["md5"] == hashlib.md5(img).hexdigest()
assert all(v["match"] for v in rec["verification"] if v["done"])
print("raw image byte-exact; bad ranges", ranges)
PY
(cd "$T/out" && sha256sum -c --strict disk.sha256 && md5sum -c --strict disk.md5) || fail "sha256sum/md5sum -c"
xmllint --noout "$T/out/disk.dfxml" || fail "xmllint on DFXML"
grep -q "LBA 2047" "$T/out/disk.info.txt" || fail "info.txt lacks the bad range"
[ ! -e "$T/out/disk.state.json" ] || fail "state file left after a complete job"

# --- E01 of the same device: ewfverify and ewfinfo -------------------------------------------
"$BIN" acquire "$LOOP" --dest "$T/out" --name disk-e01 --format e01 --hash sha256 --source-evidence e001 \
  --description "電子カルテサーバ ディスク1" --notes "ランサムウェア感染疑い" >"$T/e01.out" 2>&1
rc=$?
[ $rc -eq 10 ] || { cat "$T/e01.out"; fail "e01: exit $rc, expected 10"; }
SRC_NO=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["source_evidence_no"])' "$T/out/disk-e01.json")
[ "$SRC_NO" = TEST-20261124-01-E001 ] || fail "--source-evidence e001 names $SRC_NO, expected TEST-20261124-01-E001"
ewfverify -q "$T/out/disk-e01.E01" >"$T/ewfverify.out" 2>&1 || { cat "$T/ewfverify.out"; fail "ewfverify"; }
MD5_OURS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["source_hashes"]["md5"])' "$T/out/disk-e01.json")
grep -qi "$MD5_OURS" "$T/ewfverify.out" || { cat "$T/ewfverify.out"; fail "ewfverify MD5 differs from ours ($MD5_OURS)"; }
ewfinfo "$T/out/disk-e01.E01" >"$T/ewfinfo.out" 2>&1
grep -q "電子カルテサーバ" "$T/ewfinfo.out" && grep -q "TEST-20261124-01" "$T/ewfinfo.out" || { cat "$T/ewfinfo.out"; fail "ewfinfo lacks the Japanese case data"; }
"$BIN" verify-image "$T/out/disk-e01.E01" >/dev/null || fail "verify-image on our E01"

# --- --preflight-only checks the names the job would take (the image's evidence number) -------
: > "$T/out/TEST-20261124-01-E004.raw"
"$BIN" acquire "$LOOP" --dest "$T/out" --source-evidence E001 --preflight-only >"$T/pfname.out" 2>&1
rc=$?
[ $rc -eq 12 ] && grep -q "TEST-20261124-01-E004.raw" "$T/pfname.out" \
  || { cat "$T/pfname.out"; fail "--preflight-only: exit $rc, expected 12 naming the taken TEST-20261124-01-E004.raw"; }
rm -f "$T/out/TEST-20261124-01-E004.raw"

# --- a tampered image is caught ---------------------------------------------------------------
# Flip every bit of one byte (writing a fixed byte over random data left it unchanged 1 time in 256).
python3 -c 'import sys; f=open(sys.argv[1],"r+b"); f.seek(4096); b=f.read(1); f.seek(4096); f.write(bytes([b[0]^0xff]))' "$T/out/disk.raw"
"$BIN" verify-image "$T/out/disk.raw" >"$T/v.out" 2>&1
[ $? -eq 4 ] || { cat "$T/v.out"; fail "verify-image must exit 4 on a changed image"; }
grep -q MISMATCH "$T/v.out" || fail "verify-image must say MISMATCH"

# --- destination full: exit 12, consistent partial image, then resume elsewhere ----------------
mkdir -p "$T/full"
mount -t tmpfs -o size=3m tmpfs "$T/full" || fail "tmpfs"
"$BIN" acquire "$T/backing" --dest "$T/full" --name part --format raw --hash sha256 --dest-serial RAM >"$T/full.out" 2>&1
rc=$?
[ $rc -ne 0 ] || fail "a full destination must not succeed"
grep -q "not enough free space" "$T/full.out" || { cat "$T/full.out"; fail "preflight must refuse a destination without room"; }
# Preflight passes for E01 (compression may fit), and the job then runs full: exit 12.
head -c $((6 << 20)) /dev/urandom > "$T/random.img"
"$BIN" acquire "$T/random.img" --dest "$T/full" --name part --format e01 --compression none --dest-serial RAM >"$T/full2.out" 2>&1
rc=$?
[ $rc -eq 12 ] || { cat "$T/full2.out"; fail "full destination: exit $rc, expected 12"; }
grep -qi "full" "$T/full2.out" || { cat "$T/full2.out"; fail "no clear message for a full destination"; }
grep -q "NO hash of the whole source" "$T/full2.out" || fail "a partial job must say there is no whole-source hash"

# --- a destination that refuses a large file (EFBIG): exit 12, never a silent kill ---------------
# RLIMIT_FSIZE makes write(2) fail with EFBIG as FAT32 does at 4 GiB (SIGXFSZ ignored, as shodo does).
mkdir -p "$T/efbig"
( trap '' XFSZ; ulimit -f 2048; exec "$BIN" acquire "$T/random.img" --dest "$T/efbig" --name big --format raw --hash sha256 \
    --dest-serial RLIMIT ) >"$T/efbig.out" 2>&1
rc=$?
[ $rc -eq 12 ] || { cat "$T/efbig.out"; fail "EFBIG destination: exit $rc, expected 12"; }
grep -q "NO hash of the whole source" "$T/efbig.out" || { cat "$T/efbig.out"; fail "EFBIG: must say there is no whole-source hash"; }
# The partial image is consistent: its length is what the report says was written, and its bytes
# are the source's.
python3 - "$T/random.img" "$T/efbig/big.raw" "$T/efbig.out" <<'PY' || fail "EFBIG partial image"
import sys, re
src = open(sys.argv[1], "rb").read(); img = open(sys.argv[2], "rb").read()
out = open(sys.argv[3], encoding="utf-8").read()
m = re.search(r"Bytes[^:]*: (\d+) / (\d+)", out)
assert m, out
covered = int(m.group(1))
assert 0 < covered < len(src), covered
assert img[:covered] == src[:covered], "partial image differs from the source"
print("EFBIG partial image consistent:", covered, "bytes")
PY

# --- FAT32 destination: raw larger than 4 GiB is refused before starting -----------------------
# Needs vfat in the running kernel (the live image has it; some CI containers do not).
truncate -s 64M "$T/fat.img" && mkfs.vfat -F 32 "$T/fat.img" >/dev/null 2>&1 && mkdir -p "$T/fat"
FAT_LOOP=$(losetup -f --show "$T/fat.img") || fail "losetup for FAT32"
if mount "$FAT_LOOP" "$T/fat" 2>/dev/null; then
  truncate -s 5G "$T/sparse5g.img"
  "$BIN" acquire "$T/sparse5g.img" --dest "$T/fat" --name big --format raw --preflight-only >"$T/fat.out" 2>&1
  rc=$?
  [ $rc -ne 0 ] || fail "FAT32 + 5 GiB raw must be refused"
  grep -q "FAT32" "$T/fat.out" || { cat "$T/fat.out"; fail "the refusal must name FAT32"; }
  "$BIN" acquire "$T/sparse5g.img" --dest "$T/fat" --name big --format split --preflight-only >"$T/fat2.out" 2>&1
  grep -q "FAT32 destination: every file stays below 4 GiB" "$T/fat2.out" || { cat "$T/fat2.out"; fail "FAT32 + split must pass the file-size check"; }
else
  echo "note: this kernel cannot mount vfat; FAT32 preflight not exercised here"
fi

# --- E01 "Is physical" follows the source (issue 10 §8) -----------------------------------------
grep -q "Is physical:.*yes" "$T/ewfinfo.out" || { cat "$T/ewfinfo.out"; fail "E01 of a block device must say Is physical: yes"; }
"$BIN" acquire "$T/backing" --dest "$T/out" --name file-e01 --format e01 --hash sha256 --dest-serial TESTSERIAL >"$T/e01f.out" 2>&1
rc=$?
[ $rc -eq 0 ] || { cat "$T/e01f.out"; fail "e01 of an image file: exit $rc, expected 0"; }
ewfinfo "$T/out/file-e01.E01" >"$T/ewfinfo-file.out" 2>&1
grep -q "Is physical:.*no" "$T/ewfinfo-file.out" || { cat "$T/ewfinfo-file.out"; fail "E01 of an image file must say Is physical: no"; }

# --- a source that stops answering is not bad sectors (issue 10 §5) ----------------------------
# dead_case NAME VAR=VALUE LIMIT: the FUSE disk dies as badsector_fs's VAR says (DEAD_FROM=0:
# from the very first read; DEAD_AFTER=N: once N bytes were read); the image holds at most LIMIT bytes.
dead_case() {
  local name=$1 how=$2 from=$3 mnt="$T/mnt-$1" loop
  mkdir -p "$mnt" "$T/out-$name"
  env "BADSECTOR_$how" "$FUSE" "$T/backing" "$mnt" || fail "badsector_fs mount ($name)"
  for _ in $(seq 50); do [ -e "$mnt/disk.img" ] && break; sleep 0.1; done
  loop=$(losetup -f --show "$mnt/disk.img") || fail "losetup ($name)"
  EXTRA_LOOPS="$EXTRA_LOOPS $loop"
  blockdev --setrw "$loop"
  "$BIN" acquire "$loop" --dest "$T/out-$name" --name dead --format raw --hash md5,sha256 --dest-serial TESTSERIAL \
    >"$T/$name.out" 2>&1
  rc=$?
  [ $rc -eq 11 ] || { cat "$T/$name.out"; fail "$name: exit $rc, expected 11 (the source stopped answering)"; }
  grep -Eq "stopped answering|does not answer" "$T/$name.out" || { cat "$T/$name.out"; fail "$name: no 'stopped answering' message"; }
  grep -q "NO hash of the whole source" "$T/$name.out" || { cat "$T/$name.out"; fail "$name: must say there is no whole-source hash"; }
  ! grep -q "MATCH" "$T/$name.out" || { cat "$T/$name.out"; fail "$name: must not claim a verification"; }
  python3 - "$T/backing" "$T/out-$name/dead.raw" "$T/out-$name/dead.json" "$from" <<'PY' || fail "$name: record or partial image"
import json, sys
src = open(sys.argv[1], "rb").read(); img = open(sys.argv[2], "rb").read()
rec = json.load(open(sys.argv[3])); dead_from = int(sys.argv[4])
assert rec["outcome"] == "aborted_source_unresponsive", rec["outcome"]
assert rec["verdict"] == "aborted_source", rec["verdict"]
assert rec["source_hashes"] == {}, rec["source_hashes"]
assert not any(v["match"] for v in rec["verification"]), rec["verification"]
assert len(img) == rec["bytes_covered"] <= dead_from, (len(img), rec["bytes_covered"])
assert img == src[:len(img)], "the partial image is not the source's first bytes"
assert rec["bad_sectors"] == 0 and rec["bad_ranges"] == [], "a dead disk must not be listed as bad sectors"
print(sys.argv[2], "partial image consistent:", len(img), "bytes")
PY
}
dead_case first DEAD_FROM=0 0
dead_case half DEAD_AFTER=$((4 << 20)) $((4 << 20))
python3 - "$T/out-half/dead.json" <<'PY' || fail "half: the disk that died half-way must have given its first part"
import json, sys
rec = json.load(open(sys.argv[1]))
assert rec["bytes_covered"] > 0, rec["bytes_covered"]
PY
[ -f "$T/out-half/dead.state.json" ] || fail "half: no state file for --resume"

# --- a malformed --resume state file: exit 2 and a clear message, never a crash (issue 10 §4) --
python3 - "$T/out-half/dead.state.json" "$T/nokey.state.json" "$T/wrongtype.state.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
k = dict(j); del k["committed_bytes"]; json.dump(k, open(sys.argv[2], "w"))
w = dict(j); w["committed_bytes"] = "many"; json.dump(w, open(sys.argv[3], "w"))
PY
printf '[]' > "$T/array.state.json"
printf 'not json' > "$T/text.state.json"
for f in array text nokey wrongtype; do
  "$BIN" acquire --resume "$T/$f.state.json" >"$T/$f.out" 2>&1
  rc=$?
  [ $rc -eq 2 ] || { cat "$T/$f.out"; fail "malformed state file ($f): exit $rc, expected 2"; }
  grep -q "state file" "$T/$f.out" || { cat "$T/$f.out"; fail "malformed state file ($f): the message must name the state file"; }
done
SHODO_LANG=ja "$BIN" acquire --resume "$T/nokey.state.json" >"$T/nokey-ja.out" 2>&1
[ $? -eq 2 ] && grep -q "状態ファイル" "$T/nokey-ja.out" || { cat "$T/nokey-ja.out"; fail "malformed state file: no Japanese message"; }

# --- chronology and register reference the evidence numbers ----------------------------------
"$BIN" chrono list --json >"$T/chrono.json" || fail "chrono list"
grep -q acquisition_started "$T/chrono.json" && grep -q acquisition_ended "$T/chrono.json" || fail "no acquisition entries"
"$BIN" chrono verify >/dev/null || fail "chronology does not verify after acquisitions"
echo "PASS"
