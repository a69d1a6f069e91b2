#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
DROP="$R/etc/systemd/journald.conf.d/50-malachor-persistent.conf"
mkdir -p "$R/etc/systemd/journald.conf.d"
if [ -f "$DROP" ]; then cp -p "$DROP" "$DROP.malachor-prev"; else : >"$DROP.malachor-absent"; fi
[ -d "$R/var/log/journal" ] || { mkdir -p "$R/var/log/journal"; : >"$DROP.malachor-created-dir"; }
printf '# Managed by malachor (runbook linux.audit-logging): HIPAA §164.312(b).\n[Journal]\nStorage=persistent\n' >"$DROP"
chmod 644 "$DROP"
if [ -z "$R" ]; then
  systemctl restart systemd-journald.service
  journalctl --flush
fi
echo '{"changed":true,"details":{"dropIn":"/etc/systemd/journald.conf.d/50-malachor-persistent.conf"}}'
