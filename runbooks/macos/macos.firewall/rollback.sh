#!/bin/sh
set -eu
# Root, or passwordless sudo for the appliance's account (macOS refuses root logins by default).
S=""; [ "$(id -u)" = 0 ] || S="sudo -n"
PATH="$PATH:/usr/libexec/ApplicationFirewall"
if printf '%s' "${MALACHOR_PRIOR:-}" | grep -q '"state":"off"'; then
  $S socketfilterfw --setglobalstate off >/dev/null
  echo '{"restored":true,"details":{"state":"off"}}'
else
  echo '{"restored":false,"details":{"reason":"the firewall was already on"}}'
fi
