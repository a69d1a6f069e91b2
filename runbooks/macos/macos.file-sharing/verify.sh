#!/bin/sh
set -eu
status=pass; launchctl print-disabled system 2>/dev/null | grep -q '"com.apple.smbd" => enabled' && status=fail
printf '{"status":"%s","expected":"smbd disabled","actual":"%s","details":{}}\n' "$status" "$([ $status = pass ] && echo 'smbd disabled' || echo 'smbd enabled')"
