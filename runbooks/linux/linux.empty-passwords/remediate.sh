#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
S="$R/etc/shadow"
empty=$(awk -F: '$2==""{printf "%s ", $1}' "$S")
if [ -n "$empty" ]; then
  tmp="$S.malachor-tmp"
  awk -F: 'BEGIN{OFS=":"} $2==""{$2="!"} {print}' "$S" >"$tmp"
  chmod --reference="$S" "$tmp" 2>/dev/null || chmod 640 "$tmp"
  mv "$tmp" "$S"
fi
printf '{"changed":%s,"details":{"before":{"accounts":"%s"}}}\n' "$([ -n "$empty" ] && echo true || echo false)" "$empty"
