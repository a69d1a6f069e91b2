import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";
import { parseTmutilDestinations, parseTmutilLatest } from "./parse.ts";
import { toolText, unrecognised } from "./tool.ts";

const ARGV = ["tmutil", "destinationinfo"];
/** A backup older than this is stale (as on Linux). */
const MAX_AGE_HOURS = 48;

/** Time Machine has a destination and completed a backup within 48 hours. */
export async function timeMachine({ host }: CheckContext): Promise<CheckOutcome> {
  const expected = `a Time Machine backup within ${MAX_AGE_HOURS} hours`;
  const [dest, latest] = await Promise.all([
    toolText(host, ARGV),
    toolText(host, ["tmutil", "latestbackup"]),
  ]);
  const ds = parseTmutilDestinations(dest.text);
  if (!ds) return unrecognised(expected, ARGV, dest.text);
  if (!ds.length) return outcome("fail", expected, "no backup destination configured", { destinations: [] });
  const at = parseTmutilLatest(latest.text);
  const details = {
    destinations: ds.map((d) => `${d.name} (${d.kind})`),
    latest: at?.toISOString() ?? null,
  };
  if (!at) return outcome("fail", expected, "no completed backup", details);
  const ageH = (host.now() - at.getTime()) / 3_600_000;
  return ageH <= MAX_AGE_HOURS
    ? outcome("pass", expected, `last backup ${ageH.toFixed(1)} h ago`, details)
    : outcome("fail", expected, `last backup ${ageH.toFixed(0)} h ago`, details);
}
