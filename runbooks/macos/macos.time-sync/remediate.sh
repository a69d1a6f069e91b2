#!/bin/sh
set -eu
# Root, or passwordless sudo for the appliance's account (macOS refuses root logins by default).
S=""; [ "$(id -u)" = 0 ] || S="sudo -n"
server="${MALACHOR_PARAM_SERVER:-time.apple.com}"
before=Off; systemsetup -getusingnetworktime 2>&1 | grep -q 'Network Time: On' && before=On
old=$(systemsetup -getnetworktimeserver 2>&1 | sed -n 's/^Network Time Server: //p')
$S systemsetup -setnetworktimeserver "$server" >/dev/null
$S systemsetup -setusingnetworktime on >/dev/null
printf '{"changed":true,"details":{"before":{"networkTime":"%s","server":"%s"},"server":"%s"}}\n' "$before" "$old" "$server"
