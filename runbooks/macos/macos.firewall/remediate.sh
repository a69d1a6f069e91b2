#!/bin/sh
set -eu
# Root, or passwordless sudo for the appliance's account (macOS refuses root logins by default).
S=""; [ "$(id -u)" = 0 ] || S="sudo -n"
PATH="$PATH:/usr/libexec/ApplicationFirewall"
before=off; socketfilterfw --getglobalstate | grep -q 'State = [12]' && before=on
$S socketfilterfw --setglobalstate on >/dev/null
printf '{"changed":%s,"details":{"before":{"state":"%s"}}}\n' "$([ $before = off ] && echo true || echo false)" "$before"
