#!/bin/sh
# Nothing host- or build-specific stays in the image.
set -eu
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/*.log /var/log/apt/* /tmp/* /var/tmp/* \
       /var/cache/debconf/*-old /var/lib/dpkg/*-old /root/.bash_history
: > /etc/machine-id
rm -f /var/lib/dbus/machine-id
