#!/bin/sh
# Build the initramfs once, with everything of the earlier hooks and the overlay in it: the
# write-blocker udev rule, the network-driver blacklist, zstd, no resume. (The base chroot is
# installed with INITRD=No, so package triggers did not rebuild it over and over.)
# build-usb.sh keeps the result in its cache, keyed by the base, image/ and build-usb.sh; with
# SHODO_INITRD_CACHED=1 it has already put that identical initramfs in /boot.
# SHODO_INITRD_EPOCH (the kernel package's date) clamps its file times instead of
# SOURCE_DATE_EPOCH, so the cached and a freshly made initramfs are the same bytes.
set -eu
if [ -n "${SHODO_INITRD_EPOCH:-}" ]; then SOURCE_DATE_EPOCH=$SHODO_INITRD_EPOCH; export SOURCE_DATE_EPOCH; fi
# mkinitramfs works in $TMPDIR (default /var/tmp): use /tmp, which every build changes and 90-cleanup
# empties, so a build that makes the initramfs leaves the same tree as one that takes it from the cache.
TMPDIR=/tmp; export TMPDIR
for k in $(ls /usr/lib/modules); do
  if [ "${SHODO_INITRD_CACHED:-0}" = 1 ] && [ -s "/boot/initrd.img-$k" ]; then
    echo "initrd.img-$k from the build cache"; continue
  fi
  if [ -e "/boot/initrd.img-$k" ]; then update-initramfs -u -k "$k"; else update-initramfs -c -k "$k"; fi
done
