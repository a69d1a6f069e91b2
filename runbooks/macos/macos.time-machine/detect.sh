#!/bin/sh
set -eu
if tmutil destinationinfo 2>&1 | grep -q 'No destinations configured'; then
  echo '{"status":"fail","expected":"a backup within 48 hours","actual":"no backup destination configured","details":{}}'; exit 0
fi
last=$(tmutil latestbackup 2>/dev/null | grep -Eo '[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{6}' | tail -n1 || true)
status=fail
if [ -n "$last" ]; then
  then_s=$(date -j -f '%Y-%m-%d-%H%M%S' "$last" +%s 2>/dev/null || date -d "$(printf '%s' "$last" | sed 's/-\([0-9][0-9]\)\([0-9][0-9]\)\([0-9][0-9]\)$/ \1:\2:\3/')" +%s)
  [ $(( $(date +%s) - then_s )) -le 172800 ] && status=pass
fi
printf '{"status":"%s","expected":"a backup within 48 hours","actual":"latest %s","details":{}}\n' "$status" "${last:-none}"
