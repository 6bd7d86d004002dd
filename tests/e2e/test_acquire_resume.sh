#!/bin/bash
# `shodo acquire --resume` after a crash (issue 3, EV-): the process is killed with SIGKILL once
# its state file records a commit; --resume, run from another directory, re-hashes what is
# already written and carries on. The finished split image equals the source byte for byte,
# its hash files pass md5sum -c / sha256sum -c, the record says it was resumed and from where,
# and the chronology has the resumption. (Resume with nothing committed: test_pipeline.cpp.)
# The source is a FUSE file (tests/tools/badsector_fs.c) that holds every read beyond 320 MiB
# until the test releases it: the copy is certainly still running when it is killed or
# cancelled, however fast the machine (issue 10 §7: waits on a condition, never on timing).
set -u
BIN=${SHODO_BIN:?}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (FUSE source)"; exit 77; }
[ -c /dev/fuse ] || { echo "SKIP: no FUSE"; exit 77; }
FUSE=${SHODO_BUILD_DIR:?}/tests/badsector_fs
[ -x "$FUSE" ] || { echo "SKIP: badsector_fs not built"; exit 77; }
T=$(mktemp -d /tmp/shodo-resume-XXXXXX)
PID=""
cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  touch "$T/release"  # nothing may stay blocked in a held read
  mountpoint -q "$T/mnt" && umount -l "$T/mnt"
  rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

export SHODO_CASE_ROOT=$T/cases SHODO_OPERATOR="山田 太郎" SHODO_ROLES=CSIRT SHODO_LANG=en
"$BIN" incident new --id TEST-20261124-03 --title "再開テスト" --facility "テスト病院" --profile hospital >/dev/null || fail "incident new"

# 640 MiB: the pipeline commits every 256 MiB; reads beyond 320 MiB wait for $T/release.
head -c $((320 << 20)) /dev/urandom >"$T/backing"
head -c $((320 << 20)) /dev/zero >>"$T/backing"
SRC_SHA=$(sha256sum <"$T/backing" | cut -d' ' -f1)
mkdir -p "$T/mnt" "$T/out" "$T/elsewhere"
BADSECTOR_HOLD_AT=$((320 << 20)) BADSECTOR_RELEASE="$T/release" "$FUSE" "$T/backing" "$T/mnt" || fail "badsector_fs mount"
for _ in $(seq 50); do [ -e "$T/mnt/disk.img" ] && break; sleep 0.1; done

