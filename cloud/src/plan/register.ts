import type { Hono } from "hono";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { type LearningSettings, learningSettingsFromEnv } from "../learning/settings.ts";
import { RUNBOOK_CATALOGUE } from "../tools/runbook-catalogue.ts";
import { registerHealRoutesWith } from "./routes.ts";
import { type PlannerSettings, plannerSettingsFromEnv } from "./settings.ts";

/** The planner and learning settings (from the cloud's configuration). */
export interface HealSettings {
  planner: PlannerSettings;
  learning: LearningSettings;
}

/**
 * Register the healing routes (L2 broker, incidents, learning). Without settings L2 is off and
 * learning uses its default thresholds.
 */
export function registerHeal(app: Hono<AppEnv>, deps: RouteDeps, settings?: HealSettings): void {
  const s = settings ?? {
    planner: plannerSettingsFromEnv({}, RUNBOOK_CATALOGUE),
    learning: learningSettingsFromEnv({}),
  };
  registerHealRoutesWith(app, deps, s.planner, s.learning);
}
