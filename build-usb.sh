#!/usr/bin/env bash
# build-usb.sh — builds the Shodo field-kit live image (Debian 12) from image/ and the Release
# build of `shodo`, or writes a built image to a USB stick.
#
#   build-usb.sh [--fast] [--out DIR] [--binary FILE] [--evidence-fs ext4|exfat] [--evidence-size MIB]
#   build-usb.sh --write /dev/sdX [--image FILE]
#
# Output (default build/usb/out/):
#   shodo-kit-VERSION-COMMIT.img            hybrid BIOS/UEFI(+Secure Boot) USB image: ISO 9660 system
#                                           partition, EFI system partition, evidence partition
#                                           SHODO-CASES (ext4 or exFAT)
#   shodo-kit-VERSION-COMMIT.iso            the same system for optical media or a VM (no evidence partition)
#   shodo-kit-VERSION-COMMIT.manifest.json  every package and version in the image (also inside it)
#   shodo-kit-VERSION-COMMIT.SHA256SUMS     SHA-256 of .img and .iso, and the system hash
# The system hash is the SHA-256 of live/SHA256SUMS on the medium (which lists every file of the
# system partition): the kit shows it (Settings, `shodo kit check`) so a responder can compare it
# with the published value. docs/usb-image.{ja,en}.md explain the whole procedure.
#
# Stages: host packages → `shodo` Release build (build/image-release) → base chroot (debootstrap
# + image/packages, cached in $SHODO_IMAGE_CACHE, keyed by the package list and mirrors) → a copy
# gets image/overlay, the app and its runtime libraries, image/hooks/*.sh in order, the manifest →
# squashfs → ISO (xorriso; Debian's signed shim + GRUB for UEFI, GRUB El Torito for BIOS) → USB
# image with the evidence partition appended. Needs root on Debian 12 and the Debian archive only.
# Environment: SHODO_IMAGE_CACHE (default /var/cache/shodo-image), SHODO_IMAGE_WORK (default
# build/usb/work), SHODO_MIRROR, SHODO_SECURITY_MIRROR (e.g. a snapshot.debian.org URL for a
# reproducible package set), SOURCE_DATE_EPOCH (default: time of the last git commit).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$ROOT/scripts/common.sh"

# Bump when the base recipe changes in a way the package list does not show.
BASE_RECIPE=2
SUITE=bookworm
OUT=$ROOT/build/usb/out
WORK=${SHODO_IMAGE_WORK:-$ROOT/build/usb/work}
CACHE=${SHODO_IMAGE_CACHE:-/var/cache/shodo-image}
MIRROR=${SHODO_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SHODO_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
COMP=xz
EV_FS=ext4
EV_MB=512
BINARY=""
WRITE_DEV=""
IMAGE=""

say() { echo "build-usb.sh: $*" >&2; }
# die "日本語" "English" [exit code]
die() { echo "build-usb.sh: エラー: $1" >&2; echo "build-usb.sh: error: $2" >&2; exit "${3:-1}"; }
usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --fast) COMP=zstd ;;
    --out) OUT=${2:?}; shift ;;
    --binary) BINARY=${2:?}; shift ;;
    --evidence-fs) EV_FS=${2:?}; shift ;;
    --evidence-size) EV_MB=${2:?}; shift ;;
    --write) WRITE_DEV=${2:-}; [ -n "$WRITE_DEV" ] || die "--write には書き込み先のデバイスが必要です（例 /dev/sdb）" "--write needs a device (e.g. /dev/sdb)" 2; shift ;;
    --image) IMAGE=${2:?}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "不明な引数: $1" "unknown argument: $1" 2 ;;
  esac
  shift
done
case "$EV_FS" in ext4|exfat) ;; *) die "--evidence-fs は ext4 か exfat です" "--evidence-fs must be ext4 or exfat" 2 ;; esac
[[ "$EV_MB" =~ ^[0-9]+$ ]] && [ "$EV_MB" -ge 64 ] || die "--evidence-size は 64 以上の MiB 数です" "--evidence-size must be a number of MiB, at least 64" 2
[ "$(id -u)" -eq 0 ] || die "root で実行してください" "run as root" 2

# ---------------------------------------------------------------------------------------------
# --write: put a built image on a stick
# ---------------------------------------------------------------------------------------------

