#!/bin/sh
# Effective sshd settings; first value wins as in sshd. MALACHOR_ROOT prefixes paths (tests, images).
set -eu
R="${MALACHOR_ROOT:-}"
CONF="$R/etc/ssh/sshd_config"
if [ -z "$R" ] && command -v sshd >/dev/null 2>&1 && sshd -T >/tmp/.malachor-sshd-T.$$ 2>/dev/null; then
  eff=$(cat /tmp/.malachor-sshd-T.$$); rm -f /tmp/.malachor-sshd-T.$$
else
  rm -f /tmp/.malachor-sshd-T.$$
  if [ ! -f "$CONF" ]; then
    echo '{"status":"pass","expected":"no root or password logins","actual":"no SSH server installed","details":{"installed":false}}'
    exit 0
  fi
  # Drop-ins first (the Include sits at the top of Debian-style configs), then the main file.
  files=$(ls "$R"/etc/ssh/sshd_config.d/*.conf 2>/dev/null || true)
  eff=$(cat $files "$CONF" | sed 's/#.*//' | awk 'tolower($1)=="match"{exit} NF>=2{print tolower($1), tolower($2)}')
fi
get() { printf '%s\n' "$eff" | awk -v k="$1" '$1==k{print $2; exit}'; }
root=$(get permitrootlogin); root=${root:-prohibit-password}
pass=$(get passwordauthentication); pass=${pass:-yes}
kbd=$(get kbdinteractiveauthentication); [ -n "$kbd" ] || kbd=$(get challengeresponseauthentication); kbd=${kbd:-yes}
status=pass
[ "$root" = no ] && [ "$pass" = no ] && [ "$kbd" = no ] || status=fail
printf '{"status":"%s","expected":"PermitRootLogin no; PasswordAuthentication no; KbdInteractiveAuthentication no","actual":"PermitRootLogin %s; PasswordAuthentication %s; KbdInteractiveAuthentication %s","details":{"permitrootlogin":"%s","passwordauthentication":"%s","kbdinteractiveauthentication":"%s"}}\n' \
  "$status" "$root" "$pass" "$kbd" "$root" "$pass" "$kbd"
