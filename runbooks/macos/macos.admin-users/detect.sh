#!/bin/sh
set -eu
a="${MALACHOR_PARAM_ACCOUNT:?account parameter required}"
status=pass; dscl . -read /Groups/admin GroupMembership 2>/dev/null | tr ' ' '\n' | grep -qx "$a" && status=fail
printf '{"status":"%s","expected":"%s is not an administrator","actual":"%s","details":{"account":"%s"}}\n' "$status" "$a" "$([ $status = pass ] && echo 'not admin' || echo admin)" "$a"