part_name() { case "$1" in *[0-9]) echo "${1}p$2" ;; *) echo "$1$2" ;; esac; }

# Refuses anything that is not clearly a removable stick of this operator: the machine's own
# disks (mounted, swap, holding /, in use by LVM/RAID), non-USB/non-card disks, too small ones.
check_write_target() {
  local dev=$1 img=$2 name
  [ -b "$dev" ] || die "$dev はブロックデバイスではありません" "$dev is not a block device" 2
  dev=$(readlink -f "$dev"); name=${dev##*/}
  [ "$(lsblk -dno TYPE "$dev")" = disk ] || [ "$(lsblk -dno TYPE "$dev")" = loop ] \
    || die "$dev はディスク全体ではありません（パーティションではなく /dev/sdb のように指定）" \
           "$dev is not a whole disk (give /dev/sdb, not a partition)" 2
  local rootdisk src
  for mnt in / /boot /boot/efi /usr /var /home; do
    src=$(findmnt -no SOURCE "$mnt" 2>/dev/null || true)
    [ -n "$src" ] && [ -b "$src" ] || continue
    rootdisk=$(lsblk -no PKNAME "$src" 2>/dev/null | tail -1); rootdisk=${rootdisk:-${src##*/}}
    [ "$rootdisk" = "$name" ] && die "$dev はこの PC のシステムディスクです（$mnt）" "$dev is this machine's own disk ($mnt is on it)" 2
  done
  local p
  for p in $(lsblk -lnpo NAME "$dev"); do
    findmnt -S "$p" >/dev/null 2>&1 && die "$p はマウントされています。この PC のディスクか使用中です" "$p is mounted: this machine's disk or in use" 2
    grep -q "^$p " /proc/swaps && die "$p はスワップとして使用中です" "$p is in use as swap" 2
    local b=${p##*/}
    if [ -d "/sys/class/block/$b/holders" ] && [ -n "$(ls -A "/sys/class/block/$b/holders" 2>/dev/null)" ]; then
      die "$p は LVM/RAID/暗号化で使用中です" "$p is in use (LVM, RAID or encryption)" 2
    fi
  done
  local rm tran
  rm=$(lsblk -dno RM "$dev" | tr -d ' '); tran=$(lsblk -dno TRAN "$dev" | tr -d ' ')
  if [ "$(lsblk -dno TYPE "$dev")" = loop ]; then
    [ "${SHODO_WRITE_ALLOW_LOOP:-}" = 1 ] || die "$dev はループデバイスです（テスト用: SHODO_WRITE_ALLOW_LOOP=1）" "$dev is a loop device (for tests: SHODO_WRITE_ALLOW_LOOP=1)" 2
  elif [ "$rm" != 1 ] && [ "$tran" != usb ] && [ "$tran" != mmc ]; then
    die "$dev は USB メモリや SD カードではありません（接続: ${tran:-不明}）。内蔵ディスクには書き込みません" \
        "$dev is not a USB stick or SD card (transport: ${tran:-unknown}); internal disks are refused" 2
  fi
  local size isize
  size=$(blockdev --getsize64 "$dev"); isize=$(stat -c %s "$img")
  [ "$size" -ge "$isize" ] || die "$dev は小さすぎます（$((size/1048576)) MiB < $((isize/1048576)) MiB）" "$dev is too small ($((size/1048576)) MiB < $((isize/1048576)) MiB)" 2
}

# Bytes of the image before the evidence partition (MBR, ISO 9660 system, EFI partition).
system_bytes() { sfdisk -J "$1" | python3 -c 'import json,sys;p=json.load(sys.stdin)["partitiontable"]["partitions"];print(p[2]["start"]*512 if len(p)>2 else sum(0 for _ in p))'; }

write_stick() {
  local dev=$1 img=$2
  [ -f "$img" ] || die "イメージがありません: $img（先に build-usb.sh でビルド）" "no image: $img (build it first with build-usb.sh)" 3
  check_write_target "$dev" "$img"
  dev=$(readlink -f "$dev")
  local model size serial tran
  model=$(lsblk -dno VENDOR,MODEL "$dev" | tr -s ' ' | sed 's/^ //; s/ $//')
  size=$(lsblk -dno SIZE "$dev" | tr -d ' '); serial=$(lsblk -dno SERIAL "$dev" | tr -d ' '); tran=$(lsblk -dno TRAN "$dev" | tr -d ' ')
  cat >&2 <<EOF

  書き込み先 / target : $dev
  機種 / model        : ${model:-?}
  容量 / size         : $size   接続 / transport: ${tran:-?}   シリアル / serial: ${serial:-?}
  イメージ / image    : $img

  このデバイスの内容はすべて消去されます。 / EVERYTHING on this device will be erased.
EOF
  local answer=""
  printf '  続けるにはデバイス名 %s を入力 / type the device name %s to continue: ' "${dev##*/}" "${dev##*/}" >&2
  if [ -r /dev/tty ] && [ -z "${SHODO_WRITE_CONFIRM+x}" ]; then read -r answer < /dev/tty || true
  else answer=${SHODO_WRITE_CONFIRM:-}; echo "$answer" >&2; fi
  [ "$answer" = "${dev##*/}" ] || die "中止しました（何も書き込んでいません）" "aborted (nothing was written)" 1
  local sys; sys=$(system_bytes "$img")
  [ "$sys" -gt 0 ] || die "イメージに証拠パーティションがありません: $img" "the image has no evidence partition: $img" 2
  say "writing $img to $dev ..."
  blockdev --setrw "$dev" 2>/dev/null || true
  dd if="$img" of="$dev" bs=4M conv=fsync oflag=direct status=progress
  # The evidence partition of the image is small; give it the rest of the stick (it is empty).
  echo ', +' | sfdisk -N 3 --no-reread --no-tell-kernel "$dev" >/dev/null 2>&1 || true
  local start sectors; read -r start sectors < <(sfdisk -J "$dev" | python3 -c 'import json,sys;p=json.load(sys.stdin)["partitiontable"]["partitions"][2];print(p["start"],p["size"])')
  if [ "$EV_FS" = exfat ]; then
    partx -u "$dev" 2>/dev/null || partx -a "$dev" 2>/dev/null || true; udevadm settle 2>/dev/null || true
    local p3; p3=/dev/$(part_name "${dev##*/}" 3)
    [ -b "$p3" ] || die "$p3 が見つかりません" "$p3 did not appear" 1
    mkfs.exfat -L SHODO-CASES "$p3" >/dev/null
  else
    mkfs.ext4 -F -q -L SHODO-CASES -m 0 -b 4096 -E offset=$((start*512)) "$dev" $((sectors/8))
  fi
  sync
  say "verifying the system part ($((sys/1048576)) MiB) ..."
  # Everything before the evidence partition must equal the image, except the partition-table
  # entry of SHODO-CASES (bytes 478-493), which now spans the rest of the stick: compare the boot
  # code and the entries of partitions 1 and 2 (bytes 0-477), and everything after sector 0.
  local want got
  want=$( { head -c 478 "$img"; head -c "$sys" "$img" | tail -c +513; } | sha256sum | cut -d' ' -f1)
  got=$( { head -c 478 "$dev"; head -c "$sys" "$dev" | tail -c +513; } | sha256sum | cut -d' ' -f1)
  [ "$want" = "$got" ] || die "書き込んだ内容がイメージと一致しません" "what was written differs from the image" 4
  partx -u "$dev" 2>/dev/null || true
  say "done: $dev holds the kit; evidence partition SHODO-CASES $((sectors/2048)) MiB ($EV_FS)"
  say "完了: $dev にキットを書き込みました / the stick is ready"
}

if [ -n "$WRITE_DEV" ]; then
  [ -n "$IMAGE" ] || IMAGE=$(ls -t "$OUT"/shodo-kit-*.img 2>/dev/null | head -1 || true)
  [ -n "$IMAGE" ] || die "イメージがありません（先に build-usb.sh でビルドするか --image で指定）" "no image (build one first or give --image)" 3
  if [ "$(blkid -p -o value -s TYPE "$IMAGE" 2>/dev/null)" = iso9660 ] && [ "$(sfdisk -J "$IMAGE" | python3 -c 'import json,sys;print(len(json.load(sys.stdin)["partitiontable"]["partitions"]))')" -gt 2 ]; then
    EV_FS=$(python3 - "$IMAGE" <<'PY'
import json, subprocess, sys
p = json.loads(subprocess.run(["sfdisk", "-J", sys.argv[1]], capture_output=True, text=True).stdout)["partitiontable"]["partitions"][2]
with open(sys.argv[1], "rb") as f:
    f.seek(p["start"] * 512 + 3); oem = f.read(8)
print("exfat" if oem == b"EXFAT   " else "ext4")
PY
)
  fi
  write_stick "$WRITE_DEV" "$IMAGE"
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------------------------
T0=$(date +%s)
stage() { say "[$(( $(date +%s) - T0 ))s] $*"; }

grep -q 'VERSION_ID="12"' /etc/os-release 2>/dev/null || say "warning: not Debian 12; the build is only tested there"
stage "host packages"
shodo_install_packages $SHODO_IMAGE_PKGS

if [ -z "$BINARY" ]; then
  stage "shodo Release build (build/image-release)"
  shodo_install_packages $SHODO_BUILD_PKGS
  shodo_build "$ROOT/build/image-release" -DCMAKE_BUILD_TYPE=Release -DSHODO_BUILD_TESTS=OFF
  BINARY=$ROOT/build/image-release/shodo
fi
[ -x "$BINARY" ] || die "shodo の実行ファイルがありません: $BINARY" "no shodo binary: $BINARY" 3
file -L "$BINARY" 2>/dev/null | grep -q 'ELF 64-bit.*x86-64' || [ "$(head -c4 "$BINARY" | od -An -c | tr -d ' ')" = '177ELF' ] \
  || die "$BINARY は x86-64 の実行ファイルではありません" "$BINARY is not an x86-64 executable" 2
VERSTR=$("$BINARY" --version | tail -1)            # "0.1.0 (abcdef123456)"
VERSION=${VERSTR%% *}; COMMIT=$(echo "$VERSTR" | sed -n 's/.*(\(.*\)).*/\1/p'); COMMIT=${COMMIT:-unknown}
NAME=shodo-kit-$VERSION-$COMMIT
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH
stage "image $NAME, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH, squashfs $COMP, evidence $EV_FS ${EV_MB} MiB"

# The runtime libraries of `shodo` (ldd + dpkg -S on this Debian 12 build host) join the package
# list, so the cached base already holds them and a new library in the app needs no edit here.
stage "app runtime libraries (ldd + dpkg -S)"
libs=$(ldd "$BINARY" | awk '/=> \//{print $3}' | sort -u)
deps=""
for l in $libs; do
  p=$(dpkg -S "$l" 2>/dev/null | head -1 | cut -d: -f1) \
    || p=$(dpkg -S "$(readlink -f "$l")" 2>/dev/null | head -1 | cut -d: -f1) \
    || p=$(dpkg -S "${l#/usr}" 2>/dev/null | head -1 | cut -d: -f1) \
    || die "ライブラリ $l のパッケージが見つかりません" "no Debian package owns $l" 1
  deps="$deps $p"
done

# Packages of image/packages without comments plus the app's libraries, sorted (also the cache key).
PKGS=$( { sed 's/#.*//' "$ROOT/image/packages"; echo $deps; } | tr -s ' \t' '\n' | sed '/^$/d' | LC_ALL=C sort -u)
KEY=$(printf '%s\n' "recipe=$BASE_RECIPE" "suite=$SUITE" "mirror=$MIRROR" "security=$SECURITY_MIRROR" $PKGS | sha256sum | cut -c1-16)
BASE=$CACHE/base-$KEY
mkdir -p "$CACHE/debs" "$CACHE/archives/partial" "$WORK" "$OUT"

MOUNTED=()
chroot_mount() {
  local c=$1
  mount -t proc proc "$c/proc"; MOUNTED+=("$c/proc")
  mount -t sysfs sysfs "$c/sys"; MOUNTED+=("$c/sys")
  mount --bind /dev "$c/dev"; MOUNTED+=("$c/dev")
  mount --bind /dev/pts "$c/dev/pts"; MOUNTED+=("$c/dev/pts")
}
unmount_all() {
  local i
  for (( i=${#MOUNTED[@]}-1; i>=0; i-- )); do umount -l "${MOUNTED[$i]}" 2>/dev/null || true; done
  MOUNTED=()
}
trap unmount_all EXIT
in_chroot() { local c=$1; shift; DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 LANG=C.UTF-8 chroot "$c" "$@"; }
APT_OPTS="-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"

# One build at a time per cache (the base and the work chroot are shared).
exec 9>"$CACHE/.lock"
flock -n 9 || die "別の build-usb.sh が実行中です" "another build-usb.sh is running" 1
# Remove what an interrupted run left (never across a mount: --one-file-system).
for t in "$CACHE"/base-*.tmp; do
  [ -d "$t" ] || continue
  for m in var/cache/apt/archives dev/pts dev sys proc; do umount -l "$t/$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$t"
done

write_sources() {
  cat > "$1/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main non-free-firmware
deb $MIRROR $SUITE-updates main non-free-firmware
deb $SECURITY_MIRROR $SUITE-security main non-free-firmware
EOF
}

if [ ! -f "$BASE.complete" ]; then
  stage "base chroot $KEY: debootstrap + $(echo $PKGS | wc -w) packages (cached in $CACHE)"
  rm -rf "$BASE.tmp"; mkdir -p "$BASE.tmp"
  debootstrap --variant=minbase --cache-dir="$CACHE/debs" "$SUITE" "$BASE.tmp" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE/debootstrap.log" >&2; die "debootstrap に失敗しました（Debian アーカイブに接続できますか）" "debootstrap failed (is the Debian archive reachable?)" 1; }
  write_sources "$BASE.tmp"
  printf '#!/bin/sh\nexit 101\n' > "$BASE.tmp/usr/sbin/policy-rc.d"; chmod 755 "$BASE.tmp/usr/sbin/policy-rc.d"
  chroot_mount "$BASE.tmp"
  mount --bind "$CACHE/archives" "$BASE.tmp/var/cache/apt/archives"; MOUNTED+=("$BASE.tmp/var/cache/apt/archives")
  in_chroot "$BASE.tmp" apt-get update -qq
  # shellcheck disable=SC2086
  # INITRD=No: the kernel's postinst makes no initramfs now; hook 80 makes the one that ships.
  in_chroot "$BASE.tmp" env INITRD=No apt-get install -y -q --no-install-recommends $APT_OPTS $PKGS >"$CACHE/apt-install.log" 2>&1 \
    || { tail -30 "$CACHE/apt-install.log" >&2; unmount_all; die "パッケージの導入に失敗しました（image/packages を確認）" "installing the image packages failed (check image/packages)" 1; }
  unmount_all
  rm -rf "$BASE"; mv "$BASE.tmp" "$BASE"; touch "$BASE.complete"
  # Keep only the two newest bases.
  ls -dt "$CACHE"/base-*.complete 2>/dev/null | tail -n +3 | while read -r old; do rm -rf "${old%.complete}" "$old"; done
else
  stage "base chroot $KEY from cache"
fi

# The work chroot is the base with a writable layer on top (overlayfs: instant, and the base stays
# untouched); where overlayfs is not available (e.g. nested in some containers), a full copy.
stage "work chroot: base + writable layer"
C=$WORK/chroot
release_work() {
  local m
  for m in var/cache/apt/archives dev/pts dev sys proc; do umount -l "$C/$m" 2>/dev/null || true; done
  if mountpoint -q "$C" 2>/dev/null; then umount -l "$C" || die "$C をアンマウントできません" "cannot unmount $C" 1; fi
}
trap 'unmount_all; release_work' EXIT
release_work
rm -rf --one-file-system "$C" "$WORK/upper" "$WORK/ovl-work"
mkdir -p "$C" "$WORK/upper" "$WORK/ovl-work"
if mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$WORK/upper,workdir=$WORK/ovl-work" "$C" 2>/dev/null; then
  say "work chroot: overlayfs over $BASE"
else
  say "work chroot: overlayfs not available, copying the base"
  rmdir "$C"; cp -a --reflink=auto "$BASE" "$C"
fi
chroot_mount "$C"
KVER=$(ls "$C/usr/lib/modules" | head -1)

stage "overlay, app, hooks"
cp -a "$ROOT/image/overlay/." "$C/"
install -D -m 0755 -s "$BINARY" "$C/usr/bin/shodo"     # stripped: a RelWithDebInfo binary (CI) carries ~100 MB of debug info
in_chroot "$C" /usr/bin/shodo --version >/dev/null || die "shodo がイメージ内で起動しません（ライブラリ不足）" "shodo does not run inside the image (missing libraries)" 1
# The initramfs (hook 80; several minutes, it spawns thousands of processes) depends only on the
# base (its package list and the versions actually installed), image/ and this script: it is
# cached under a key of exactly those. Its file times are clamped to the kernel package's date
# (SHODO_INITRD_EPOCH, not SOURCE_DATE_EPOCH), so it does not depend on the commit time: a cached
# initramfs and a freshly made one are the same bytes.
INITRD_EPOCH=$(stat -c %Y "$BASE/boot/vmlinuz-$KVER")
IKEY=$( { echo "$KEY $KVER $INITRD_EPOCH"; sha256sum < "$BASE/var/lib/dpkg/status"; sha256sum < "$ROOT/build-usb.sh";
          tar -C "$ROOT/image" --sort=name --mtime=@0 --numeric-owner --owner=0 --group=0 -cf - overlay hooks | sha256sum; } \
        | sha256sum | cut -c1-16)
INITRD_CACHE=$CACHE/initrd-$IKEY.img
INITRD_CACHED=0
if [ -s "$INITRD_CACHE" ]; then
  install -m 0644 "$INITRD_CACHE" "$C/boot/initrd.img-$KVER"; INITRD_CACHED=1
fi
for h in $(cd "$ROOT/image/hooks" && ls -- *.sh | LC_ALL=C sort); do
  stage "hook $h"
  install -m 0755 "$ROOT/image/hooks/$h" "$C/tmp/$h"
  in_chroot "$C" env SHODO_VERSION="$VERSION" SHODO_COMMIT="$COMMIT" SHODO_INITRD_CACHED="$INITRD_CACHED" \
      SHODO_INITRD_EPOCH="$INITRD_EPOCH" /bin/sh -e "/tmp/$h" >"$WORK/hook-$h.log" 2>&1 \
    || { tail -20 "$WORK/hook-$h.log" >&2; die "フック $h が失敗しました" "hook $h failed" 1; }
  rm -f "$C/tmp/$h"
done
[ -s "$C/boot/initrd.img-$KVER" ] || die "initramfs がありません" "no initramfs was made" 1
if [ $INITRD_CACHED = 0 ]; then
  cp "$C/boot/initrd.img-$KVER" "$INITRD_CACHE.tmp" && mv "$INITRD_CACHE.tmp" "$INITRD_CACHE"
  ls -t "$CACHE"/initrd-*.img 2>/dev/null | tail -n +4 | xargs -r rm -f
fi

stage "manifest"
mkdir -p "$C/usr/share/shodo"
in_chroot "$C" dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${db:Status-Status}\n' > "$WORK/packages.tsv"
python3 - "$WORK/packages.tsv" "$C/usr/share/shodo/kit-manifest.json" "$VERSION" "$COMMIT" "$SOURCE_DATE_EPOCH" \
  "$SUITE" "$KVER" "$NAME" "$(sha256sum "$C/usr/bin/shodo" | cut -d' ' -f1)" "$COMP" "$EV_FS" <<'PY'
import json, sys, datetime
tsv, out, version, commit, sde, suite, kver, name, binsha, comp, evfs = sys.argv[1:]
pk = []
for line in open(tsv, encoding="utf-8"):
    n, v, a, st = line.rstrip("\n").split("\t")
    if st == "installed":
        pk.append({"name": n, "version": v, "arch": a})
pk.sort(key=lambda p: p["name"])
m = {
    "format": "shodo-kit-manifest", "format_version": 1,
    "kit_version": version, "shodo_commit": commit, "image_name": name,
    "built_utc": datetime.datetime.fromtimestamp(int(sde), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "source_date_epoch": int(sde), "debian_suite": suite, "kernel": kver,
    "squashfs_compression": comp, "evidence_fs": evfs,
    "medium_sums": "live/SHA256SUMS",
    "shodo_binary": {"path": "/usr/bin/shodo", "sha256": binsha},
    "package_count": len(pk), "packages": pk,
}
with open(out, "w", encoding="utf-8") as f:
    json.dump(m, f, ensure_ascii=False, indent=1, sort_keys=False)
    f.write("\n")
PY
rm -f "$C/usr/sbin/policy-rc.d"
unmount_all

stage "squashfs ($COMP)"
I=$WORK/iso
rm -rf "$I" "$WORK/esp" "$WORK/efi.img"; mkdir -p "$I/live" "$I/boot/grub/i386-pc" "$I/.disk" "$WORK/esp/EFI/boot" "$WORK/esp/boot/grub"
cp "$C/boot/vmlinuz-$KVER" "$I/live/vmlinuz"
cp "$C/boot/initrd.img-$KVER" "$I/live/initrd.img"
if [ "$COMP" = xz ]; then compopt=(-comp xz -Xbcj x86); else compopt=(-comp zstd -Xcompression-level 3); fi
# SOURCE_DATE_EPOCH in the environment makes mksquashfs use it as the creation time and clamp every
# newer file time to it (it refuses -mkfs-time/-all-time then). Not -all-time: the fontconfig
# caches made in the base hold the font directories' times, and a changed time makes every
# process rescan all fonts (most likely why the Shodo window took 13 min to appear under TCG with
# -all-time).
# -e takes every argument after it, so it comes last.
mksquashfs "$C" "$I/live/filesystem.squashfs" -noappend "${compopt[@]}" -wildcards -quiet -no-progress -e 'boot/*' 2>&1 \
  | grep -v 'Unrecognised xattr prefix' >&2 || true
[ -s "$I/live/filesystem.squashfs" ] || die "squashfs を作れませんでした" "mksquashfs failed" 1

stage "boot loaders and ISO"
echo "Shodo field kit $VERSION ($COMMIT)" > "$I/.disk/info"
echo "$NAME" > "$I/live/shodo-kit.id"
cp "$ROOT/image/boot/grub.cfg" "$I/boot/grub/grub.cfg"
cp /usr/lib/grub/i386-pc/*.mod /usr/lib/grub/i386-pc/*.lst "$I/boot/grub/i386-pc/"
# shellcheck disable=SC2046
grub-mkimage -O i386-pc-eltorito -o "$I/boot/grub/bios.img" -p /boot/grub \
  $(sed 's/#.*//' "$ROOT/image/boot/grub-bios-modules")
cp /usr/lib/shim/shimx64.efi.signed "$WORK/esp/EFI/boot/bootx64.efi"
cp /usr/lib/shim/mmx64.efi.signed "$WORK/esp/EFI/boot/mmx64.efi"
cp /usr/lib/grub/x86_64-efi-signed/gcdx64.efi.signed "$WORK/esp/EFI/boot/grubx64.efi"
cp "$ROOT/image/boot/grub-esp.cfg" "$WORK/esp/boot/grub/grub.cfg"
find "$WORK/esp" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkfs.vfat -C --invariant -n SHODO_ESP "$WORK/efi.img" 8192 >/dev/null
mcopy -m -s -i "$WORK/efi.img" "$WORK/esp/EFI" "$WORK/esp/boot" ::/
ISO=$OUT/$NAME.iso IMG=$OUT/$NAME.img
rm -f "$ISO" "$IMG"
# Every file of the system partition, hashed; the system hash is the hash of this list.
list_medium() {
  (cd "$I" && find . -type f ! -path ./live/SHA256SUMS | sed 's#^\./##' | LC_ALL=C sort | xargs sha256sum) > "$WORK/SHA256SUMS"
  mv "$WORK/SHA256SUMS" "$I/live/SHA256SUMS"
}
make_iso() {
  find "$I" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  rm -f "$ISO"
  xorriso -as mkisofs -r -V SHODO_KIT -J -joliet-long -iso-level 3 \
    --modification-date="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S00)" \
    --grub2-mbr /usr/lib/grub/i386-pc/boot_hybrid.img -partition_offset 16 --mbr-force-bootable \
    -append_partition 2 0xef "$WORK/efi.img" \
    -c boot/grub/boot.cat -b boot/grub/bios.img -no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info \
    -eltorito-alt-boot -e --interval:appended_partition_2:all:: -no-emul-boot \
    -o "$ISO" "$I" 2>"$WORK/xorriso.log" || { tail -20 "$WORK/xorriso.log" >&2; die "xorriso に失敗しました" "xorriso failed" 1; }
}
medium_file() { rm -f "$2"; xorriso -osirrox on -indev "$ISO" -extract "$1" "$2" >/dev/null 2>&1 || die "ISO から $1 を取り出せません" "cannot extract $1 from the ISO" 1; }
list_medium
make_iso
# xorriso writes the El Torito boot-info table and GRUB's own boot info into boot/grub/bios.img as
# it lays out the ISO, so the file on the medium differs from the one listed. List the file as it
# is on the medium and make the ISO again: same names and sizes give the same layout, so the
# patched bytes are the same (checked below) and every listed hash is the medium's.
medium_file /boot/grub/bios.img "$WORK/bios.img"
if ! cmp -s "$WORK/bios.img" "$I/boot/grub/bios.img"; then
  cp "$WORK/bios.img" "$I/boot/grub/bios.img"
  list_medium
  make_iso
  medium_file /boot/grub/bios.img "$WORK/bios2.img"
  cmp -s "$WORK/bios.img" "$WORK/bios2.img" \
    || die "boot/grub/bios.img が ISO ごとに変わります（SHA256SUMS と一致しません）" "boot/grub/bios.img differs between ISO passes (it would not match SHA256SUMS)" 1
fi
medium_file /live/SHA256SUMS "$WORK/sums-on-medium"
cmp -s "$WORK/sums-on-medium" "$I/live/SHA256SUMS" || die "ISO 内の SHA256SUMS が違います" "live/SHA256SUMS on the ISO differs" 1
SYSTEM_SHA=$(sha256sum "$I/live/SHA256SUMS" | cut -d' ' -f1)

stage "USB image with the evidence partition SHODO-CASES ($EV_FS, $EV_MB MiB)"
cp --reflink=auto "$ISO" "$IMG"
isz=$(stat -c %s "$IMG"); start=$(( (isz + 1048575) / 1048576 * 2048 ))   # 1 MiB aligned, in sectors
sectors=$(( EV_MB * 2048 ))
truncate -s $(( (start + sectors) * 512 )) "$IMG"
echo "start=$start, size=$sectors, type=83" | sfdisk --append --no-reread --no-tell-kernel -q "$IMG" >/dev/null
if [ "$EV_FS" = ext4 ]; then
  # Fixed UUID and time from SOURCE_DATE_EPOCH: the same inputs give the same bytes.
  uuid=$(printf '%s' "$NAME-cases" | sha256sum | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/\1-\2-\3-\4-\5/')
  E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mkfs.ext4 -F -q -L SHODO-CASES -m 0 -b 4096 -U "$uuid" \
    -E "offset=$((start*512)),hash_seed=$uuid,root_owner=1000:1000" "$IMG" $((sectors/8))
else
  truncate -s $((sectors*512)) "$WORK/cases.img"; mkfs.exfat -L SHODO-CASES "$WORK/cases.img" >/dev/null
  dd if="$WORK/cases.img" of="$IMG" bs=1M seek=$((start/2048)) conv=notrunc,sparse status=none; rm -f "$WORK/cases.img"
fi

stage "hashes"
cp "$C/usr/share/shodo/kit-manifest.json" "$OUT/$NAME.manifest.json"
IMG_SHA=$(sha256sum "$IMG" | cut -d' ' -f1); ISO_SHA=$(sha256sum "$ISO" | cut -d' ' -f1)
{
  echo "$IMG_SHA  $NAME.img"
  echo "$ISO_SHA  $NAME.iso"
  echo "# system hash (shown by the kit: Settings, shodo kit check): sha256 of live/SHA256SUMS"
  echo "# $SYSTEM_SHA  system"
} > "$OUT/$NAME.SHA256SUMS"
echo "$SYSTEM_SHA" > "$OUT/$NAME.system-sha256"
ln -sfn "$NAME.img" "$OUT/shodo-kit-latest.img"; ln -sfn "$NAME.iso" "$OUT/shodo-kit-latest.iso"
ln -sfn "$NAME.system-sha256" "$OUT/shodo-kit-latest.system-sha256"
ln -sfn "$NAME.manifest.json" "$OUT/shodo-kit-latest.manifest.json"
stage "done in $(( $(date +%s) - T0 )) s"
cat <<EOF

  image  $IMG  ($(( $(stat -c %s "$IMG") / 1048576 )) MiB)
  iso    $ISO  ($(( $(stat -c %s "$ISO") / 1048576 )) MiB)
  manifest $OUT/$NAME.manifest.json ($(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["package_count"])' "$OUT/$NAME.manifest.json") packages)

  SHA-256 image  : $IMG_SHA
  SHA-256 iso    : $ISO_SHA
  system hash    : $SYSTEM_SHA   (キットの設定画面と shodo kit check に表示 / shown by the kit)
EOF
