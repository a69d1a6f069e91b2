import type { L1Rule } from "../../protocol/rules.ts";

/** A valid runbook rule for tests, with overrides. */
export function testRule(overrides: Partial<L1Rule> & { id: string }): L1Rule {
  return {
    version: 1,
    description: `test rule ${overrides.id}`,
    enabled: true,
    priority: 0,
    match: { checks: ["windows.firewall"], statuses: ["fail"], conditions: [] },
    action: { type: "runbook", runbookId: "windows.firewall", params: {} },
    citations: ["§164.312(e)(1)"],
    cooldownSec: 300,
    maxAttempts: 3,
    flap: { windowSec: 3600, maxFixes: 3 },
    source: "custom",
    ...overrides,
  };
}
