import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import * as v from "valibot";
import { Id } from "../../../protocol/common.ts";
import type { Actor } from "../actor.ts";
import { auditLog } from "../db/schema/audit.ts";
import { makeTestCloud, type TestCloud } from "../testing/test-cloud.ts";
import { callTool } from "./call.ts";
import { nestedDeeperThan } from "./nesting.ts";
import { RUNBOOK_CATALOGUE } from "./runbook-catalogue.ts";
import { defineTool, type ToolContext } from "./tool.ts";

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await makeTestCloud({ db: "pglite" });
}, 60_000);
afterAll(async () => {
  await cloud?.close();
});

const tech: Actor = { type: "admin", tokenId: "tok_t", name: "tech", role: "msp-tech", siteId: null };
const ctx = (actor: Actor = tech): ToolContext => ({
  ...cloud.systemCtx(),
  actor,
  catalogue: RUNBOOK_CATALOGUE,
});

const Out = v.strictObject({ n: v.number() });
const tool = (name: string, run: () => Promise<unknown>, kind: "read" | "change" = "read") =>
  defineTool({
    name,
    title: name,
    description: name,
    kind,
    minRole: "read-only",
    input: v.strictObject({ id: v.optional(Id) }),
    output: Out,
    run: run as () => Promise<{ n: number }>,
  });

describe("callTool", () => {
  test.each([
    [
      "a tool that throws",
      tool("t_throws", async () => Promise.reject(new Error("db password=hunter2 refused"))),
    ],
    ["output outside the declared schema", tool("t_shape", async () => ({ n: "one" }))],
    ["a change tool naming no site", tool("t_nosite", async () => ({ n: 1 }), "change")],
  ])("%s: a retryable internal error without details, logged and audited as failed", async (_what, t) => {
    const r = await callTool(ctx(), t, {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("internal");
    expect(r.error.opts.retryable).toBe(true);
    expect(r.error.message).not.toContain("hunter2");
    const lines = (cloud.deps.logger as unknown as { lines: { msg?: string; tool?: string }[] }).lines;
    expect(lines.some((l) => l.tool === t.name)).toBe(true);
    const rows = await cloud.deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, `tool.${t.name}`));
    expect(rows.map((x) => x.outcome)).toEqual(["failed"]);
  });

  test("appliance keys never call tools; the refusal is audited as denied", async () => {
    const app: Actor = { type: "appliance", applianceId: "app-1", siteId: "s", apiKeyId: "k" };
    const r = await callTool(
      ctx(app),
      tool("t_app", async () => ({ n: 1 })),
      {},
    );
    expect(r.ok ? "" : r.error.message).toMatch(/needs an admin token/);
    const rows = await cloud.deps.db.select().from(auditLog).where(eq(auditLog.action, "tool.t_app"));
    expect(rows.map((x) => [x.actor, x.outcome])).toEqual([["appliance:app-1", "denied"]]);
  });

  test("arguments nested 20,000 levels deep are refused as bad arguments, and still audited", async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const r = await callTool(
      ctx(),
      tool("t_deep", async () => ({ n: 1 })),
      { id: "x", extra: deep },
    );
    expect(r.ok ? "" : r.error.message).toMatch(/invalid arguments for t_deep: nested deeper than 32 levels/);
    const rows = await cloud.deps.db.select().from(auditLog).where(eq(auditLog.action, "tool.t_deep"));
    expect(rows.map((x) => x.outcome)).toEqual(["denied"]);
  });

  test.each([
    [1, 0, false],
    [{ a: [1] }, 2, false],
    [{ a: [1] }, 1, true],
    [[[[]]], 3, false],
    [[[[]]], 2, true],
  ])("nestedDeeperThan(%p, %d) = %p", (value, max, deeper) => {
    expect(nestedDeeperThan(value, max)).toBe(deeper);
  });

  test("a good call returns the validated output and is audited with the hash of its arguments", async () => {
    const r = await callTool(
      ctx(),
      tool("t_ok", async () => ({ n: 7 })),
      { id: "x" },
    );
    expect(r).toEqual({ ok: true, output: { n: 7 } });
    const [row] = await cloud.deps.db.select().from(auditLog).where(eq(auditLog.action, "tool.t_ok"));
    expect(row).toMatchObject({ actor: "admin:tok_t(tech)", outcome: "ok", target: "t_ok" });
    expect(row!.argsHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
