import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decide } from "../../cloud/src/plan/broker.ts";
import { planMessages, runbookTools } from "../../cloud/src/plan/prompt.ts";
import { chatCompletion } from "../../cloud/src/plan/provider.ts";
import { readReply } from "../../cloud/src/plan/reply.ts";
import { startLlmServer } from "../../cloud/src/plan/testing/llm-server.ts";
import { testPlannerSettings } from "../../cloud/src/plan/testing/settings.ts";
import { makeTestCloud, type TestCloud } from "../../cloud/src/testing/test-cloud.ts";
import { RUNBOOK_CATALOGUE } from "../../cloud/src/tools/runbook-catalogue.ts";
import { WebClient } from "../../cloud/src/web/testing/client.ts";
import { seedCandidate } from "../../cloud/src/web/testing/seed.ts";
import { newIncident } from "../../lib/incident.ts";
import { sampleFinding } from "../../protocol/testkit.ts";
import { candidatesOnPage, L2_CHECK, L2_RUNBOOK, scriptedModel } from "./l2.ts";

const llm = startLlmServer([], scriptedModel);
afterAll(() => llm.stop());

// The cloud's own planning steps against the scripted model: prompt and tools, the provider call
// over loopback HTTP, the reply validation and the gate.
async function plan(checkId: string) {
  const settings = testPlannerSettings(llm.url, { catalogue: RUNBOOK_CATALOGUE });
  const incident = newIncident(sampleFinding({ checkId, host: "127.0.0.1", status: "fail" }), {
    id: `inc-${checkId}`,
    applianceId: "app-1",
    tier: "L2",
    reason: "no L1 rule matched; asking the L2 planner",
    at: "2026-11-25T12:00:00.000Z",
  });
  const allowed = RUNBOOK_CATALOGUE.all().filter((s) => s.checkId === checkId && s.platform === "windows");
  const answer = await chatCompletion(settings, planMessages(incident, allowed), runbookTools(allowed));
  const read = readReply(answer, allowed);
  if (!read.ok) throw new Error(read.reason);
  return { ...read, decision: decide(read.reply, read.spec, settings, false) };
}

describe("the demo's scripted model", () => {
  test("plans the stale backup: windows.backup with the defaults its tool offers, auto-applied", async () => {
    const p = await plan(L2_CHECK);
    expect(p.spec?.id).toBe(L2_RUNBOOK);
    expect(p.params).toEqual({ max_age_days: 7, backup_target: "E:" });
    expect(p.decision).toBe("auto-apply");
  });

  test("declines any other incident, so that drift goes to a person", async () => {
    const p = await plan("windows.smb-signing");
    expect(p.spec).toBeNull();
    expect(p.reply.requiresHumanReview).toBe(true);
    expect(p.decision).toBe("none");
  });
});

describe("the learning page as the demo reads it", () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await makeTestCloud();
  }, 60_000);
  afterAll(() => cloud?.close());

  test("no candidate: the empty state says promotion needs the L2 planner", async () => {
    const w = await WebClient.admin(cloud, "read-only");
    const page = await w.get("/dashboard/learning");
    expect(candidatesOnPage(page.html)).toEqual([]);
    expect(page.html).toContain("Promotion learns from the L2 planner");
  });

  test("a candidate: its pattern, fix and outcomes", async () => {
    const pattern = await seedCandidate(cloud);
    const spec = RUNBOOK_CATALOGUE.all()[0]!;
    const w = await WebClient.admin(cloud, "read-only");
    const page = await w.get("/dashboard/learning");
    expect(candidatesOnPage(page.html)).toEqual([
      { pattern, runbookId: spec.id, checkId: spec.checkId, successes: 6, failures: 0 },
    ]);
    // The table below it does not claim that nothing was recorded.
    expect(page.html).toContain("every L2 fix recorded so far is a candidate above");
    expect(page.html).not.toContain("No L2 resolution has been recorded yet");
  });
});
