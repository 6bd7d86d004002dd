#!/bin/bash
# `shodo devices` against real loop devices (issue 3, EV- sources and write protection):
#  - identity, size, transport, file system (libblkid) and backing file are reported;
#  - listing (also with --hpa --smart) never writes: the backing file's SHA-256 is unchanged;
#  - every device carries a badge: [RW ...] until it is read-only, [RO] after;
#  - a device mounted read-write shows the mount and acquisition refuses it unless overridden
#    with a reason; the disk that holds the case root and a mounted volume labelled SHODO-CASES
#    (a kit's case volume in use) are never offered and acquisition refuses them; an unmounted
#    SHODO-CASES volume (a host disk with that label) is offered: a label cannot hide a disk;
#  - an unknown device is a clear error in Japanese and English with a non-zero exit.
# Needs root and losetup. Exit 77 = skipped.
set -u
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v losetup >/dev/null && command -v mkfs.ext4 >/dev/null || { echo "SKIP: no losetup/mkfs.ext4"; exit 77; }
BIN=${SHODO_BIN:?}

T=$(mktemp -d /tmp/shodo-dev-XXXXXX)
LOOPS=()
cleanup() {
  mountpoint -q "$T/m" && umount -l "$T/m"
  for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
attach() {  # attach FILE → prints the loop device, writable
  local l
  l=$(losetup -f --show "$1") || return 1
  blockdev --setrw "$l"  # a loop device keeps BLKROSET across detach/attach
  echo "$l"
}
field() { python3 -c 'import json,sys; d=json.load(sys.stdin)["devices"][0]; print(eval(sys.argv[1]))' "$1"; }

export SHODO_CASE_ROOT=$T/cases SHODO_OPERATOR="山田 太郎" SHODO_ROLES=CSIRT SHODO_LANG=en
"$BIN" incident new --id TEST-20261124-02 --title "デバイス一覧" --facility "テスト病院" --profile hospital >/dev/null || fail "incident new"

truncate -s 64M "$T/ev.img" && mkfs.ext4 -q -L EVIDISK "$T/ev.img" || fail "mkfs.ext4"
L1=$(attach "$T/ev.img") || fail "losetup"
LOOPS+=("$L1")
BEFORE=$(sha256sum < "$T/ev.img" | cut -d' ' -f1)

# --- identity from sysfs + libblkid ---------------------------------------------------------
"$BIN" --json devices "$L1" >"$T/d1.json" 2>"$T/d1.err" || { cat "$T/d1.err"; fail "devices --json $L1"; }
[ "$(field 'd["path"]' <"$T/d1.json")" = "$L1" ] || fail "path"
[ "$(field 'd["transport"]' <"$T/d1.json")" = loop ] || fail "transport should be loop"
[ "$(field 'd["size_bytes"]' <"$T/d1.json")" = 67108864 ] || fail "size should be 64 MiB"
[ "$(field 'd["logical_sector"]' <"$T/d1.json")" = 512 ] || fail "logical sector"
[ "$(field 'd["fs_type"]' <"$T/d1.json")" = ext4 ] || fail "fs_type ext4 (libblkid)"
[ "$(field 'd["fs_label"]' <"$T/d1.json")" = EVIDISK ] || fail "fs_label"
[ "$(field 'd["backing_file"]' <"$T/d1.json")" = "$T/ev.img" ] || fail "backing file"
[ "$(field 'd["offered"]' <"$T/d1.json")" = True ] || fail "a plain loop device must be offered"
[ "$(field 'd["read_only"]' <"$T/d1.json")" = False ] || fail "read_only should be false before acquisition"

# --- badges in the text listing ----------------------------------------------------------------
"$BIN" devices "$L1" >"$T/d1.txt" || fail "devices $L1"
grep -q "^$L1 .*\[RW" "$T/d1.txt" || { cat "$T/d1.txt"; fail "a writable device must carry the RW badge"; }
blockdev --setro "$L1"
"$BIN" devices "$L1" >"$T/d1ro.txt" || fail "devices $L1 (ro)"
grep -q "^$L1 .*\[RO\]" "$T/d1ro.txt" || { cat "$T/d1ro.txt"; fail "a read-only device must carry the RO badge"; }
SHODO_LANG=ja "$BIN" devices "$L1" | grep -q "\[読取専用\]" || fail "Japanese RO badge"
blockdev --setrw "$L1"

# --- HPA/DCO and SMART: asked read-only, answered with a reason on a loop device ---------------
"$BIN" --json devices --hpa --smart "$L1" >"$T/d1h.json" || fail "devices --hpa --smart"
[ "$(field 'd["hpa_dco"]["queried"]' <"$T/d1h.json")" = True ] || fail "HPA not queried"
field 'd["hpa_dco"]["note_en"]' <"$T/d1h.json" | grep -q ATA || fail "HPA note must say why (ATA only)"
[ "$(field 'd["smart"]["queried"]' <"$T/d1h.json")" = True ] || fail "SMART not queried"
[ "$(field 'd["smart"]["available"]' <"$T/d1h.json")" = False ] || fail "SMART cannot be available on a loop device"
AFTER=$(sha256sum < "$T/ev.img" | cut -d' ' -f1)
[ "$BEFORE" = "$AFTER" ] || fail "listing changed the device"

# --- a device mounted read-write ----------------------------------------------------------------
mkdir -p "$T/m" "$T/out"
mount "$L1" "$T/m" || fail "mount ext4"
"$BIN" --json devices "$L1" >"$T/d1m.json" || fail "devices (mounted)"
[ "$(field 'd["mounts"][0]["mount_point"]' <"$T/d1m.json")" = "$T/m" ] || fail "mount point not shown"
[ "$(field 'd["mounts"][0]["read_write"]' <"$T/d1m.json")" = True ] || fail "rw mount not shown"
"$BIN" acquire "$L1" --dest "$T/out" --name m --preflight-only >"$T/pf1.out" 2>&1
rc=$?
[ $rc -ne 0 ] || fail "a source mounted read-write must be refused"
grep -qi "mounted read-write" "$T/pf1.out" || { cat "$T/pf1.out"; fail "the refusal must say it is mounted read-write"; }
"$BIN" acquire "$L1" --dest "$T/out" --name m --preflight-only --allow-mounted-rw >"$T/pf2.out" 2>&1
[ $? -ne 0 ] && grep -q -- "--reason" "$T/pf2.out" || { cat "$T/pf2.out"; fail "the override must need a reason"; }
"$BIN" acquire "$L1" --dest "$T/out" --name m --preflight-only --allow-mounted-rw --reason "サーバ停止不可のため稼働中に取得" \
  >"$T/pf3.out" 2>&1 || { cat "$T/pf3.out"; fail "override with a reason must pass preflight"; }
umount "$T/m"

# --- the disk that holds the case root is never offered -------------------------------------------
truncate -s 64M "$T/case.img" && mkfs.ext4 -q -L CASEDISK "$T/case.img" || fail "mkfs case disk"
L2=$(attach "$T/case.img") || fail "losetup case"
LOOPS+=("$L2")
mount "$L2" "$T/m" || fail "mount case disk"
mkdir -p "$T/m/cases"
SHODO_CASE_ROOT=$T/m/cases "$BIN" --json devices "$L2" >"$T/d2.json" || fail "devices (case root)"
[ "$(field 'd["offered"]' <"$T/d2.json")" = False ] || fail "the case-root disk must not be offered"
field 'd["excluded"]' <"$T/d2.json" | grep -q case_root || fail "exclusion reason case_root"
SHODO_CASE_ROOT=$T/m/cases "$BIN" acquire "$L2" --dest "$T/out" --name c --preflight-only --allow-mounted-rw --reason x >"$T/pf4.out" 2>&1
[ $? -ne 0 ] || { cat "$T/pf4.out"; fail "acquiring the case-root disk must be refused"; }
grep -qi "case root" "$T/pf4.out" || { cat "$T/pf4.out"; fail "the refusal must name the case root"; }
umount "$T/m"

# --- a volume labelled SHODO-CASES: a kit's case volume while mounted, else an ordinary disk -------
truncate -s 64M "$T/kit.img" && mkfs.ext4 -q -L SHODO-CASES "$T/kit.img" || fail "mkfs SHODO-CASES"
L3=$(attach "$T/kit.img") || fail "losetup kit"
LOOPS+=("$L3")
"$BIN" --json devices "$L3" >"$T/d3u.json" || fail "devices (unmounted SHODO-CASES)"
[ "$(field 'd["offered"]' <"$T/d3u.json")" = True ] || fail "an unmounted SHODO-CASES volume must be offered"
mount -o ro "$L3" "$T/m" || fail "mount SHODO-CASES"
"$BIN" --json devices "$L3" >"$T/d3.json" || fail "devices (kit volume)"
[ "$(field 'd["offered"]' <"$T/d3.json")" = False ] || fail "a mounted SHODO-CASES must not be offered"
field 'd["excluded"]' <"$T/d3.json" | grep -q kit_case_volume || fail "exclusion reason kit_case_volume"
"$BIN" acquire "$L3" --dest "$T/out" --name k --preflight-only >"$T/pf5.out" 2>&1
[ $? -ne 0 ] && grep -q "case volume in use" "$T/pf5.out" || { cat "$T/pf5.out"; fail "acquiring a mounted SHODO-CASES must be refused"; }
umount "$T/m"

# --- an unknown device ----------------------------------------------------------------------------
"$BIN" devices /dev/shodo-no-such-disk >"$T/u.out" 2>&1
rc=$?
[ $rc -ne 0 ] || fail "an unknown device must be an error"
grep -q "shodo-no-such-disk" "$T/u.out" || { cat "$T/u.out"; fail "the error must name the device"; }
SHODO_LANG=ja "$BIN" devices /dev/shodo-no-such-disk 2>&1 | grep -qP '[\x{3040}-\x{30ff}\x{4e00}-\x{9fff}]' \
  || fail "the Japanese error must be Japanese"
echo "PASS"
