#!/bin/sh
# Boot straight into the kiosk; nothing periodic, no swap, no sleep, no serial login.
set -eu
systemctl enable nftables.service shodo-evidence.service shodo-kiosk.service shodo-selfcheck.service \
  shodo-test-report.service
for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer \
         man-db.timer dpkg-db-backup.timer serial-getty@ttyS0.service getty@tty1.service \
         swap.target sleep.target suspend.target hibernate.target hybrid-sleep.target \
         suspend-then-hibernate.target systemd-hibernate-resume@.service; do
  systemctl mask "$u"
done
systemctl set-default multi-user.target
