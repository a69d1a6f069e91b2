#!/bin/sh
set -eu
unit="${MALACHOR_PARAM_SERVICE:?service parameter missing}"
systemctl reset-failed "$unit" 2>/dev/null || true
systemctl restart "$unit"
printf '{"changed":true,"details":{"unit":"%s","action":"restart"}}\n' "$unit"
