#!/bin/sh
set -eu
a="${MALACHOR_PARAM_ACCOUNT:?account parameter required}"
h=$(getent shadow "$a" | cut -d: -f2)
status=fail; case "$h" in '!'*|'*') status=pass ;; esac
printf '{"status":"%s","expected":"%s locked","actual":"%s","details":{"account":"%s"}}\n' "$status" "$a" "$([ $status = pass ] && echo locked || echo unlocked)" "$a"
