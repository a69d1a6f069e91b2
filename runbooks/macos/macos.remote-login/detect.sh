#!/bin/sh
set -eu
on=$(systemsetup -getremotelogin 2>&1 | grep -c 'Remote Login: On' || true)
status=pass; actual="Remote Login: Off"
if [ "$on" -gt 0 ]; then
  if dscl . -read /Groups/com.apple.access_ssh GroupMembership >/dev/null 2>&1; then actual="limited to com.apple.access_ssh"; else status=fail; actual="On for all users"; fi
fi
printf '{"status":"%s","expected":"off, or limited to named users","actual":"%s","details":{}}\n' "$status" "$actual"
