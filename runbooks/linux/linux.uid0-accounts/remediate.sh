#!/bin/sh
set -eu
a="${MALACHOR_PARAM_ACCOUNT:?account parameter required}"
[ "$a" != root ] || { echo "refusing to lock root" >&2; exit 1; }
exp=$(getent shadow "$a" | cut -d: -f8)
usermod -L -e 1 "$a"
printf '{"changed":true,"details":{"before":{"account":"%s","expire":"%s"}}}\n' "$a" "$exp"
