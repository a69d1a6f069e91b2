#!/bin/sh
# MALACHOR_PRIOR is remediate's details.before: {"/etc/shadow":"644",…}.
set -eu
R="${MALACHOR_ROOT:-}"
pairs=$(printf '%s' "${MALACHOR_PRIOR:-{\}}" | tr -d '{}" ' | tr ',' '\n')
restored=false
for p in $pairs; do
  f="${p%%:*}"; m="${p##*:}"
  [ -e "$R$f" ] && chmod "$m" "$R$f" && restored=true
done
printf '{"restored":%s,"details":{}}\n' "$restored"
