#!/bin/sh
set -eu
# Root, or passwordless sudo for the appliance's account (macOS refuses root logins by default).
S=""; [ "$(id -u)" = 0 ] || S="sudo -n"
a="${MALACHOR_PARAM_ACCOUNT:?account parameter required}"
[ "$a" != root ] && [ "$a" != "$(id -un)" ] || { echo "refusing to remove $a" >&2; exit 1; }
$S dseditgroup -o edit -d "$a" -t user admin
printf '{"changed":true,"details":{"before":{"account":"%s"}}}\n' "$a"
