#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
on=false
if [ -d "$R/etc/apt/apt.conf.d" ]; then
  grep -hqs 'APT::Periodic::Unattended-Upgrade "1"' "$R"/etc/apt/apt.conf.d/* && on=true
elif [ -z "$R" ] && systemctl is-enabled dnf-automatic-install.timer >/dev/null 2>&1; then on=true; fi
status=fail; [ "$on" = false ] || status=pass
printf '{"status":"%s","expected":"automatic updates on","actual":"%s","details":{"enabled":%s}}\n' "$status" "$([ $on = true ] && echo on || echo off)" "$on"
