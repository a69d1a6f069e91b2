#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
p="${MALACHOR_PARAM_PATH:?path parameter required}"
mode=$(stat -c %a "$R$p")
chmod u-s,g-s "$R$p"
printf '{"changed":true,"details":{"before":{"path":"%s","mode":"%s"}}}\n' "$p" "$mode"
