import { expect, test } from "bun:test";
import type { AlertRouting } from "../alerts/dispatch.ts";
import { cloudJobs } from "../main.ts";
import { loadSettings } from "../settings.ts";
import type { Mailer } from "../web/mail/mailer.ts";

// cloudJobs only builds the job list; neither the routing nor the mailer is used until a job runs.
const names = (env: Record<string, string>) =>
  cloudJobs(loadSettings(env), {} as AlertRouting, {} as Mailer).map((j) => [j.name, j.everyMs]);

test("the cloud runs the anchoring jobs only when a TSA or a calendar is configured", () => {
  expect(names({}).map(([n]) => n)).not.toContain("checkpoint-anchoring");
  expect(names({ ANCHOR_TSA_URL: "https://tsa.example/" })).toContainEqual(["checkpoint-anchoring", 60_000]);
  expect(names({ ANCHOR_TSA_URL: "https://tsa.example/" }).map(([n]) => n)).not.toContain("ots-upgrade");
  const both = names({ ANCHOR_OTS_CALENDARS: "https://cal.example", ANCHOR_OTS_UPGRADE_MINUTES: "30" });
  expect(both).toContainEqual(["checkpoint-anchoring", 60_000]);
  expect(both).toContainEqual(["ots-upgrade", 30 * 60_000]);
});
