#!/bin/sh
set -eu
out=$(softwareupdate -l 2>&1) || true
n=$(printf '%s\n' "$out" | grep -c 'Recommended: YES' || true)
status=pass; [ "$n" -eq 0 ] || status=fail
printf '{"status":"%s","expected":"no recommended update pending","actual":"%s pending","details":{"pending":%s}}\n' "$status" "$n" "$n"
