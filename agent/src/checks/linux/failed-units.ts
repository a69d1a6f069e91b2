import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";

/** No systemd unit is in the failed state (a failed backup, log shipper or agent goes unnoticed). */
export async function failedUnits({ host }: CheckContext): Promise<CheckOutcome> {
  const expected = "no unit in the failed state";
  const r = await host.run([
    "systemctl",
    "list-units",
    "--state=failed",
    "--plain",
    "--no-legend",
    "--no-pager",
  ]);
  if (r.code === 127) return outcome("error", expected, "systemctl not found (not a systemd host)");
  if (r.code !== 0 && !r.stdout.trim())
    return outcome("error", expected, `systemctl: ${(r.stderr.trim() || `exit ${r.code}`).slice(0, 200)}`);
  const units = r.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0])
    .filter((u): u is string => !!u);
  return units.length
    ? outcome("fail", expected, `failed: ${units.join(", ")}`, { units })
    : outcome("pass", expected, "none failed", { units: [] });
}
