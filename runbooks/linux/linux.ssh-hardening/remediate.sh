#!/bin/sh
# Write the hardening drop-in, keeping what was there for rollback; validate before reloading.
set -eu
R="${MALACHOR_ROOT:-}"
DIR="$R/etc/ssh/sshd_config.d"
DROP="$DIR/10-malachor-hardening.conf"
CONF="$R/etc/ssh/sshd_config"
mkdir -p "$DIR"
if [ -f "$DROP" ]; then cp -p "$DROP" "$DROP.malachor-prev"; else : >"$DROP.malachor-absent"; fi
cp -p "$CONF" "$CONF.malachor-prev"
included=true
grep -qiE '^[[:space:]]*Include[[:space:]].*sshd_config\.d' "$CONF" || included=false
if [ "$included" = false ]; then
  { echo "Include /etc/ssh/sshd_config.d/*.conf"; cat "$CONF.malachor-prev"; } >"$CONF"
fi
cat >"$DROP" <<'CONF'
# Managed by malachor (runbook linux.ssh-hardening): HIPAA §164.312(a)(1), §164.312(d).
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
CONF
chmod 644 "$DROP"
if [ -z "$R" ]; then
  if command -v sshd >/dev/null 2>&1 && ! sshd -t 2>/tmp/.malachor-sshd-t.$$; then
    echo "sshd -t rejected the configuration: $(cat /tmp/.malachor-sshd-t.$$)" >&2
    exit 1
  fi
  systemctl reload sshd.service 2>/dev/null || systemctl reload ssh.service
fi
printf '{"changed":true,"details":{"dropIn":"%s","includeAdded":%s}}\n' "/etc/ssh/sshd_config.d/10-malachor-hardening.conf" "$([ "$included" = false ] && echo true || echo false)"
