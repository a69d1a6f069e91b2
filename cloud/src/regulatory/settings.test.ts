import { expect, test } from "bun:test";
import { FEDERAL_REGISTER_API, regulatorySettingsFromEnv } from "./settings.ts";

test("polling is off unless FEDERAL_REGISTER_URL is set", () => {
  expect(regulatorySettingsFromEnv({ REGULATORY_TERMS: "HIPAA" })).toBeNull();
});

test("defaults watch HIPAA terms every 6 hours", () => {
  expect(regulatorySettingsFromEnv({ FEDERAL_REGISTER_URL: FEDERAL_REGISTER_API })).toEqual({
    baseUrl: FEDERAL_REGISTER_API,
    terms: ["HIPAA", "protected health information", "HITECH"],
    intervalMs: 6 * 3_600_000,
    lookbackDays: 365,
  });
});

test("reads each variable", () => {
  const s = regulatorySettingsFromEnv({
    FEDERAL_REGISTER_URL: "http://127.0.0.1:9/api/v1",
    REGULATORY_TERMS: " HIPAA , 45 CFR 164 ,",
    REGULATORY_POLL_HOURS: "1.5",
    REGULATORY_LOOKBACK_DAYS: "30",
  });
  expect(s).toEqual({
    baseUrl: "http://127.0.0.1:9/api/v1",
    terms: ["HIPAA", "45 CFR 164"],
    intervalMs: 5_400_000,
    lookbackDays: 30,
  });
});

test.each([
  { env: { FEDERAL_REGISTER_URL: "federalregister" }, error: "FEDERAL_REGISTER_URL" },
  { env: { REGULATORY_TERMS: " , " }, error: "REGULATORY_TERMS: must name at least one term" },
  { env: { REGULATORY_POLL_HOURS: "0" }, error: "REGULATORY_POLL_HOURS" },
  { env: { REGULATORY_POLL_HOURS: "soon" }, error: "REGULATORY_POLL_HOURS" },
  { env: { REGULATORY_LOOKBACK_DAYS: "2.5" }, error: "REGULATORY_LOOKBACK_DAYS" },
])("a bad value stops start-up naming it: $env", ({ env, error }) => {
  expect(() => regulatorySettingsFromEnv({ FEDERAL_REGISTER_URL: FEDERAL_REGISTER_API, ...env })).toThrow(
    error,
  );
});
