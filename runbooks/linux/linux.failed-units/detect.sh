#!/bin/sh
set -eu
units=$(systemctl list-units --state=failed --plain --no-legend --no-pager | awk '{printf "%s ", $1}')
status=pass; [ -z "$units" ] || status=fail
printf '{"status":"%s","expected":"no failed unit","actual":"%s","details":{"units":"%s"}}\n' "$status" "${units:-none}" "$units"
