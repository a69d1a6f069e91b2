#!/bin/sh
set -eu
# Root, or passwordless sudo for the appliance's account (macOS refuses root logins by default).
S=""; [ "$(id -u)" = 0 ] || S="sudo -n"
user="${MALACHOR_PARAM_USER:?user parameter required: the person who logs in to this Mac}"
$S fdesetup enable -defer /var/db/malachor-filevault.plist -user "$user" -forceatlogin 0 -dontaskatlogout
printf '{"changed":true,"details":{"deferredFor":"%s"}}\n' "$user"
