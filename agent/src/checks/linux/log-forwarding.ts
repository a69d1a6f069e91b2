import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";
import type { Host } from "../host.ts";

async function confText(host: Host, main: string, dir: string): Promise<string> {
  const names = ((await host.listDir(dir)) ?? []).filter((n) => n.endsWith(".conf"));
  const texts = await Promise.all([host.readFile(main), ...names.map((n) => host.readFile(`${dir}/${n}`))]);
  return texts
    .filter((t): t is string => t !== null)
    .join("\n")
    .split("\n")
    .filter((l) => !l.trim().startsWith("#"))
    .join("\n");
}

/**
 * Logs leave the host for a central collector (an attacker with root cannot erase what was already
 * sent): rsyslog `@host`/`@@host`/omfwd (Debian, RHEL), syslog-ng network destinations, or
 * systemd-journal-upload (NixOS `services.journald.upload`).
 */
export async function logForwarding({ host }: CheckContext): Promise<CheckOutcome> {
  const expected = "rsyslog, syslog-ng or journal-upload sending to a remote collector";
  const [rsyslog, syslogNg, upload] = await Promise.all([
    confText(host, "/etc/rsyslog.conf", "/etc/rsyslog.d"),
    confText(host, "/etc/syslog-ng/syslog-ng.conf", "/etc/syslog-ng/conf.d"),
    host.run(["systemctl", "is-enabled", "systemd-journal-upload.service"]),
  ]);
  const rs = /(^|\s)@@?[\w.[\]:-]+|type\s*=\s*"omfwd"/m.exec(rsyslog);
  if (rs) return outcome("pass", expected, `rsyslog forwards (${rs[0].trim()})`, { via: "rsyslog" });
  if (/\b(network|tcp|udp|syslog)\s*\(\s*["']?[\w.:-]+/.test(syslogNg) && /destination/.test(syslogNg))
    return outcome("pass", expected, "syslog-ng has a network destination", { via: "syslog-ng" });
  if (upload.stdout.trim() === "enabled")
    return outcome("pass", expected, "systemd-journal-upload enabled", { via: "journal-upload" });
  return outcome("fail", expected, "no remote log destination configured", { via: "none" });
}
