#!/bin/sh
set -eu
out=$(sharing -l 2>&1) || true
status=pass; printf '%s' "$out" | grep -A3 'smb:' | grep -q 'shared:[[:space:]]*1' && status=fail
printf '{"status":"%s","expected":"no shared folders","actual":"%s","details":{}}\n' "$status" "$([ $status = pass ] && echo 'no SMB shares' || echo 'folders shared over SMB')"
