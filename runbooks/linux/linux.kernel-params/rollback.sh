#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
pairs=$(printf '%s' "${MALACHOR_PRIOR:-{\}}" | tr -d '{}" ' | tr ',' '\n')
restored=false
for p in $pairs; do
  k="${p%%:*}"; val="${p##*:}"; f="$R/proc/sys/$(printf '%s' "$k" | tr . /)"
  [ -w "$f" ] && printf '%s\n' "$val" >"$f" && restored=true
done
rm -f "$R/etc/sysctl.d/60-malachor-hardening.conf"
printf '{"restored":%s,"details":{}}\n' "$restored"
