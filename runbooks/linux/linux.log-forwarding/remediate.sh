#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
host="${MALACHOR_PARAM_COLLECTOR:-logs.clinic.lan}"; port="${MALACHOR_PARAM_PORT:-514}"
mkdir -p "$R/etc/rsyslog.d"
printf '# Managed by malachor (linux.log-forwarding)\n*.* @@%s:%s\n' "$host" "$port" >"$R/etc/rsyslog.d/60-malachor-forward.conf"
[ -n "$R" ] || systemctl restart rsyslog.service
printf '{"changed":true,"details":{"collector":"%s:%s"}}\n' "$host" "$port"
