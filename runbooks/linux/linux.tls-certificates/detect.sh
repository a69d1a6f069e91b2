#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
soon=""
for c in "$R"/etc/letsencrypt/live/*/cert.pem; do
  [ -f "$c" ] || continue
  openssl x509 -checkend 2592000 -noout -in "$c" >/dev/null || soon="$soon $c"
done
status=pass; [ -z "$soon" ] || status=fail
printf '{"status":"%s","expected":"valid for 30 more days","actual":"%s","details":{"expiring":"%s"}}\n' "$status" "${soon:- none expiring}" "$soon"
