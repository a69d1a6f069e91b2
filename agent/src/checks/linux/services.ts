import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";

/** Required systemd units are active, and none has failed. */
export async function services({ host, settings }: CheckContext): Promise<CheckOutcome> {
  const units = settings.expectedServices;
  const expected = `active: ${units.join(", ")}`;
  const [active, failed] = await Promise.all([
    host.run(["systemctl", "is-active", ...units]),
    host.run(["systemctl", "list-units", "--state=failed", "--plain", "--no-legend", "--no-pager"]),
  ]);
  const states = active.stdout.split("\n").filter(Boolean);
  if (states.length !== units.length) {
    return outcome("error", expected, "systemctl did not answer", {
      stderr: (active.stderr || failed.stderr).trim().slice(0, 300),
    });
  }
  const byUnit = Object.fromEntries(units.map((u, i) => [u, states[i]!]));
  const down = units.filter((u) => byUnit[u] !== "active");
  const failedUnits = failed.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0]!)
    .filter(Boolean);
  const details = { units: byUnit, failedUnits };
  if (down.length > 0) {
    return outcome(
      "fail",
      expected,
      `not active: ${down.map((u) => `${u} (${byUnit[u]})`).join(", ")}`,
      details,
    );
  }
  if (failedUnits.length > 0)
    return outcome("warn", expected, `failed units: ${failedUnits.join(", ")}`, details);
  return outcome("pass", expected, "all active; no failed units", details);
}
