#!/bin/sh
set -eu
out=$(timedatectl show -p NTP -p NTPSynchronized 2>&1) || {
  printf '%s\n' "$out" >&2
  exit 1
}
ntp=$(printf '%s\n' "$out" | sed -n 's/^NTP=//p')
synced=$(printf '%s\n' "$out" | sed -n 's/^NTPSynchronized=//p')
status=fail
[ "$ntp" = yes ] && status=warn
[ "$ntp" = yes ] && [ "$synced" = yes ] && status=pass
printf '{"status":"%s","expected":"NTP=yes NTPSynchronized=yes","actual":"NTP=%s NTPSynchronized=%s","details":{"ntp":"%s","synchronized":"%s"}}\n' "$status" "$ntp" "$synced" "$ntp" "$synced"
