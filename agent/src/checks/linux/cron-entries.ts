import { againstBaseline } from "../baseline.ts";
import type { CheckContext, CheckOutcome } from "../check.ts";
import type { Host } from "../host.ts";

/** Per-user crontabs: Debian/Ubuntu keep them in crontabs/, the RHEL family directly in the spool. */
const SPOOLS = ["/var/spool/cron/crontabs", "/var/spool/cron"];

const entries = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim().replace(/\s+/g, " "))
    .filter((l) => l && !l.startsWith("#") && !/^[A-Z_]+=/.test(l));

async function readAll(host: Host, dir: string): Promise<string[]> {
  const names = ((await host.listDir(dir)) ?? []).filter((n) => !n.startsWith("."));
  const texts = await Promise.all(names.map((n) => host.readFile(`${dir}/${n}`)));
  return names.flatMap((n, i) => entries(texts[i] ?? "").map((e) => `${dir}/${n}: ${e}`));
}

/** Scheduled cron jobs compared with the host's first-seen list: persistence is often a cron line. */
export async function cronEntries({ host, baseline }: CheckContext): Promise<CheckOutcome> {
  const crontab = await host.readFile("/etc/crontab");
  const lists = await Promise.all([readAll(host, "/etc/cron.d"), ...SPOOLS.map((d) => readAll(host, d))]);
  const items = [...entries(crontab ?? "").map((e) => `/etc/crontab: ${e}`), ...lists.flat()].filter(
    // the RHEL spool lists Debian's crontabs/ directory itself, which is not a file
    (i) => !i.startsWith("/var/spool/cron/crontabs: "),
  );
  return againstBaseline("linux.cron-entries", items, baseline, "the cron jobs of the baseline");
}
