import * as v from "valibot";
import type { RunbookCatalogue } from "../../../lib/runbook-types.ts";
import type { Db } from "../db/client.ts";

/** How the L2 broker reaches its model and what it allows. */
export interface PlannerSettings {
  /** Base URL of an OpenAI-compatible API (…/v1); chat completions are POSTed to `<url>/chat/completions`. Empty: L2 off. */
  url: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  /** Per-site requests per window (429 + Retry-After beyond). */
  siteLimit: { limit: number; windowSec: number };
  /** Model calls per site per UTC day, and for the whole fleet. */
  dailyBudgetPerSite: number;
  dailyBudgetFleet: number;
  /** Below this confidence nothing is auto-applied. */
  minConfidence: number;
  /** Largest blast radius auto-applied; larger needs a person. */
  autoApplyMaxBlast: "low" | "medium" | "high";
  /** Consecutive provider failures that open the breaker, and for how long. */
  breaker: { failures: number; openSec: number };
  /** Lifetime of a signed plan. */
  planTtlSec: number;
  /** The runbook catalogue the allow-list is derived from. */
  catalogue: RunbookCatalogue;
}

const int = (min: number, max: number) =>
  v.pipe(v.string(), v.transform(Number), v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const ratio = v.pipe(v.string(), v.transform(Number), v.number(), v.minValue(0), v.maxValue(1));

const Env = v.object({
  L2_LLM_URL: v.optional(
    v.union([v.literal(""), v.pipe(v.string(), v.url("must be a URL like https://api.example.com/v1"))]),
    "",
  ),
  L2_LLM_API_KEY: v.optional(v.string(), ""),
  L2_LLM_MODEL: v.optional(v.pipe(v.string(), v.minLength(1)), "gpt-4o-mini"),
  L2_TIMEOUT_MS: v.optional(int(1000, 300_000), "30000"),
  L2_SITE_LIMIT: v.optional(int(1, 10_000), "10"),
  L2_SITE_WINDOW_SEC: v.optional(int(1, 86_400), "300"),
  L2_DAILY_BUDGET_PER_SITE: v.optional(int(1, 1_000_000), "100"),
  L2_DAILY_BUDGET: v.optional(int(1, 10_000_000), "500"),
  L2_MIN_CONFIDENCE: v.optional(ratio, "0.7"),
  L2_AUTO_APPLY_MAX_BLAST: v.optional(v.picklist(["low", "medium", "high"]), "low"),
});

/** Thrown at start-up for a bad L2_* variable, naming it. */
export class PlannerConfigError extends Error {
  override name = "PlannerConfigError";
}

/** Planner settings from the environment (L2_LLM_URL, L2_LLM_API_KEY, L2_LLM_MODEL, L2_*). */
export function plannerSettingsFromEnv(
  env: Record<string, string | undefined>,
  catalogue: RunbookCatalogue,
): PlannerSettings {
  const r = v.safeParse(Env, env);
  if (!r.success) {
    const i = r.issues[0]!;
    throw new PlannerConfigError(`${v.getDotPath(i) ?? "L2 settings"}: ${i.message}`);
  }
  const e = r.output;
  return {
    url: e.L2_LLM_URL.replace(/\/+$/, ""),
    apiKey: e.L2_LLM_API_KEY,
    model: e.L2_LLM_MODEL,
    timeoutMs: e.L2_TIMEOUT_MS,
    siteLimit: { limit: e.L2_SITE_LIMIT, windowSec: e.L2_SITE_WINDOW_SEC },
    dailyBudgetPerSite: e.L2_DAILY_BUDGET_PER_SITE,
    dailyBudgetFleet: e.L2_DAILY_BUDGET,
    minConfidence: e.L2_MIN_CONFIDENCE,
    autoApplyMaxBlast: e.L2_AUTO_APPLY_MAX_BLAST,
    breaker: { failures: 5, openSec: 900 },
    planTtlSec: 3600,
    catalogue,
  };
}

// Tests (and an embedding program) point one cloud at its own planner settings; keyed by the
// cloud's database handle so parallel test clouds never see each other's.
const overrides = new WeakMap<Db, PlannerSettings>();

/** Use `s` for the cloud whose database is `db` instead of the environment's settings. */
export function configurePlanner(db: Db, s: PlannerSettings): void {
  overrides.set(db, s);
}

/** The settings in force for a cloud. */
export function plannerSettingsFor(db: Db, fallback: PlannerSettings): PlannerSettings {
  return overrides.get(db) ?? fallback;
}
