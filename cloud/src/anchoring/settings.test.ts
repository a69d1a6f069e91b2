import { expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { anchoringSettingsFromEnv } from "./settings.ts";

test("anchoring is off unless a TSA or a calendar is configured", () => {
  expect(anchoringSettingsFromEnv({})).toBeNull();
  expect(anchoringSettingsFromEnv({ ANCHOR_TIERS: "professional=30" })).toBeNull();
});

test("tiers, periods and calendars are parsed; defaults anchor enterprise hourly", () => {
  expect(anchoringSettingsFromEnv({ ANCHOR_OTS_CALENDARS: "https://a.example, https://b.example/" })).toEqual(
    {
      tsaUrl: null,
      tsaCaPem: "",
      calendars: ["https://a.example", "https://b.example/"],
      periodMin: { enterprise: 60 },
      upgradeEveryMin: 60,
    },
  );
  const s = anchoringSettingsFromEnv({
    ANCHOR_TSA_URL: "https://tsa.example/tsr",
    ANCHOR_TIERS: "enterprise=15,professional=1440",
    ANCHOR_OTS_UPGRADE_MINUTES: "30",
  });
  expect(s).toMatchObject({
    tsaUrl: "https://tsa.example/tsr",
    periodMin: { enterprise: 15, professional: 1440 },
  });
  expect(s!.upgradeEveryMin).toBe(30);
});

test.each([
  [{ ANCHOR_TSA_URL: "not a url" }, "ANCHOR_TSA_URL"],
  [{ ANCHOR_OTS_CALENDARS: "https://ok.example,nope" }, "ANCHOR_OTS_CALENDARS"],
  [{ ANCHOR_TSA_URL: "https://t.example", ANCHOR_TIERS: "gold=5" }, "ANCHOR_TIERS"],
  [{ ANCHOR_TSA_URL: "https://t.example", ANCHOR_TIERS: "enterprise=0" }, "ANCHOR_TIERS"],
  [{ ANCHOR_TSA_URL: "https://t.example", ANCHOR_OTS_UPGRADE_MINUTES: "x" }, "ANCHOR_OTS_UPGRADE_MINUTES"],
  [{ ANCHOR_TSA_CA_FILE: "/tmp/x.pem" }, "ANCHOR_TSA_CA_FILE needs ANCHOR_TSA_URL"],
  [{ ANCHOR_TSA_URL: "https://t.example", ANCHOR_TSA_CA_FILE: "/nonexistent/ca.pem" }, "ANCHOR_TSA_CA_FILE"],
])("a bad value stops start-up naming it: %o", (env, name) => {
  expect(() => anchoringSettingsFromEnv(env)).toThrow(name);
});

test("a CA file must hold a PEM certificate", () => {
  const dir = mkdtempSync(join(tmpdir(), "anchor-ca-"));
  writeFileSync(join(dir, "bad.pem"), "hello");
  expect(() =>
    anchoringSettingsFromEnv({
      ANCHOR_TSA_URL: "https://t.example",
      ANCHOR_TSA_CA_FILE: join(dir, "bad.pem"),
    }),
  ).toThrow("no PEM certificate");
});
