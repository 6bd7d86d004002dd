#!/bin/sh
# The kiosk user "shodo": runs the X session, fcitx5/Mozc (which refuse root) and the app.
# disk: read access to block devices for acquisition (the kernel read-only flag still blocks
# writes); lpadmin: set up a USB printer. No password anywhere: root and shodo are locked.
set -eu
id shodo >/dev/null 2>&1 || useradd -m -u 1000 -s /bin/bash -c "Shodo kiosk" shodo
for g in disk video render input audio lpadmin; do
  getent group "$g" >/dev/null && usermod -aG "$g" shodo
done
passwd -l shodo
passwd -l root
chown -R shodo:shodo /home/shodo
