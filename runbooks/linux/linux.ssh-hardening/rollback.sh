#!/bin/sh
# Put back the drop-in and main config as they were before remediate.sh.
set -eu
R="${MALACHOR_ROOT:-}"
DROP="$R/etc/ssh/sshd_config.d/10-malachor-hardening.conf"
CONF="$R/etc/ssh/sshd_config"
restored=false
if [ -f "$DROP.malachor-prev" ]; then mv "$DROP.malachor-prev" "$DROP"; restored=true; fi
if [ -f "$DROP.malachor-absent" ]; then rm -f "$DROP" "$DROP.malachor-absent"; restored=true; fi
if [ -f "$CONF.malachor-prev" ]; then mv "$CONF.malachor-prev" "$CONF"; restored=true; fi
if [ -z "$R" ] && [ "$restored" = true ]; then
  systemctl reload sshd.service 2>/dev/null || systemctl reload ssh.service
fi
printf '{"restored":%s,"details":{}}\n' "$restored"
