#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
via=none
if cat "$R/etc/rsyslog.conf" "$R"/etc/rsyslog.d/*.conf 2>/dev/null | grep -v '^[[:space:]]*#' | grep -qE '(^|[[:space:]])@@?[A-Za-z0-9.:-]+|type="omfwd"'; then via=rsyslog; fi
status=pass; [ "$via" != none ] || status=fail
printf '{"status":"%s","expected":"a remote log destination","actual":"%s","details":{"via":"%s"}}\n' "$status" "$via" "$via"
