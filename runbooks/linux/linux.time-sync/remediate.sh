#!/bin/sh
set -eu
STATE="${MALACHOR_STATE_DIR:-/var/lib/malachor}/runbook-state"
mkdir -p "$STATE"
before=$(timedatectl show -p NTP --value)
printf '%s\n' "$before" >"$STATE/linux.time-sync.ntp-before"
timedatectl set-ntp true
printf '{"changed":%s,"details":{"ntpBefore":"%s"}}\n' "$([ "$before" = yes ] && echo false || echo true)" "$before"
