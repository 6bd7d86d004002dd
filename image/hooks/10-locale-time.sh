#!/bin/sh
# Japanese locale by default (English available), Japan time for display. The RTC is never
# written: no hwclock, no time synchronisation (the app corrects time in its data, CHR-10).
set -eu
sed -i -E 's/^# *(ja_JP\.UTF-8 UTF-8)/\1/; s/^# *(en_US\.UTF-8 UTF-8)/\1/' /etc/locale.gen
locale-gen
ln -sf /usr/share/zoneinfo/Asia/Tokyo /etc/localtime
echo Asia/Tokyo > /etc/timezone
echo shodo-kit > /etc/hostname
printf '127.0.0.1\tlocalhost\n127.0.1.1\tshodo-kit\n::1\tlocalhost ip6-localhost ip6-loopback\n' > /etc/hosts
: > /etc/fstab
