#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
p=$(printf '%s' "${MALACHOR_PRIOR:-{\}}" | sed -n 's/.*"path":"\([^"]*\)".*/\1/p')
m=$(printf '%s' "${MALACHOR_PRIOR:-{\}}" | sed -n 's/.*"mode":"\([0-7]*\)".*/\1/p')
[ -n "$p" ] && [ -n "$m" ] || { echo '{"restored":false,"details":{}}'; exit 0; }
chmod "$m" "$R$p"
echo '{"restored":true,"details":{}}'
