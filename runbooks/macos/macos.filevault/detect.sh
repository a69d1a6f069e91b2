#!/bin/sh
set -eu
out=$(fdesetup status 2>&1) || true
status=fail; printf '%s' "$out" | grep -q 'FileVault is On' && status=pass
printf '{"status":"%s","expected":"FileVault is On","actual":"%s","details":{}}\n' "$status" "$(printf '%s' "$out" | head -n1)"
