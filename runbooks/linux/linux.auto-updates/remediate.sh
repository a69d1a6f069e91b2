#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
if [ -d "$R/etc/apt/apt.conf.d" ]; then
  F="$R/etc/apt/apt.conf.d/20auto-upgrades"
  if [ -f "$F" ]; then cp -p "$F" "$F.malachor-prev"; else : >"$F.malachor-absent"; fi
  printf 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n' >"$F"
  echo '{"changed":true,"details":{"before":{"family":"debian"}}}'
elif command -v dnf >/dev/null 2>&1; then
  systemctl enable --now dnf-automatic-install.timer
  echo '{"changed":true,"details":{"before":{"family":"rhel"}}}'
else
  echo "no apt or dnf here (NixOS: set system.autoUpgrade.enable in the configuration)" >&2
  exit 1
fi
