#!/bin/sh
set -eu
out=$(spctl --status 2>&1) || true
status=fail; printf '%s\n' "$out" | grep -q 'assessments enabled' && status=pass
printf '{"status":"%s","expected":"assessments enabled","actual":"%s","details":{"gatekeeper":"%s"}}\n' "$status" "$(printf '%s' "$out" | head -n1 | tr -d '"\\')" "$status"
