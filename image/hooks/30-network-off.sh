#!/bin/sh
# Networking off from the first moment (REQUIREMENTS NET-01): no network or radio driver is ever
# auto-loaded (a blacklist line for every module under drivers/net, drivers/bluetooth,
# drivers/staging, and firewire-net; mkinitramfs copies it into the initrd), no network manager
# (none is installed), nothing that would configure an interface or sync time.
# A deliberate `modprobe e1000e` still works: that is the explicit, recorded opt-in.
set -eu
for kver in $(ls /usr/lib/modules); do
  ( echo "# Shodo kit: no network or radio driver is auto-loaded; opt in with: modprobe <driver>"
    cd "/usr/lib/modules/$kver/kernel"
    find drivers/net drivers/bluetooth drivers/staging drivers/firewire net/bluetooth net/wireless \
         net/mac80211 net/nfc drivers/nfc -name '*.ko*' 2>/dev/null \
      | grep -E '^(drivers/(net|bluetooth|staging|nfc)/|net/|drivers/firewire/firewire-net)' \
      | sed -E 's#.*/##; s#\.ko(\.xz|\.zst)?$##' | sort -u | sed 's/^/blacklist /'
  ) > /etc/modprobe.d/shodo-no-network.conf
done
echo "$(grep -c ^blacklist /etc/modprobe.d/shodo-no-network.conf) network/radio modules blacklisted"
for u in systemd-networkd.service systemd-networkd.socket systemd-networkd-wait-online.service \
         systemd-resolved.service systemd-timesyncd.service systemd-rfkill.service systemd-rfkill.socket; do
  systemctl mask "$u"
done
