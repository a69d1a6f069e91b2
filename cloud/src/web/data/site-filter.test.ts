import { expect, test } from "bun:test";
import * as v from "valibot";
import { computeScore } from "../../../../protocol/score.ts";
import type { SiteView } from "../../sites/schemas.ts";
import type { SiteFleet } from "./fleet.ts";
import { filterSites, SiteFilter } from "./site-filter.ts";

const site = (id: string, name: string) => ({ id, name, tier: "essential" }) as unknown as SiteView;
const fleet = (o: Partial<SiteFleet> = {}): SiteFleet => ({
  appliances: 1,
  online: 1,
  lastCheckinAt: null,
  alerts: 0,
  openIncidents: 0,
  openL3: 0,
  ...o,
});
const score = (n: number | null) => ({ ...computeScore([]), score: n });

const sites = [
  site("a", "Alder Dental"),
  site("b", "Birch Clinic"),
  site("c", "Cedar Pediatrics"),
  site("d", "Dogwood"),
];
const scores = new Map([
  ["a", score(95)],
  ["b", score(40)],
  ["c", score(70)],
  ["d", score(null)],
]);
const fl = new Map([
  ["a", fleet({ alerts: 2 })],
  ["b", fleet()],
  ["c", fleet({ openIncidents: 2, openL3: 1, online: 0 })],
  ["d", fleet()],
]);
const ids = (f: Record<string, string>) =>
  filterSites(sites, scores, fl, v.parse(SiteFilter, f)).map((s) => s.id);

test("worst first: chain alerts, then L3 incidents, then lowest score (never assessed lowest)", () => {
  expect(ids({})).toEqual(["a", "c", "d", "b"]);
});

test.each([
  [{ q: "birch" }, ["b"]],
  [{ q: "C" }, ["c", "b"]],
  [{ below: "80" }, ["c", "d", "b"]],
  [{ offline: "1" }, ["c"]],
  [{ incidents: "1" }, ["c"]],
  [{ alerts: "1" }, ["a"]],
])("filter %o", (f, want) => {
  expect(ids(f as Record<string, string>)).toEqual(want);
});

test("a bad filter value is refused", () => {
  expect(v.safeParse(SiteFilter, { below: "lots" }).success).toBe(false);
});
