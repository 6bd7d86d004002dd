#!/bin/sh
# CUPS for USB printers, offline: the scheduler listens only on its Unix socket (no TCP port,
# no browsing, no sharing). Drivers: gutenprint, hpcups, escpr (Epson), brlaser (Brother).
set -eu
c=/etc/cups/cupsd.conf
sed -i -E '/^(Listen|Port) /d; s/^Browsing .*/Browsing No/' "$c"
grep -q '^Listen /run/cups/cups.sock' "$c" || sed -i '1i Listen /run/cups/cups.sock' "$c"
grep -q '^Browsing' "$c" || echo 'Browsing No' >> "$c"
grep -q '^BrowseLocalProtocols' "$c" && sed -i 's/^BrowseLocalProtocols.*/BrowseLocalProtocols none/' "$c" \
  || echo 'BrowseLocalProtocols none' >> "$c"
systemctl enable cups.socket
