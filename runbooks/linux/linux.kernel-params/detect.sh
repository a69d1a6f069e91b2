#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
wrong=""
for kv in kernel.randomize_va_space=2 kernel.dmesg_restrict=1 fs.protected_symlinks=1 fs.protected_hardlinks=1 net.ipv4.conf.all.accept_redirects=0 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.all.accept_source_route=0 net.ipv4.conf.all.rp_filter=1 net.ipv4.tcp_syncookies=1; do
  k="${kv%%=*}"; want="${kv##*=}"; f="$R/proc/sys/$(printf '%s' "$k" | tr . /)"
  [ -r "$f" ] || continue
  have=$(cat "$f")
  [ "$k" = net.ipv4.conf.all.rp_filter ] && [ "$have" = 2 ] && continue
  [ "$have" = "$want" ] || wrong="$wrong $k=$have"
done
status=pass; [ -z "$wrong" ] || status=fail
printf '{"status":"%s","expected":"hardened sysctls","actual":"%s","details":{"wrong":"%s"}}\n' "$status" "${wrong:- all hardened}" "$wrong"
