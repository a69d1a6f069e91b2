#!/bin/sh
# journald storage mode: the last Storage= across journald.conf and its drop-ins wins.
set -eu
R="${MALACHOR_ROOT:-}"
storage=auto
for f in "$R/etc/systemd/journald.conf" $(ls "$R"/usr/lib/systemd/journald.conf.d/*.conf "$R"/etc/systemd/journald.conf.d/*.conf 2>/dev/null || true); do
  [ -f "$f" ] || continue
  v=$(sed -n 's/^[[:space:]]*Storage[[:space:]]*=[[:space:]]*\([A-Za-z]*\).*/\1/p' "$f" | tail -n 1)
  [ -n "$v" ] && storage=$(printf '%s' "$v" | tr 'A-Z' 'a-z')
done
dir=false
[ -d "$R/var/log/journal" ] && dir=true
status=fail
if [ "$storage" = persistent ] || { [ "$storage" = auto ] && [ "$dir" = true ]; }; then status=pass; fi
printf '{"status":"%s","expected":"journald Storage=persistent","actual":"Storage=%s, /var/log/journal %s","details":{"storage":"%s","journalDirectory":%s}}\n' \
  "$status" "$storage" "$([ "$dir" = true ] && echo present || echo absent)" "$storage" "$dir"
