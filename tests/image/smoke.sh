#!/usr/bin/env bash
# Image smoke test: boots the built kit in QEMU and asserts from inside the booted system.
#
#   tests/image/smoke.sh [--only NAME[,NAME...]] [--out DIR]     NAME: bios uefi secureboot display write
#
# Boots (each selects the hidden self-test entry of the GRUB menu by its hotkey on the serial
# console, so the real boot loader, kernel and initramfs are used; image/overlay's
# shodo-test-report prints the ST-* report on ttyS0):
#   bios        SeaBIOS, the .img as a USB stick (xhci), virtio internal disk, e1000 NIC
#   uefi        OVMF, the .iso as a CD-ROM, NVMe internal disk, virtio NIC
#   secureboot  OVMF secboot code with Microsoft keys enrolled (q35, SMM), the .img as a USB stick,
#               NVMe internal disk; asserts the kernel reports Secure Boot enabled
#   display     SeaBIOS, USB stick, std VGA: QEMU-monitor screendumps of the Shodo window and of the
#               terminal opened with Ctrl+Alt+T (sent through the monitor)
#   write       build-usb.sh --write onto a loop device: refusals, then a real write, read back
# On the USB boots the kiosk user also images the internal disk onto SHODO-CASES with `shodo acquire`
# and the report's SHA-256 must equal the host's hash of the disk file.
# After every boot: the image file, the stick's system part and the internal disk have the same
# SHA-256 as before. The "internal disk" carries a GPT with an ext4 partition labelled
# SHODO-CASES (a decoy: only the boot stick's partition may be used) and a swap partition.
# Acceleration: KVM when a probe boot works, else TCG (SHODO_SMOKE_ACCEL=tcg|kvm forces one).
# Env: SHODO_SMOKE_TIMEOUT (seconds per boot, default 1200; the self-test entries reboot — and so
# end QEMU — 30 s after a kernel panic). Exit 77 when no image is built.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/image
OUT=$ROOT/build/usb/out
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=${2:?}; shift ;;
    --out) OUT=${2:?}; shift ;;
    *) echo "smoke.sh: unknown argument $1 / 不明な引数 $1" >&2; exit 2 ;;
  esac
  shift
done
for n in ${ONLY//,/ }; do
  case "$n" in bios|uefi|secureboot|display|write) ;;
    *) echo "smoke.sh: unknown test $n (bios uefi secureboot display write) / 不明なテスト名 $n" >&2; exit 2 ;; esac
done
IMG=$(readlink -f "$OUT/shodo-kit-latest.img" 2>/dev/null || true)
ISO=$(readlink -f "$OUT/shodo-kit-latest.iso" 2>/dev/null || true)
if [ ! -f "$IMG" ] || [ ! -f "$ISO" ]; then
  echo "SKIP: no image in $OUT (run build-usb.sh first)"; exit 77
fi
SYSTEM_SHA=$(cat "$OUT/shodo-kit-latest.system-sha256")
TIMEOUT=${SHODO_SMOKE_TIMEOUT:-1200}
W=$ROOT/build/usb/smoke
rm -rf "$W"; mkdir -p "$W"
QPID=""
cleanup() { [ -n "$QPID" ] && kill "$QPID" 2>/dev/null || true; exec 7>&- 2>/dev/null || true; }
trap cleanup EXIT
FAILED=()
fail() { echo "SMOKE FAIL: $*"; FAILED+=("$*"); }
sha() { sha256sum "$1" | cut -d' ' -f1; }
# Bytes before the evidence partition: MBR, ISO 9660 system, EFI partition.
sys_sha() { local n; n=$(sfdisk -J "$1" | python3 -c 'import json,sys;print(json.load(sys.stdin)["partitiontable"]["partitions"][2]["start"])'); head -c $((n*512)) "$1" | sha256sum | cut -d' ' -f1; }

# --- acceleration ---------------------------------------------------------------------------------
ACCEL=${SHODO_SMOKE_ACCEL:-}
if [ -z "$ACCEL" ]; then
  ACCEL=tcg
  if [ -w /dev/kvm ]; then
    # A guest that must print its kernel banner within 60 s; PVM-nested hosts abort or hang here.
    xorriso -osirrox on -indev "$ISO" -extract /live/vmlinuz "$W/probe-vmlinuz" >/dev/null 2>&1
    timeout 60 qemu-system-x86_64 -accel kvm -cpu host -m 256 -display none -no-reboot \
      -kernel "$W/probe-vmlinuz" -append "console=ttyS0 panic=-1" -serial file:"$W/kvm-probe.log" >/dev/null 2>&1 || true
    grep -q 'Linux version' "$W/kvm-probe.log" 2>/dev/null && ACCEL=kvm
  fi
