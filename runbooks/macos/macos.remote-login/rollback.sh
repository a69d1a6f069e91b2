#!/bin/sh
set -eu
# Root, or passwordless sudo for the appliance's account (macOS refuses root logins by default).
S=""; [ "$(id -u)" = 0 ] || S="sudo -n"
if printf '%s' "${MALACHOR_PRIOR:-}" | grep -q '"groupExisted":false'; then
  $S dseditgroup -o delete com.apple.access_ssh
  echo '{"restored":true,"details":{}}'
else
  echo '{"restored":false,"details":{"reason":"the group existed before; its members were only added to"}}'
fi
