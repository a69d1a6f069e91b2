#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
empty=$(awk -F: '$2==""{printf "%s ", $1}' "$R/etc/shadow")
status=pass; [ -z "$empty" ] || status=fail
printf '{"status":"%s","expected":"no empty password","actual":"%s","details":{"accounts":"%s"}}\n' "$status" "${empty:-none}" "$empty"
