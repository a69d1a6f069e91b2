import { expect, test } from "bun:test";
import type { Incident } from "../../../../protocol/incident.ts";
import { bySeverityThenAge, type OpenIncident } from "./incidents-page.tsx";

const open = (id: string, severity: Incident["severity"], openedAt: string): OpenIncident => ({
  siteId: "s",
  incident: { id, severity, openedAt } as Incident,
});

test("incidents: most severe first, then the longest waiting", () => {
  const rows = [
    open("new-high", "high", "2026-12-05T10:00:00.000Z"),
    open("old-medium", "medium", "2026-12-01T10:00:00.000Z"),
    open("critical", "critical", "2026-12-05T11:00:00.000Z"),
    open("old-high", "high", "2026-12-02T10:00:00.000Z"),
  ];
  expect(rows.sort(bySeverityThenAge).map((r) => r.incident.id)).toEqual([
    "critical",
    "old-high",
    "new-high",
    "old-medium",
  ]);
});
