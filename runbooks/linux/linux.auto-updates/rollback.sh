#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
F="$R/etc/apt/apt.conf.d/20auto-upgrades"
restored=false
if [ -f "$F.malachor-prev" ]; then mv "$F.malachor-prev" "$F"; restored=true
elif [ -f "$F.malachor-absent" ]; then rm -f "$F" "$F.malachor-absent"; restored=true
elif printf '%s' "${MALACHOR_PRIOR:-}" | grep -q rhel; then systemctl disable --now dnf-automatic-install.timer; restored=true; fi
printf '{"restored":%s,"details":{}}\n' "$restored"
