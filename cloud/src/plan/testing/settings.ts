import { catalogueOf, type RunbookCatalogue } from "../../../../lib/runbook-types.ts";
import { TEST_SPECS } from "../../../../lib/testing/runbook-specs.ts";
import type { PlannerSettings } from "../settings.ts";

/** Planner settings for tests against a loopback LLM at `url` (defaults as in production). */
export function testPlannerSettings(
  url: string,
  over: Partial<PlannerSettings> & { catalogue?: RunbookCatalogue } = {},
): PlannerSettings {
  return {
    url,
    apiKey: "sk-test",
    model: "test-model",
    timeoutMs: 2000,
    siteLimit: { limit: 10, windowSec: 300 },
    dailyBudgetPerSite: 100,
    dailyBudgetFleet: 500,
    minConfidence: 0.7,
    autoApplyMaxBlast: "low",
    breaker: { failures: 5, openSec: 900 },
    planTtlSec: 3600,
    catalogue: catalogueOf(TEST_SPECS),
    ...over,
  };
}
