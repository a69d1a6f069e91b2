import * as v from "valibot";
import { CommaList, parseEnvVars } from "../env-vars.ts";

/** What the regulatory poller watches and how often. */
export interface RegulatorySettings {
  /** Federal Register API base, e.g. https://www.federalregister.gov/api/v1 */
  baseUrl: string;
  /** Search terms; a document matching several is stored once. */
  terms: string[];
  /** Minimum time between successful polls. */
  intervalMs: number;
  /** How far back the first poll looks. */
  lookbackDays: number;
}

const Env = v.object({
  FEDERAL_REGISTER_URL: v.optional(v.pipe(v.string(), v.url())),
  REGULATORY_TERMS: v.optional(
    v.pipe(CommaList, v.minLength(1, "must name at least one term")),
    "HIPAA,protected health information,HITECH",
  ),
  REGULATORY_POLL_HOURS: v.optional(
    v.pipe(v.string(), v.transform(Number), v.number(), v.minValue(1), v.maxValue(24 * 7)),
    "6",
  ),
  REGULATORY_LOOKBACK_DAYS: v.optional(
    v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(1), v.maxValue(3650)),
    "365",
  ),
});

/** The public Federal Register API; set FEDERAL_REGISTER_URL to it in production. */
export const FEDERAL_REGISTER_API = "https://www.federalregister.gov/api/v1";

/**
 * Settings from the environment: FEDERAL_REGISTER_URL, REGULATORY_TERMS (comma-separated),
 * REGULATORY_POLL_HOURS (6), REGULATORY_LOOKBACK_DAYS (365). A bad value throws naming it.
 * Polling is opt-in: without FEDERAL_REGISTER_URL the result is null and nothing is polled, so a
 * dev, test or demo cloud never reaches outside the machine.
 */
export function regulatorySettingsFromEnv(
  env: Record<string, string | undefined>,
): RegulatorySettings | null {
  const e = parseEnvVars("regulatory", Env, env);
  if (e.FEDERAL_REGISTER_URL === undefined) return null;
  return {
    baseUrl: e.FEDERAL_REGISTER_URL,
    terms: e.REGULATORY_TERMS,
    intervalMs: e.REGULATORY_POLL_HOURS * 3_600_000,
    lookbackDays: e.REGULATORY_LOOKBACK_DAYS,
  };
}
