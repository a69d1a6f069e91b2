#!/bin/sh
set -eu
# Root, or passwordless sudo for the appliance's account (macOS refuses root logins by default).
S=""; [ "$(id -u)" = 0 ] || S="sudo -n"
$S launchctl disable system/com.apple.smbd
$S launchctl bootout system/com.apple.smbd 2>/dev/null || true
echo '{"changed":true,"details":{"before":{"smbd":"enabled"}}}'
