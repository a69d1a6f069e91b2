#!/bin/sh
# Synchronization may take minutes after enabling; NTP=yes is what the remediation can promise.
set -eu
ntp=$(timedatectl show -p NTP --value)
status=fail
[ "$ntp" = yes ] && status=pass
printf '{"status":"%s","expected":"NTP=yes","actual":"NTP=%s","details":{"ntp":"%s"}}\n' "$status" "$ntp" "$ntp"
