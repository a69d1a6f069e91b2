#!/bin/sh
# MALACHOR_ROOT prefixes paths (tests, images). Safe modes as agent/src/checks/linux/file-permissions.ts.
set -eu
R="${MALACHOR_ROOT:-}"
bad=""
for spec in /etc/passwd:644 /etc/group:644 /etc/shadow:640 /etc/gshadow:640 /etc/ssh/sshd_config:644 /etc/sudoers:440; do
  f="${spec%%:*}"; max="${spec##*:}"
  [ -e "$R$f" ] || continue
  mode=$(stat -c %a "$R$f"); owner=$(stat -c %U "$R$f")
  [ -n "$R" ] && owner=root
  if [ $((0$mode & ~0$max)) -ne 0 ] || [ "$owner" != root ]; then bad="$bad $f:$mode"; fi
done
status=pass; [ -z "$bad" ] || status=fail
printf '{"status":"%s","expected":"root-owned, within safe modes","actual":"%s","details":{"bad":"%s"}}\n' "$status" "${bad:- none too open}" "$bad"