cd "$T"
"$BIN" acquire mnt/disk.img --dest out --name disk --format split --segment-size 100M --hash md5,sha256 >"$T/first.out" 2>&1 &
PID=$!
committed() { python3 -c 'import json,sys
try: print(json.load(open(sys.argv[1])).get("committed_bytes", 0))
except Exception: print(0)' "$1" 2>/dev/null || echo 0; }
# wait_commit STATE_FILE: until the state file records a commit (the copy cannot finish: it is held).
wait_commit() {
  while [ "$(committed "$1")" -eq 0 ]; do
    kill -0 "$PID" 2>/dev/null || { cat "$T"/*.out; fail "the acquisition ended before a commit"; }
    sleep 0.05
  done
}
wait_commit "$T/out/disk.state.json"
kill -9 "$PID" || fail "kill"
# A thread inside a FUSE read finishes that read before the killed process is gone.
touch "$T/release"
wait "$PID" 2>/dev/null
PID=""
C=$(committed "$T/out/disk.state.json")
[ "$C" -gt 0 ] || fail "no commit recorded in the state file"
echo "killed after commit at $C bytes"

# Resume from another directory: the state file carries absolute paths and its incident.
cd "$T/elsewhere"
"$BIN" acquire --resume "$T/out/disk.state.json" >"$T/resume.out" 2>&1
rc=$?
[ $rc -eq 0 ] || { cat "$T/resume.out"; fail "resume: exit $rc"; }
[ "$(cat "$T"/out/disk.0* | sha256sum | cut -d' ' -f1)" = "$SRC_SHA" ] || fail "resumed image differs from the source"
(cd "$T/out" && md5sum -c --strict --quiet disk.md5 && sha256sum -c --strict --quiet disk.sha256) || fail "hash files"
[ ! -e "$T/out/disk.state.json" ] || fail "state file left after completion"
python3 - "$T/out/disk.json" "$C" "$SRC_SHA" <<'PY' || fail "record"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["resumed"] is True, r["resumed"]
assert r["resumed_from"] == int(sys.argv[2]), (r["resumed_from"], sys.argv[2])
assert r["outcome"] == "complete", r["outcome"]
assert r["source_hashes"]["sha256"] == sys.argv[3]
assert all(v["match"] for v in r["verification"] if v["done"])
PY
"$BIN" chrono list --json >"$T/chrono.json" || fail "chrono list"
grep -q acquisition_resumed "$T/chrono.json" || fail "no acquisition_resumed entry"

# SIGTERM (as from a closed session or `kill`) cancels cleanly: exit 14, the resume command is
# printed, and --resume finishes with the earlier reports kept as <name>.interrupted-1.*.
mkdir -p "$T/out3"
cd "$T"
rm -f "$T/release"
"$BIN" acquire mnt/disk.img --dest out3 --name disk --format raw --hash sha256 >"$T/term.out" 2>&1 &
PID=$!
wait_commit "$T/out3/disk.state.json"
kill -TERM "$PID"
touch "$T/release"
wait "$PID"
rc=$?
PID=""
[ $rc -eq 14 ] || { cat "$T/term.out"; fail "SIGTERM: exit $rc, expected 14 (cancelled)"; }
grep -q -- "--resume $T/out3/disk.state.json" "$T/term.out" || { cat "$T/term.out"; fail "the resume command must be printed"; }
"$BIN" acquire --resume "$T/out3/disk.state.json" >"$T/term2.out" 2>&1 || { cat "$T/term2.out"; fail "resume after SIGTERM"; }
cmp -s "$T/backing" "$T/out3/disk.raw" || fail "image after SIGTERM + resume differs"
for f in disk.json disk.info.txt disk.dfxml disk.sha256 disk.interrupted-1.json disk.interrupted-1.info.txt; do
  [ -s "$T/out3/$f" ] || fail "missing $f"
done
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["outcome"]=="cancelled", r["outcome"]' "$T/out3/disk.interrupted-1.json" \
  || fail "the interrupted report must stay as it was"
(cd "$T/out3" && sha256sum -c --quiet disk.sha256) || fail "sha256sum -c after resume"
# verify-image records its result on the image's evidence item and in the chronology.
"$BIN" verify-image "$T/out3/disk.raw" >"$T/vi.out" 2>&1 || { cat "$T/vi.out"; fail "verify-image"; }
"$BIN" chrono list --json | grep -q "shodo verify-image $T/out3/disk.raw" || fail "verify-image not in the chronology"

# A second destination gets the same segments and its own report and hash files.
cd "$T"
head -c $((5 << 20)) /dev/urandom >"$T/small.img"
mkdir -p "$T/a" "$T/b"
"$BIN" acquire small.img --dest a --second-dest b --name x --format split --segment-size 2M --hash md5 >"$T/two.out" 2>&1 \
  || { cat "$T/two.out"; fail "two destinations"; }
for d in a b; do
  (cd "$T/$d" && md5sum -c --strict --quiet x.md5 && sha256sum -c --strict --quiet x.sha256) || fail "hash files in $d"
  [ -s "$T/$d/x.info.txt" ] && [ -s "$T/$d/x.json" ] && [ -s "$T/$d/x.dfxml" ] || fail "report files in $d"
  cat "$T/$d"/x.0* | cmp -s - "$T/small.img" || fail "image in $d differs from the source"
done
grep -q "second_image_reread" "$T/two.out" || fail "the second copy must be verified too"

# EV-03: the register's image manifest names the real files and passes sha256sum -c.
"$BIN" evidence register --out "$T/reg" >"$T/reg.out" 2>&1 || { cat "$T/reg.out"; fail "evidence register"; }
grep -q "$T/a/x.001" "$T/reg/evidence_images.sha256" || { cat "$T/reg/evidence_images.sha256"; fail "manifest lacks the split segments"; }
grep -q "$T/out3/disk.raw" "$T/reg/evidence_images.sha256" || fail "manifest lacks the raw image"
sha256sum -c --strict --quiet "$T/reg/evidence_images.sha256" || fail "sha256sum -c on the register manifest"
echo "PASS"
