import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";
import type { Host } from "../host.ts";

/** The journal's Storage= setting from journald.conf and its drop-ins (last one wins, as systemd does). */
async function journalStorage(host: Host): Promise<string> {
  const files = ["/etc/systemd/journald.conf"];
  for (const dir of ["/usr/lib/systemd/journald.conf.d", "/etc/systemd/journald.conf.d"]) {
    const names = ((await host.listDir(dir)) ?? []).filter((n) => n.endsWith(".conf")).sort();
    files.push(...names.map((n) => `${dir}/${n}`));
  }
  let storage = "auto";
  for (const f of files) {
    const m = [...((await host.readFile(f)) ?? "").matchAll(/^\s*Storage\s*=\s*(\S+)/gm)].at(-1);
    if (m) storage = m[1]!.toLowerCase();
  }
  return storage;
}

/** Logs survive a reboot (persistent journal) and auditd records security events. */
export async function auditLogging({ host }: CheckContext): Promise<CheckOutcome> {
  const expected = "journald Storage=persistent (or /var/log/journal present) and auditd active";
  const [storage, journalDir, auditd] = await Promise.all([
    journalStorage(host),
    host.listDir("/var/log/journal"),
    host.run(["systemctl", "is-active", "auditd.service"]),
  ]);
  const persistent = storage === "persistent" || (storage === "auto" && journalDir !== null);
  const auditdState = auditd.stdout.trim() || "unknown";
  const details = { storage, journalDirectory: journalDir !== null, auditd: auditdState };
  const actual = `journald Storage=${storage}${journalDir !== null ? " with /var/log/journal" : ""}; auditd ${auditdState}`;
  if (!persistent) return outcome("fail", expected, actual, details);
  if (auditdState !== "active") return outcome("warn", expected, actual, details);
  return outcome("pass", expected, actual, details);
}
