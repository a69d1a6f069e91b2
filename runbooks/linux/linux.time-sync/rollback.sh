#!/bin/sh
set -eu
F="${MALACHOR_STATE_DIR:-/var/lib/malachor}/runbook-state/linux.time-sync.ntp-before"
if [ -f "$F" ] && [ "$(cat "$F")" = no ]; then
  timedatectl set-ntp false
  rm -f "$F"
  echo '{"restored":true,"details":{"ntp":"no"}}'
else
  rm -f "$F"
  echo '{"restored":false,"details":{"reason":"NTP was already on before remediation"}}'
fi
