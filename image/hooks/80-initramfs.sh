#!/bin/sh
# Build the initramfs once, with everything of the earlier hooks and the overlay in it: the
# write-blocker udev rule, the network-driver blacklist, zstd, no resume. (The base chroot is
# installed with update_initramfs=no, so package triggers did not rebuild it over and over.)
set -eu
for k in $(ls /usr/lib/modules); do
  if [ -e "/boot/initrd.img-$k" ]; then update-initramfs -u -k "$k"; else update-initramfs -c -k "$k"; fi
done