fi
CPU=(); [ "$ACCEL" = kvm ] && CPU=(-cpu host)
echo "smoke: accel=$ACCEL image=$(basename "$IMG") system-sha256=$SYSTEM_SHA"

# --- the host's "internal disk" ---------------------------------------------------------------------
INTERNAL=$W/internal.img
truncate -s 96M "$INTERNAL"
printf 'label: gpt\nsize=48M, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="data"\nsize=+, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, name="swap"\n' \
  | sfdisk -q "$INTERNAL" >/dev/null
read -r p1s p1n p2s p2n < <(sfdisk -J "$INTERNAL" | python3 -c 'import json,sys;p=json.load(sys.stdin)["partitiontable"]["partitions"];print(p[0]["start"],p[0]["size"],p[1]["start"],p[1]["size"])')
mkdir -p "$W/internal-files"; echo "patient record placeholder" > "$W/internal-files/record.txt"
mkfs.ext4 -q -F -L SHODO-CASES -d "$W/internal-files" -E offset=$((p1s*512)) "$INTERNAL" $((p1n/2)) >/dev/null
truncate -s $((p2n*512)) "$W/swap.part"; mkswap -q "$W/swap.part" >/dev/null 2>&1 || mkswap "$W/swap.part" >/dev/null
dd if="$W/swap.part" of="$INTERNAL" bs=512 seek="$p2s" conv=notrunc status=none; rm -f "$W/swap.part"
INTERNAL_SHA=$(sha "$INTERNAL")
# An external destination disk for the USB boots (serial SHODO-DEST, ext4 on the whole disk):
# read-only until chosen, then the kit images the internal disk onto it (read back with debugfs).
DEST=$W/dest.img
IMG_SHA=$(sha "$IMG"); ISO_SHA=$(sha "$ISO"); IMG_SYS_SHA=$(sys_sha "$IMG")

monitor() { printf '%s\n' "$1" | socat - "UNIX-CONNECT:$W/mon.sock" >/dev/null 2>&1; }

