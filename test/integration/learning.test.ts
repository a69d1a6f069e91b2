import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import * as v from "valibot";
import { decideL1 } from "../../agent/src/heal/l1/decide.ts";
import { acceptRuleSet } from "../../agent/src/heal/l1/synced.ts";
import { learningPatterns } from "../../cloud/src/db/schema/heal.ts";
import { toolName } from "../../cloud/src/plan/prompt.ts";
import { configurePlanner } from "../../cloud/src/plan/settings.ts";
import { startLlmServer } from "../../cloud/src/plan/testing/llm-server.ts";
import { testPlannerSettings } from "../../cloud/src/plan/testing/settings.ts";
import { publishRuleSet } from "../../cloud/src/rules/publish.ts";
import { describeEachDb } from "../../cloud/src/testing/each-db.ts";
import type { TestAppliance } from "../../cloud/src/testing/test-cloud.ts";
import { newIncident } from "../../lib/incident.ts";
import { testRule } from "../../lib/rules/testing.ts";
import { SignedPlan } from "../../protocol/plan.ts";
import { SyncResponse } from "../../protocol/sync.ts";
import { sampleFinding } from "../../protocol/testkit.ts";

const llm = startLlmServer();
afterAll(() => llm.stop());
let n = 0;

describeEachDb("learning loop", (cloud) => {
  let app: TestAppliance;
  let admin: string;
  beforeAll(async () => {
    const c = cloud();
    configurePlanner(
      c.deps.db,
      testPlannerSettings(llm.url, {
        siteLimit: { limit: 1000, windowSec: 300 },
        dailyBudgetPerSite: 1000,
        dailyBudgetFleet: 1000,
      }),
    );
    await c.createSite("site-learn");
    app = await c.createAppliance("site-learn");
    admin = await c.adminToken("msp-admin");
  });

  // One L2 round: plan for a drift of `checkId` with `params`, then report `outcome`.
  async function round(scope: string, outcome: "fixed" | "failed" | "not-applied") {
    const c = cloud();
    llm.script.push({
      tool: toolName("windows.smb-signing"),
      args: { params: { scope }, confidence: 0.9, reasoning: "x", requiresHumanReview: false },
    });
    const f = sampleFinding({ checkId: "windows.smb-signing", host: "EXAM-3", status: "fail" });
    const incident = newIncident(f, {
      id: `inc-${++n}`,
      applianceId: app.applianceId,
      tier: "L2",
      reason: "x",
      at: "2026-11-25T10:00:00.000Z",
    });
    const r = await c.call("POST", "/agent/plan", {
      bearer: app.apiKey,
      body: { incident, allowedRunbooks: ["windows.smb-signing"] },
    });
    const plan = v.parse(SignedPlan, await r.json()).payload;
    const o = await c.call("POST", `/agent/plan/${plan.id}/outcome`, {
      bearer: app.apiKey,
      body: { outcome },
    });
    expect(o.status).toBe(200);
    return { plan, result: (await o.json()) as { pattern: string; status: string | null } };
  }

  test("before any fleet publish, a site's own rules overlay the builtin rules", async () => {
    const c = cloud();
    await c.createSite("site-own");
    const own = await c.createAppliance("site-own");
    const before = v.parse(
      SyncResponse,
      await (await c.call("GET", "/agent/sync", { bearer: own.apiKey })).json(),
    );
    expect(before.rules.payload.version).toBe(0);
    expect(before.rules.payload.rules.map((r) => r.id)).toContain("l1-windows-firewall");
    await publishRuleSet({
      ctx: c.systemCtx(),
      input: { siteId: "site-own", rules: [testRule({ id: "site-only" })] },
    });
    const after = v.parse(
      SyncResponse,
      await (await c.call("GET", "/agent/sync", { bearer: own.apiKey })).json(),
    );
    expect(after.rules.payload.rules.map((r) => r.id)).toEqual(
      expect.arrayContaining(["site-only", "l1-windows-firewall"]),
    );
  });

  test("a pattern with 5 successes at ≥ 90% becomes a candidate; an admin approves it into a signed L1 rule", async () => {
    const c = cloud();
    let last: Awaited<ReturnType<typeof round>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await round("server", "fixed");
      expect(last.result.status).toBe("tracking");
    }
    await round("server", "not-applied"); // never counts
    last = await round("server", "fixed");
    expect(last.result.status).toBe("candidate");

    // An outcome is recorded once, and only by the plan's appliance.
    expect(
      (
        await c.call("POST", `/agent/plan/${last.plan.id}/outcome`, {
          bearer: app.apiKey,
          body: { outcome: "fixed" },
        })
      ).status,
    ).toBe(409);

    const list = await c.call("GET", "/api/learning/patterns?status=candidate", { bearer: admin });
    const { patterns } = (await list.json()) as {
      patterns: Array<{ pattern: string; successes: number; successRate: number }>;
    };
    expect(patterns).toHaveLength(1);
    expect(patterns[0]).toMatchObject({ pattern: last.result.pattern, successes: 5, successRate: 1 });

    const tech = await c.adminToken("msp-tech");
    expect(
      (await c.call("POST", `/api/learning/patterns/${last.result.pattern}/approve`, { bearer: tech }))
        .status,
    ).toBe(403);
    const scoped = await c.adminToken("msp-admin", "site-learn");
    expect(
      (await c.call("POST", `/api/learning/patterns/${last.result.pattern}/approve`, { bearer: scoped }))
        .status,
    ).toBe(403);

    const ok = await c.call("POST", `/api/learning/patterns/${last.result.pattern}/approve`, {
      bearer: admin,
    });
    expect(ok.status).toBe(200);
    const approved = (await ok.json()) as { ruleId: string; rulesVersion: number };
    expect(
      (await c.call("POST", `/api/learning/patterns/${last.result.pattern}/approve`, { bearer: admin }))
        .status,
    ).toBe(409);

    // Every appliance's next sync carries it, signed, beside the builtin rules.
    const sync = v.parse(
      SyncResponse,
      await (await c.call("GET", "/agent/sync", { bearer: app.apiKey })).json(),
    );
    const accepted = acceptRuleSet(sync.rules, c.deps.keys.publicKey, 0);
    if (!accepted.ok) throw new Error(accepted.reason);
    expect(accepted.set.version).toBe(approved.rulesVersion);
    const rule = accepted.set.rules.find((r) => r.id === approved.ruleId)!;
    expect(rule).toMatchObject({
      source: "promoted",
      action: { type: "runbook", runbookId: "windows.smb-signing", params: { scope: "server" } },
    });
    expect(accepted.set.rules.some((r) => r.id === "l1-windows-firewall")).toBe(true);
    // And L1 now decides what L2 used to.
    const d = decideL1(
      sampleFinding({ checkId: "windows.smb-signing", host: "EXAM-9", status: "fail" }),
      { platform: "windows" },
      accepted.compiled,
      new Map(),
      Date.now(),
    );
    expect(d).toMatchObject({ type: "runbook", rule: { id: approved.ruleId } });
  });

  test("below 90% success it stays tracked; a rejected candidate is not proposed again", async () => {
    const c = cloud();
    let last: Awaited<ReturnType<typeof round>> | undefined;
    for (const o of ["fixed", "fixed", "failed", "fixed", "fixed", "fixed"] as const)
      last = await round("client", o);
    expect(last!.result.status).toBe("tracking"); // 5 of 6 = 83%
    for (let i = 0; i < 4; i++) last = await round("both", "fixed");
    last = await round("both", "fixed");
    expect(last.result.status).toBe("candidate");
    const rej = await c.call("POST", `/api/learning/patterns/${last.result.pattern}/reject`, {
      bearer: admin,
      body: { reason: "too broad" },
    });
    expect(rej.status).toBe(200);
    expect(((await rej.json()) as { status: string }).status).toBe("rejected");
    expect((await round("both", "fixed")).result.status).toBe("rejected");
  });

  test("two candidates approved at the same moment both end up in the fleet rule set", async () => {
    const c = cloud();
    let last: Awaited<ReturnType<typeof round>> | undefined;
    for (let i = 0; i < 4; i++) last = await round("client", "fixed"); // 9 of 10 = 90 %
    expect(last!.result.status).toBe("candidate");
    // A second candidate, as the loop would have recorded it from another fleet.
    const [row] = await c.deps.db
      .select()
      .from(learningPatterns)
      .where(eq(learningPatterns.pattern, last!.result.pattern));
    await c.deps.db
      .insert(learningPatterns)
      .values({ ...row!, pattern: "pat_concurrent", params: { scope: "both" } });

    const approvals = await Promise.all(
      [last!.result.pattern, "pat_concurrent"].map(async (pattern) => {
        const r = await c.call("POST", `/api/learning/patterns/${pattern}/approve`, { bearer: admin });
        expect(r.status).toBe(200);
        return (await r.json()) as { ruleId: string };
      }),
    );
    const sync = v.parse(
      SyncResponse,
      await (await c.call("GET", "/agent/sync", { bearer: app.apiKey })).json(),
    );
    const ids = sync.rules.payload.rules.map((r) => r.id);
    for (const a of approvals) expect(ids).toContain(a.ruleId);
  });
});
