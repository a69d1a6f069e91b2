#!/bin/sh
set -eu
PATH="$PATH:/usr/libexec/ApplicationFirewall"
out=$(socketfilterfw --getglobalstate 2>&1) || true
status=fail; printf '%s' "$out" | grep -q 'State = [12]' && status=pass
printf '{"status":"%s","expected":"firewall enabled","actual":"%s","details":{}}\n' "$status" "$(printf '%s' "$out" | head -n1)"