# boot NAME MODE FIRMWARE MEDIA
boot() {
  local name=$1 mode=$2 fw=$3 media=$4 key log=$W/$1-serial.log
  key=t; [ "$mode" = display ] && key=d
  echo "smoke: --- $name: $fw, $media, mode $mode ---"
  local args=(-accel "$ACCEL" "${CPU[@]}" -m 2048 -smp 2 -no-reboot -display none -vga std
              -monitor "unix:$W/mon.sock,server=on,wait=off" -serial stdio)
  case "$fw" in
    bios) ;;
    uefi) cp /usr/share/OVMF/OVMF_VARS_4M.fd "$W/vars.fd"
          args+=(-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
                 -drive if=pflash,format=raw,file="$W/vars.fd") ;;
    secureboot) cp /usr/share/OVMF/OVMF_VARS_4M.ms.fd "$W/vars.fd"
          args+=(-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on
                 -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
                 -drive if=pflash,format=raw,file="$W/vars.fd") ;;
  esac
  local stick=""
  if [ "$media" = usb ]; then
    stick=$W/stick.img; cp --sparse=always "$IMG" "$stick"
    args+=(-device qemu-xhci -drive file="$stick",format=raw,if=none,id=stick
           -device usb-storage,drive=stick,removable=on,bootindex=0)
  else
    args+=(-drive file="$ISO",format=raw,media=cdrom,readonly=on,if=none,id=cd -device ide-cd,drive=cd,bootindex=0)
  fi
  if [ "$fw" = bios ]; then
    args+=(-drive file="$INTERNAL",format=raw,if=none,id=hd -device virtio-blk-pci,drive=hd,serial=SHODO-INTERNAL
           -nic user,model=e1000,restrict=on)
  else
    args+=(-drive file="$INTERNAL",format=raw,if=none,id=hd -device nvme,drive=hd,serial=SHODO-INTERNAL
           -nic user,model=virtio-net-pci,restrict=on)
  fi
  if [ "$media" = usb ]; then
    rm -f "$DEST"; truncate -s 256M "$DEST"; mkfs.ext4 -q -F -L EVIDENCE-DEST "$DEST"
    if [ "$fw" = bios ]; then
      args+=(-drive file="$DEST",format=raw,if=none,id=dest -device virtio-blk-pci,drive=dest,serial=SHODO-DEST)
    else
      args+=(-drive file="$DEST",format=raw,if=none,id=dest -device nvme,drive=dest,serial=SHODO-DEST)
    fi
  fi
  rm -f "$W/serial.in"; mkfifo "$W/serial.in"
  local start; start=$(date +%s)
  qemu-system-x86_64 "${args[@]}" < "$W/serial.in" > "$log" 2>"$W/$name-qemu.err" &
  QPID=$!
  exec 7<>"$W/serial.in"
  local pressed=0 reported=0 t
  while :; do
    t=$(( $(date +%s) - start ))
    if [ $pressed = 0 ] && grep -aq 'Kit maintainers: self-test' "$log"; then
      printf '%s' "$key" >&7; pressed=1; echo "smoke: $name: boot menu after ${t}s, pressed '$key'"
    fi
    if [ $reported = 0 ] && grep -aq '^SHODO-TEST-END' "$log"; then
      reported=1; echo "smoke: $name: report after ${t}s (guest uptime $(grep -ao 'uptime=[0-9.]*s' "$log" | head -1))"
      [ "$mode" = display ] && break
    fi
    kill -0 "$QPID" 2>/dev/null || break
    if [ "$t" -ge "$TIMEOUT" ]; then
      echo "smoke: $name: timeout after ${t}s (screen: $W/$name-timeout.ppm)"
      monitor "screendump $W/$name-timeout.ppm"; sleep 2; monitor quit; break
    fi
    sleep 1
  done
  if [ "$mode" = display ] && [ $reported = 1 ]; then
    sleep 8                                      # a few frames after the report
    monitor "screendump $W/$name-shodo.ppm"; sleep 2
    monitor "sendkey ctrl-alt-t"
    for _ in $(seq 330); do grep -aq '^ST-TERMINAL:' "$log" && break; sleep 1; done
    sleep 2
    monitor "screendump $W/$name-terminal.ppm"; sleep 2
    monitor "system_powerdown"
  fi
  for _ in $(seq 180); do kill -0 "$QPID" 2>/dev/null || break; sleep 1; done
  if kill -0 "$QPID" 2>/dev/null; then echo "smoke: $name: no power-off, stopping QEMU"; monitor quit; sleep 2; kill "$QPID" 2>/dev/null || true; fi
  wait "$QPID" 2>/dev/null || true
  QPID=""; exec 7>&-
  echo "smoke: $name: total $(( $(date +%s) - start ))s"
  [ $reported = 1 ] || { fail "$name: no report (serial log $log)"; tail -c 3000 "$log" | tr -d '\r' | tail -40; return; }
  local extra=(); [ "$mode" = display ] && extra=(--display); [ "$media" = usb ] && extra+=(--dest)
  python3 "$HERE/check_report.py" "$log" --firmware "$fw" --media "$media" --system-sha256 "$SYSTEM_SHA" \
    --internal-serial SHODO-INTERNAL --internal-sha256 "$INTERNAL_SHA" "${extra[@]}" || fail "$name: report checks"
  if [ "$mode" = display ]; then
    if [ -f "$W/$name-shodo.ppm" ]; then
      python3 "$HERE/check_screenshot.py" "$W/$name-shodo.ppm" || fail "$name: screenshot checks"
      convert "$W/$name-shodo.ppm" "$W/$name-shodo.png" 2>/dev/null || true
      convert "$W/$name-terminal.ppm" "$W/$name-terminal.png" 2>/dev/null || true
    else
      fail "$name: no screenshot"
    fi
  fi
  [ "$(sha "$INTERNAL")" = "$INTERNAL_SHA" ] && echo "  ok   internal disk unchanged (SHA-256 $INTERNAL_SHA)" || fail "$name: the internal disk CHANGED"
  if [ "$media" = usb ]; then
    rm -f "$W/dest-internal.raw"
    debugfs -R "dump /shodo-images/internal.raw $W/dest-internal.raw" "$DEST" >/dev/null 2>&1 || true
    local dsum; dsum=$(debugfs -R "cat /shodo-images/internal.sha256" "$DEST" 2>/dev/null | cut -d' ' -f1)
    if [ -f "$W/dest-internal.raw" ] && [ "$(sha "$W/dest-internal.raw")" = "$INTERNAL_SHA" ] && [ "$dsum" = "$INTERNAL_SHA" ]; then
      echo "  ok   read back on the host: the image on the destination disk and its .sha256 equal the internal disk"
    else
      fail "$name: the image on the destination disk does not match the internal disk (hash file: ${dsum:-none})"
    fi
    rm -f "$W/dest-internal.raw" "$DEST"
  fi
  [ "$(sha "$IMG")" = "$IMG_SHA" ] && echo "  ok   image file unchanged" || fail "$name: the image file changed"
  [ "$(sha "$ISO")" = "$ISO_SHA" ] && echo "  ok   ISO file unchanged" || fail "$name: the ISO file changed"
  if [ -n "$stick" ]; then
    [ "$(sys_sha "$stick")" = "$IMG_SYS_SHA" ] && echo "  ok   the stick's system part unchanged (only SHODO-CASES was written)" \
      || fail "$name: the stick's system part changed"
    rm -f "$stick"
  fi
}

