#!/bin/bash
# Acquisition by an unprivileged user, as the booted kit's kiosk user `shodo` does it (EV-,
# issue 3/4): BLKROSET needs root, so
#  - a device that is still writable is refused by preflight with a clear message in Japanese and
#    English, a non-zero exit, no image file and the device untouched;
#  - a device whose kernel read-only flag is already set (the kit's udev rule sets it on every
#    device) is imaged: byte-exact, SHA-256 equal to the source, and the report says the flag was
#    already set and confirmed, not that we set it.
# Runs the shodo binary as uid nobody in group disk (setpriv). Needs root and losetup. 77 = skipped.
set -u
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v losetup >/dev/null && command -v setpriv >/dev/null || { echo "SKIP: no losetup/setpriv"; exit 77; }
BIN=${SHODO_BIN:?}
DISK_GID=$(getent group disk | cut -d: -f3); [ -n "$DISK_GID" ] || { echo "SKIP: no group disk"; exit 77; }
NOBODY=$(id -u nobody 2>/dev/null) || { echo "SKIP: no user nobody"; exit 77; }

T=$(mktemp -d /tmp/shodo-unpriv-XXXXXX); chmod 0755 "$T"
LOOP=""
NODE_MODE=""
cleanup() {
  if [ -n "$LOOP" ]; then
    [ -n "$NODE_MODE" ] && { chown "${NODE_MODE% *}" "$LOOP"; chmod "${NODE_MODE#* }" "$LOOP"; }
    losetup -d "$LOOP" 2>/dev/null
  fi
  rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
# The binary must be reachable by nobody (a build tree under a 0700 home is not).
cp "$BIN" "$T/shodo"; chmod 0755 "$T/shodo"
as_user() { setpriv --reuid="$NOBODY" --regid="$DISK_GID" --clear-groups \
              env -i PATH=/usr/bin:/bin HOME="$T/home" LANG="${UL:-C.UTF-8}" SHODO_CASE_ROOT="$T/cases" \
              SHODO_OPERATOR="山田 太郎" SHODO_ROLES=CSIRT "$@"; }
mkdir -p "$T/home" "$T/cases" "$T/out"; chown "$NOBODY:$DISK_GID" "$T/home" "$T/cases" "$T/out"
as_user "$T/shodo" incident new --id TEST-20261124-01 --title "一般ユーザー取得" --facility "テスト病院" --profile hospital >/dev/null \
  || fail "incident new as nobody"

head -c $((4 << 20)) /dev/urandom > "$T/backing"
SRC_SHA=$(sha256sum < "$T/backing" | cut -d' ' -f1)
LOOP=$(losetup -f --show "$T/backing") || fail "losetup"
blockdev --setrw "$LOOP"
# What udev does on a real system (block devices root:disk 0660); this sandbox has no udev.
NODE_MODE=$(stat -c '%u:%g %a' "$LOOP")
chgrp disk "$LOOP" && chmod 0660 "$LOOP" || fail "chgrp/chmod $LOOP"

# --- writable device: refused -----------------------------------------------------------------
as_user "$T/shodo" acquire "$LOOP" --dest "$T/out" --name img --format raw >"$T/rw.out" 2>"$T/rw.err"; rc=$?
[ $rc -ne 0 ] || fail "a writable device was imaged by an unprivileged user"
grep -q "the device is writable; setting it read-only (BLKROSET) needs root" "$T/rw.out" "$T/rw.err" \
  || { cat "$T/rw.out" "$T/rw.err"; fail "no English reason for the refusal"; }
UL=ja_JP.UTF-8 as_user "$T/shodo" acquire "$LOOP" --dest "$T/out" --name img --format raw >"$T/rw-ja.out" 2>"$T/rw-ja.err"; jrc=$?
[ $jrc -eq $rc ] || fail "exit $jrc in Japanese, $rc in English"
grep -q "装置が書き込み可能です。読み取り専用に設定するには root 権限が必要です" "$T/rw-ja.out" "$T/rw-ja.err" \
  || { cat "$T/rw-ja.out" "$T/rw-ja.err"; fail "no Japanese reason for the refusal"; }
[ -z "$(ls -A "$T/out")" ] || fail "files were written after the refusal: $(ls "$T/out")"
[ "$(blockdev --getro "$LOOP")" = 0 ] || fail "the refused run changed the device's ro flag"
[ "$(sha256sum < "$T/backing" | cut -d' ' -f1)" = "$SRC_SHA" ] || fail "source changed"
echo "ok: writable device refused (exit $rc) with the reason in Japanese and English, nothing written"

# --- read-only device (as the kit's udev rule leaves it): imaged ------------------------------
blockdev --setro "$LOOP"
as_user "$T/shodo" acquire "$LOOP" --dest "$T/out" --name img --format raw --hash md5,sha256 >"$T/ro.out" 2>"$T/ro.err"; rc=$?
[ $rc -eq 0 ] || { cat "$T/ro.out" "$T/ro.err"; fail "read-only device: exit $rc, expected 0"; }
[ "$(sha256sum < "$T/out/img.raw" | cut -d' ' -f1)" = "$SRC_SHA" ] || fail "image differs from the source"
(cd "$T/out" && sha256sum -c --quiet img.sha256 && md5sum -c --quiet img.md5) || fail "sha256sum -c / md5sum -c on our hash files"
python3 - "$T/out/img.json" "$SRC_SHA" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
wp = r.get("write_protection", "")
assert wp.startswith("kernel read-only flag already set (confirmed with BLKROGET before reading"), wp
h = json.dumps(r)
assert sys.argv[2] in h, "source SHA-256 not in the report"
print("ok: report:", wp)
PY
[ "$(blockdev --getro "$LOOP")" = 1 ] || fail "device no longer read-only"
[ "$(sha256sum < "$T/backing" | cut -d' ' -f1)" = "$SRC_SHA" ] || fail "source changed"
[ "$(stat -c %u "$T/out/img.raw")" = "$NOBODY" ] || fail "image not owned by the user who made it"
echo "ok: read-only device imaged by uid $NOBODY, SHA-256 $SRC_SHA, source unchanged"
