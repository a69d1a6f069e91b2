import type { ComplianceScore } from "../../../../protocol/score.ts";

/** How many controls the appliance's checks measure, out of all the score covers ("20 of 59"). */
export const measuredOf = (c: ComplianceScore) => ({
  checked: c.controls.filter((x) => x.evidence.length > 0).length,
  of: c.controls.length,
});
