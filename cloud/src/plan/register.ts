import type { Hono } from "hono";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { learningSettingsFromEnv } from "../learning/settings.ts";
import { RUNBOOK_CATALOGUE } from "../tools/runbook-catalogue.ts";
import { registerHealRoutesWith } from "./routes.ts";
import { plannerSettingsFromEnv } from "./settings.ts";

/**
 * Register the healing routes (L2 broker, incidents, learning) with settings from the environment
 * (L2_LLM_URL, L2_LLM_API_KEY, L2_LLM_MODEL, L2_*, LEARNING_*) and the shared runbook catalogue.
 */
export function registerHeal(app: Hono<AppEnv>, deps: RouteDeps): void {
  registerHealRoutesWith(
    app,
    deps,
    plannerSettingsFromEnv(process.env, RUNBOOK_CATALOGUE),
    learningSettingsFromEnv(process.env),
  );
}
