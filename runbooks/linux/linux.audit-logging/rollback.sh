#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
DROP="$R/etc/systemd/journald.conf.d/50-malachor-persistent.conf"
restored=false
if [ -f "$DROP.malachor-prev" ]; then mv "$DROP.malachor-prev" "$DROP"; restored=true; fi
if [ -f "$DROP.malachor-absent" ]; then rm -f "$DROP" "$DROP.malachor-absent"; restored=true; fi
if [ -f "$DROP.malachor-created-dir" ]; then rmdir "$R/var/log/journal" 2>/dev/null || true; rm -f "$DROP.malachor-created-dir"; fi
[ -z "$R" ] && [ "$restored" = true ] && systemctl restart systemd-journald.service
printf '{"restored":%s,"details":{}}\n' "$restored"
