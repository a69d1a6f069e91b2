#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
p="${MALACHOR_PARAM_PATH:?path parameter required}"
status=pass
{ [ -u "$R$p" ] || [ -g "$R$p" ]; } && status=fail
printf '{"status":"%s","expected":"%s without set-uid/set-gid","actual":"mode %s","details":{"path":"%s"}}\n' "$status" "$p" "$(stat -c %a "$R$p")" "$p"
