#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
restored=false
[ -f "$R/etc/rsyslog.d/60-malachor-forward.conf" ] && rm -f "$R/etc/rsyslog.d/60-malachor-forward.conf" && restored=true
[ -n "$R" ] || [ "$restored" = false ] || systemctl restart rsyslog.service
printf '{"restored":%s,"details":{}}\n' "$restored"
