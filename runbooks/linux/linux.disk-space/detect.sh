#!/bin/sh
set -eu
use=$(df -P / | awk 'NR==2{sub("%","",$5); print $5}')
status=pass; [ "$use" -lt 90 ] || status=fail
printf '{"status":"%s","expected":"under 90%% used","actual":"%s%% used","details":{"percent":%s}}\n' "$status" "$use" "$use"
