#!/bin/sh
# Creates the lineup system user and its data folder; enables the unit
# without starting it (the operator edits /etc/lineup/lineup.env first).
set -e
if ! getent passwd lineup >/dev/null; then
	adduser --system --group --home /var/lib/lineup --no-create-home --shell /usr/sbin/nologin lineup
fi
install -d -o lineup -g lineup -m 0750 /var/lib/lineup
chgrp lineup /etc/lineup/lineup.env
chmod 0640 /etc/lineup/lineup.env
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	systemctl daemon-reload
	systemctl enable lineup.service >/dev/null
fi
