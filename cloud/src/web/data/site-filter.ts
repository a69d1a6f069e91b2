/** The sites list for an MSP with many clinics: search, filters, worst first (pure). */
import * as v from "valibot";
import type { ComplianceScore } from "../../../../protocol/score.ts";
import type { SiteView } from "../../sites/schemas.ts";
import type { SiteFleet } from "./fleet.ts";

const flag = v.optional(v.picklist(["1"]));

/** The sites page's query string: `q` matches name or id; each flag keeps only sites with that trouble. */
export const SiteFilter = v.object({
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100))),
  /** Keep sites scoring below this (0–100). */
  below: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(100))),
  offline: flag,
  incidents: flag,
  alerts: flag,
});
export type SiteFilter = v.InferOutput<typeof SiteFilter>;

/**
 * The sites to show, worst first: chain alerts, then open L3 incidents, then the lowest score (a
 * site never assessed counts as lowest), then name.
 */
export function filterSites(
  sites: readonly SiteView[],
  scores: ReadonlyMap<string, ComplianceScore>,
  fleet: ReadonlyMap<string, SiteFleet>,
  f: SiteFilter,
): SiteView[] {
  const q = f.q?.toLowerCase();
  const score = (id: string) => scores.get(id)?.score ?? -1;
  const kept = sites.filter((s) => {
    const fl = fleet.get(s.id);
    if (q && !s.name.toLowerCase().includes(q) && !s.id.toLowerCase().includes(q)) return false;
    if (f.below !== undefined && score(s.id) >= f.below) return false;
    if (f.offline && !(fl && fl.appliances > fl.online)) return false;
    if (f.incidents && !(fl && fl.openIncidents > 0)) return false;
    if (f.alerts && !(fl && fl.alerts > 0)) return false;
    return true;
  });
  const rank = (s: SiteView) => {
    const fl = fleet.get(s.id);
    return [fl && fl.alerts > 0 ? 0 : 1, fl && fl.openL3 > 0 ? 0 : 1, score(s.id)] as const;
  };
  return kept.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2] || a.name.localeCompare(b.name);
  });
}
