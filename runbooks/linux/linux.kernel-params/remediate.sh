#!/bin/sh
set -eu
R="${MALACHOR_ROOT:-}"
before=""; drop=""
for kv in kernel.randomize_va_space=2 kernel.dmesg_restrict=1 fs.protected_symlinks=1 fs.protected_hardlinks=1 net.ipv4.conf.all.accept_redirects=0 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.all.accept_source_route=0 net.ipv4.conf.all.rp_filter=1 net.ipv4.tcp_syncookies=1; do
  k="${kv%%=*}"; want="${kv##*=}"; f="$R/proc/sys/$(printf '%s' "$k" | tr . /)"
  [ -w "$f" ] || continue
  have=$(cat "$f")
  [ "$k" = net.ipv4.conf.all.rp_filter ] && [ "$have" = 2 ] && continue
  if [ "$have" != "$want" ]; then
    before="$before${before:+,}\"$k\":\"$have\""
    printf '%s\n' "$want" >"$f"
    drop="$drop$k = $want
"
  fi
done
persisted=false
if [ -n "$drop" ] && mkdir -p "$R/etc/sysctl.d" 2>/dev/null && printf '# Managed by malachor (linux.kernel-params)\n%s' "$drop" >"$R/etc/sysctl.d/60-malachor-hardening.conf" 2>/dev/null; then persisted=true; fi
printf '{"changed":%s,"details":{"before":{%s},"persisted":%s}}\n' "$([ -n "$before" ] && echo true || echo false)" "$before" "$persisted"
