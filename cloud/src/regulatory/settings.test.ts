import { expect, test } from "bun:test";
import { regulatorySettingsFromEnv } from "./settings.ts";

test("defaults watch HIPAA terms on the public Federal Register every 6 hours", () => {
  expect(regulatorySettingsFromEnv({})).toEqual({
    baseUrl: "https://www.federalregister.gov/api/v1",
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
  expect(() => regulatorySettingsFromEnv(env)).toThrow(error);
});
