#!/bin/sh
set -eu
a="${MALACHOR_PARAM_ACCOUNT:?account parameter required}"
exp=$(getent shadow "$a" | cut -d: -f8)
usermod -L -e 1 "$a"
printf '{"changed":true,"details":{"before":{"account":"%s","expire":"%s"}}}\n' "$a" "$exp"
