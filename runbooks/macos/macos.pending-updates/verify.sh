#!/bin/sh
set -eu
out=$(softwareupdate -l 2>&1) || true
n=$(printf '%s\n' "$out" | grep -c 'Recommended: YES' || true)
r=$(printf '%s\n' "$out" | grep 'Recommended: YES' | grep -c 'Action: restart' || true)
status=pass; [ "$n" -eq 0 ] || status=fail; [ "$n" -gt 0 ] && [ "$n" -eq "$r" ] && status=warn
printf '{"status":"%s","expected":"no recommended update pending","actual":"%s pending (%s wait for a restart)","details":{"pending":%s}}\n' "$status" "$n" "$r" "$n"
