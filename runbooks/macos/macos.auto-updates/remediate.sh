#!/bin/sh
set -eu
# Root, or passwordless sudo for the appliance's account (macOS refuses root logins by default).
S=""; [ "$(id -u)" = 0 ] || S="sudo -n"
before=off; softwareupdate --schedule 2>&1 | grep -Eqi 'is (turned )?on' && before=on
$S softwareupdate --schedule on >/dev/null
printf '{"changed":%s,"details":{"before":{"schedule":"%s"}}}\n' "$([ $before = off ] && echo true || echo false)" "$before"
