#!/bin/sh
# Puts the empty fields back for the accounts remediate locked (MALACHOR_PRIOR.accounts).
set -eu
R="${MALACHOR_ROOT:-}"
S="$R/etc/shadow"
names=$(printf '%s' "${MALACHOR_PRIOR:-{\}}" | sed -n 's/.*"accounts":"\([^"]*\)".*/\1/p')
[ -n "$names" ] || { echo '{"restored":false,"details":{}}'; exit 0; }
tmp="$S.malachor-tmp"
awk -F: -v names=" $names " 'BEGIN{OFS=":"} index(names, " " $1 " ") && $2=="!"{$2=""} {print}' "$S" >"$tmp"
chmod --reference="$S" "$tmp" 2>/dev/null || chmod 640 "$tmp"
mv "$tmp" "$S"
echo '{"restored":true,"details":{}}'
