#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
before=""
for spec in /etc/passwd:644 /etc/group:644 /etc/shadow:640 /etc/gshadow:640 /etc/ssh/sshd_config:644 /etc/sudoers:440; do
  f="${spec%%:*}"; max="${spec##*:}"
  [ -e "$R$f" ] || continue
  mode=$(stat -c %a "$R$f")
  if [ $((0$mode & ~0$max)) -ne 0 ]; then
    before="$before${before:+,}\"$f\":\"$mode\""
    chmod "$(printf '%o' $((0$mode & 0$max)))" "$R$f"
  fi
  [ -n "$R" ] || chown root "$f"
done
printf '{"changed":%s,"details":{"before":{%s}}}\n' "$([ -n "$before" ] && echo true || echo false)" "$before"
