import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";

const SKIP_FS = ["tmpfs", "devtmpfs", "squashfs", "overlay", "efivarfs", "ramfs"];

/** Parse `df -P` output into mounts with their usage percent. */
export function parseDf(stdout: string): { mount: string; filesystem: string; usedPercent: number }[] {
  return stdout
    .split("\n")
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 6 && /^\d+%$/.test(f[4]!) && Number(f[1]) > 0)
    .map((f) => ({
      filesystem: f[0]!,
      usedPercent: Number.parseInt(f[4]!, 10),
      mount: f.slice(5).join(" "),
    }));
}

/** Every real filesystem has room: logs, evidence and the queue need disk. */
export async function diskSpace({ host, settings }: CheckContext): Promise<CheckOutcome> {
  const max = settings.diskMaxPercent;
  const expected = `every filesystem below ${max} % used`;
  const r = await host.run(["df", "-P", ...SKIP_FS.flatMap((t) => ["-x", t])]);
  const mounts = parseDf(r.stdout);
  if (mounts.length === 0)
    return outcome("error", expected, "df gave no filesystems", { stderr: r.stderr.slice(0, 300) });
  const details = { mounts: mounts.map((m) => ({ mount: m.mount, usedPercent: m.usedPercent })) };
  const worst = [...mounts].sort((a, b) => b.usedPercent - a.usedPercent)[0]!;
  const actual = `${worst.mount} ${worst.usedPercent} % used`;
  if (worst.usedPercent >= max) return outcome("fail", expected, actual, details);
  if (worst.usedPercent >= max - 5) return outcome("warn", expected, actual, details);
  return outcome("pass", expected, `fullest: ${actual}`, details);
}
