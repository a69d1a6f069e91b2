#!/bin/sh
set -eu
# Root, or passwordless sudo for the appliance's account (macOS refuses root logins by default).
S=""; [ "$(id -u)" = 0 ] || S="sudo -n"
user="${MALACHOR_PARAM_ACCOUNT:-$(id -un)}"
existed=false; dscl . -read /Groups/com.apple.access_ssh >/dev/null 2>&1 && existed=true
[ "$existed" = true ] || $S dseditgroup -o create -q com.apple.access_ssh
$S dseditgroup -o edit -a "$user" -t user com.apple.access_ssh
printf '{"changed":true,"details":{"before":{"groupExisted":%s},"allowed":"%s"}}\n' "$existed" "$user"
