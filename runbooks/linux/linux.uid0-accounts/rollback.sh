#!/bin/sh
set -eu
a=$(printf '%s' "${MALACHOR_PRIOR:-{\}}" | sed -n 's/.*"account":"\([^"]*\)".*/\1/p')
[ -n "$a" ] || { echo '{"restored":false,"details":{}}'; exit 0; }
exp=$(printf '%s' "$MALACHOR_PRIOR" | sed -n 's/.*"expire":"\([^"]*\)".*/\1/p')
usermod -U -e "${exp:-}" "$a"
echo '{"restored":true,"details":{}}'
