import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";

/** Names that mark a backup job, in timer units or cron lines. */
const BACKUP = /restic|borg|backup|duplicity|rsnapshot|bacula|bareos|veeam|urbackup|duplicati/i;
/** A backup older than this is stale. */
export const BACKUP_MAX_AGE_HOURS = 48;

/**
 * A backup job exists and ran recently: systemd timers whose unit names a backup tool (NixOS
 * services.restic/borgbackup create such timers) with their last trigger time, else a cron line
 * running one (cannot be dated: warn).
 */
export async function backupStatus({ host }: CheckContext): Promise<CheckOutcome> {
  const expected = `a backup job that ran within ${BACKUP_MAX_AGE_HOURS} hours`;
  const timers = await host.run([
    "systemctl",
    "list-timers",
    "--all",
    "--no-legend",
    "--no-pager",
    "--plain",
  ]);
  const units = [...timers.stdout.matchAll(/(\S+\.timer)\s+(\S+\.service)/g)]
    .filter((m) => BACKUP.test(m[1]!) || BACKUP.test(m[2]!))
    .map((m) => m[1]!);
  if (units.length) {
    const shown = await host.run([
      "systemctl",
      "show",
      "--timestamp=unix",
      "-p",
      "Id",
      "-p",
      "LastTriggerUSec",
      ...units,
    ]);
    const last = [...shown.stdout.matchAll(/LastTriggerUSec=@?(\d+)?/g)].map((m) =>
      m[1] ? Number(m[1]) * 1000 : 0,
    );
    const newest = Math.max(0, ...last);
    const ageH = newest ? (host.now() - newest) / 3_600_000 : Number.POSITIVE_INFINITY;
    const details = { timers: units, lastRun: newest ? new Date(newest).toISOString() : null };
    if (ageH <= BACKUP_MAX_AGE_HOURS)
      return outcome("pass", expected, `${units[0]} ran ${ageH.toFixed(1)} h ago`, details);
    return outcome(
      "fail",
      expected,
      newest ? `last backup ${ageH.toFixed(0)} h ago` : `${units.join(", ")} never ran`,
      details,
    );
  }
  const cron = [
    await host.readFile("/etc/crontab"),
    ...(await Promise.all(
      ((await host.listDir("/etc/cron.d")) ?? []).map((n) => host.readFile(`/etc/cron.d/${n}`)),
    )),
  ];
  const line = cron
    .flatMap((t) => (t ?? "").split("\n"))
    .find((l) => !l.trim().startsWith("#") && BACKUP.test(l));
  if (line)
    return outcome("warn", expected, "a cron backup job exists; its last run cannot be dated", {
      cron: line.trim().slice(0, 200),
    });
  return outcome("fail", expected, "no backup job found", { timers: [] });
}
