# Shared by scripts/run.sh and scripts/test.sh: Debian packages and the build.
# Sourced, not run. Every package comes from Debian 12; nothing is downloaded at configure time.

SHODO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Build and run dependencies (DESIGN.md "Dependencies").
SHODO_BUILD_PKGS="g++ cmake ninja-build pkg-config git libssl-dev nlohmann-json3-dev libcli11-dev
 libfmt-dev libcairo2-dev libpango1.0-dev libimgui-dev libglfw3-dev libgl-dev libstb-dev
 fonts-noto-cjk libgl1-mesa-dri libewf-dev libblkid-dev libqrencode-dev libcups2-dev hdparm smartmontools"
# Test-only tools: the other side's tools, a headless X server, and what the tests' fixtures run
# (mkfs.vfat, mkfs.ext4/debugfs, sfdisk, losetup, pgrep, python3, the openssl CLI, a private
# cupsd with lpadmin for the print test). Every one is listed even when a Debian base usually has
# it: scripts/clean-room.sh runs the tests on debootstrap's minbase.
SHODO_TEST_PKGS="catch2 xvfb xauth poppler-utils fuse3 libfuse3-dev x11-apps imagemagick xxd time
 fcitx5 fcitx5-mozc xdotool ewf-tools libxml2-utils hashdeep dc3dd dcfldd
 dosfstools e2fsprogs fdisk mount util-linux procps python3 openssl cups-daemon cups-client
 clang libclang-rt-14-dev"

# Live-image build (build-usb.sh) and its smoke test (tests/image/smoke.sh): debootstrap, squashfs,
# xorriso with Debian's signed shim and GRUB, partitioning; QEMU with OVMF (Secure Boot) for the test.
SHODO_IMAGE_PKGS="debootstrap squashfs-tools xorriso mtools dosfstools grub-pc-bin grub-efi-amd64-bin
 grub-common shim-signed grub-efi-amd64-signed e2fsprogs exfatprogs fdisk python3 qemu-system-x86
 qemu-utils ovmf socat imagemagick"

# Install what is missing (quick when everything is there: one dpkg-query).
shodo_install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "shodo: 次のパッケージが必要です / these packages are needed: ${missing[*]}" >&2
    echo "shodo: root で再実行してください / run again as root" >&2
    return 1
  fi
  echo "shodo: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# shodo_configure_once DIR [cmake args...]: configure DIR unless it already is.
shodo_configure_once() {
  local dir=$1; shift
  [ -f "$dir/build.ninja" ] || cmake -S "$SHODO_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
}

# shodo_build DIR [cmake args...]: configure once, then incremental builds.
shodo_build() {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S "$SHODO_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
  fi
  cmake --build "$dir" -j"$(nproc)"
}
