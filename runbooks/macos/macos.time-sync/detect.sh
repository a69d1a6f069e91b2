#!/bin/sh
set -eu
out=$(systemsetup -getusingnetworktime 2>&1) || true
status=fail; printf '%s\n' "$out" | grep -q 'Network Time: On' && status=pass
printf '{"status":"%s","expected":"Network Time: On","actual":"%s","details":{"networkTime":"%s"}}\n' "$status" "$(printf '%s' "$out" | head -n1 | tr -d '"\\')" "$status"
