import { expect, test } from "bun:test";
import { CloudError } from "../cloud-client/errors.ts";
import type { DrainResult } from "../cloud-client/uploader.ts";
import { openStateDb } from "../queue/db.ts";
import { STUCK_AFTER, UploadWatch } from "./upload-watch.ts";

const at = (min: number) => new Date(Date.UTC(2026, 10, 25, 10, min));
const refused = (seq: number, reason: string): DrainResult => ({
  delivered: {},
  warnings: [],
  refused: { applianceId: "app-1", seq, reason },
  stoppedBy: new CloudError(`evidence app-1#${seq} refused`, "rejected"),
});
const unreachable = new CloudError("cannot reach the cloud", "unreachable");

test("the same refusal STUCK_AFTER steps in a row is stuck: a warning and a failing finding with an action", () => {
  const db = openStateDb(":memory:");
  const w = new UploadWatch(db);
  expect(w.finding("appliance", at(0).toISOString()).status).toBe("pass");
  for (let i = 0; i < STUCK_AFTER - 1; i++)
    w.observe(refused(22, "sequence-gap: bundles #1–#21 are missing"), 5, at(i));
  // An unreachable cloud neither counts nor breaks the streak.
  w.observe(unreachable, 5, at(5));
  expect(w.warning()).toBeUndefined();
  w.observe(refused(22, "sequence-gap: bundles #1–#21 are missing"), 5, at(6));
  expect(w.stuck()).toMatchObject({
    kind: "sequence-gap",
    seq: 22,
    steps: STUCK_AFTER,
    since: at(0).toISOString(),
  });
  expect(w.warning()).toContain("the cloud refused bundle app-1#22 3 times");
  expect(w.warning()).toContain("contact support");
  const f = w.finding("appliance", at(7).toISOString());
  expect(f).toMatchObject({ checkId: "agent.evidence-upload", status: "fail", severity: "high" });
  expect(f.details).toMatchObject({ kind: "sequence-gap", seq: 22, steps: 3 });
  // It survives a restart (kept in the state database), and a stored bundle clears it.
  expect(new UploadWatch(db).stuck()?.steps).toBe(3);
  w.observe({ delivered: { evidence: 4 }, warnings: [] }, 0, at(8));
  expect(w.stuck()).toBeUndefined();
  expect(w.finding("appliance", at(9).toISOString()).status).toBe("pass");
});

test("a different refusal starts a new streak; a revoked API key is stuck too, with its own action", () => {
  const w = new UploadWatch(openStateDb(":memory:"));
  w.observe(refused(3, "future-dated: ahead"), 2, at(0));
  w.observe(refused(3, "future-dated: ahead"), 2, at(1));
  w.observe(refused(4, "bad-signature: no"), 2, at(2));
  expect(w.stuck()).toBeUndefined();
  const revoked = new CloudError("checkin: 401 unauthorized: API key revoked", "unauthorized", 401);
  for (let i = 0; i < STUCK_AFTER; i++) w.observe(revoked, 7, at(3 + i));
  expect(w.stuck()).toMatchObject({ kind: "unauthorized", applianceId: null, steps: STUCK_AFTER });
  expect(w.warning()).toContain("the cloud refused every upload 3 times");
  expect(w.warning()).toContain("re-enrol with `malachor provision enroll`");
});
