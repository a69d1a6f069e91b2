#!/bin/sh
set -eu
before=$(df -P / | awk 'NR==2{sub("%","",$5); print $5}')
journalctl --vacuum-size=500M >/dev/null 2>&1 || true
if command -v apt-get >/dev/null 2>&1; then apt-get clean; elif command -v dnf >/dev/null 2>&1; then dnf clean packages >/dev/null; fi
after=$(df -P / | awk 'NR==2{sub("%","",$5); print $5}')
printf '{"changed":true,"details":{"before":{"percent":%s},"percentAfter":%s}}\n' "$before" "$after"