write_test() {
  echo "smoke: --- write: build-usb.sh --write ---"
  local out rc
  set +e
  out=$("$ROOT/build-usb.sh" --write /dev/null --image "$IMG" 2>&1); rc=$?
  [ $rc = 2 ] && grep -q 'not a block device' <<<"$out" && echo "  ok   a non-block device is refused" || fail "write: /dev/null not refused ($rc: $out)"
  local rootsrc; rootsrc=$(findmnt -no SOURCE / | sed 's/\[.*//')
  if [ -b "$rootsrc" ]; then
    local rootdisk; rootdisk=/dev/$(lsblk -no PKNAME "$rootsrc" | tail -1); [ "$rootdisk" = /dev/ ] && rootdisk=$rootsrc
    out=$("$ROOT/build-usb.sh" --write "$rootdisk" --image "$IMG" 2>&1 </dev/null); rc=$?
    [ $rc = 2 ] && grep -q "this machine's own disk\|is mounted" <<<"$out" && echo "  ok   the machine's own disk $rootdisk is refused" \
      || fail "write: own disk $rootdisk not refused ($rc: $out)"
  fi
  truncate -s 2G "$W/stick-target.img"
  local loop; loop=$(losetup -f --show "$W/stick-target.img")
  out=$(SHODO_WRITE_CONFIRM=wrong SHODO_WRITE_ALLOW_LOOP=1 "$ROOT/build-usb.sh" --write "$loop" --image "$IMG" 2>&1); rc=$?
  [ $rc = 1 ] && grep -q 'nothing was written' <<<"$out" && echo "  ok   a wrong confirmation aborts" || fail "write: wrong confirmation ($rc: $out)"
  grep -q "model" <<<"$out" && grep -q "size" <<<"$out" && echo "  ok   the confirmation names model and size" || fail "write: no model/size shown"
  out=$(SHODO_WRITE_CONFIRM=${loop##*/} SHODO_WRITE_ALLOW_LOOP=1 "$ROOT/build-usb.sh" --write "$loop" --image "$IMG" 2>&1); rc=$?
  set -e
  losetup -d "$loop"
  if [ $rc = 0 ]; then
    echo "  ok   written and read back"
    # The stick's partition-table entry 3 (bytes 478-493) grew; everything else before SHODO-CASES
    # (boot code, entries 1 and 2, ISO 9660 system, EFI partition) must equal the image.
    local n3; n3=$(sfdisk -J "$IMG" | python3 -c 'import json,sys;print(json.load(sys.stdin)["partitiontable"]["partitions"][2]["start"])')
    if cmp -s -n 478 "$IMG" "$W/stick-target.img" \
       && cmp -s -i 512 -n $(( n3 * 512 - 512 )) "$IMG" "$W/stick-target.img"; then
      echo "  ok   the stick's system part equals the image (boot code, partitions 1-2, ISO, EFI)"
    else
      fail "write: system part differs"
    fi
    local ev; ev=$(sfdisk -J "$W/stick-target.img" | python3 -c 'import json,sys;p=json.load(sys.stdin)["partitiontable"]["partitions"][2];print(p["start"],p["size"])')
    read -r s n <<<"$ev"
    [ $(( (s + n) * 512 )) -gt $(( 2 * 1024 * 1024 * 1024 - 2 * 1048576 )) ] && echo "  ok   SHODO-CASES fills the rest of the stick ($((n/2048)) MiB)" || fail "write: evidence partition not grown ($ev)"
    [ "$(blkid -p -O $((s*512)) -o value -s LABEL "$W/stick-target.img" 2>/dev/null)" = SHODO-CASES ] && echo "  ok   label SHODO-CASES" || fail "write: no SHODO-CASES label"
  else
    fail "write: writing to a loop device failed ($rc: $out)"
  fi
  rm -f "$W/stick-target.img"
}

run() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }
run bios && boot bios report bios usb
run uefi && boot uefi report uefi cd
run secureboot && boot secureboot report secureboot usb
run display && boot display display bios usb
run write && write_test

if [ ${#FAILED[@]} -gt 0 ]; then
  echo "smoke: FAILED (${#FAILED[@]}):"; printf '  %s\n' "${FAILED[@]}"
  echo "smoke: logs and screenshots kept in $W"
  exit 1
fi
echo "smoke: PASS (logs and screenshots in $W)"
