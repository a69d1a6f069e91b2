#!/bin/sh
set -eu
out=$(softwareupdate --schedule 2>&1) || true
status=fail; printf '%s' "$out" | grep -Eqi 'is (turned )?on' && status=pass
printf '{"status":"%s","expected":"automatic checking on","actual":"%s","details":{}}\n' "$status" "$(printf '%s' "$out" | head -n1)"
