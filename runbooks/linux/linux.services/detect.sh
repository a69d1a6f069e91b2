#!/bin/sh
set -eu
unit="${MALACHOR_PARAM_SERVICE:?service parameter missing}"
state=$(systemctl is-active "$unit" 2>/dev/null || true)
state=${state:-unknown}
status=fail
[ "$state" = active ] && status=pass
printf '{"status":"%s","expected":"%s active","actual":"%s %s","details":{"unit":"%s","state":"%s"}}\n' "$status" "$unit" "$unit" "$state" "$unit" "$state"
