import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyChain } from "../../../protocol/chain.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { ChainStore } from "../evidence/chain-store.ts";
import { loadIdentity } from "../evidence/identity.ts";
import { openStateDb } from "../queue/db.ts";
import { Queue } from "../queue/queue.ts";
import { CloudClient } from "./client.ts";
import { startFakeCloud } from "./fake-cloud.fixture.ts";
import {
  drainQueue,
  enqueueEscrow,
  enqueueIncidents,
  enqueueOrderResult,
  enqueuePlanOutcome,
} from "./uploader.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-upload-"));
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function setup() {
  const name = `u${++n}`;
  const identity = loadIdentity(join(dir, `${name}.key`), { create: true });
  const cloud = startFakeCloud({ appliancePublicKey: identity.publicKey });
  stops.push(cloud.stop);
  const queue = new Queue(openStateDb(join(dir, `${name}.db`)), { maxBytes: 1e9 });
  const chain = new ChainStore(queue, { siteId: "site-a", applianceId: "app-1" }, identity);
  const client = new CloudClient({ baseUrl: cloud.url, apiKey: cloud.apiKey, timeoutMs: 2_000 });
  const append = (k = 1) => {
    for (let i = 0; i < k; i++) {
      const at = new Date().toISOString();
      chain.append({ kind: "check-cycle", createdAt: at, findings: [sampleFinding({ observedAt: at })] });
    }
  };
  return {
    identity,
    cloud,
    queue,
    chain,
    client,
    append,
    drain: () => drainQueue(queue, client, chain, { batchSize: 3 }),
  };
}

describe("draining the queue to the cloud", () => {
  test("bundles arrive in order, verified, and leave the queue", async () => {
    const { cloud, queue, chain, append, drain, identity } = setup();
    append(7);
    const r = await drain();
    expect(r).toEqual({ delivered: { evidence: 7 }, warnings: [] });
    expect(cloud.state.bundles.map((b) => b.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(verifyChain(cloud.state.bundles, [identity.publicKey]).ok).toBe(true);
    expect(queue.stats().depth).toBe(0);
    expect(chain.cloudSeq()).toBe(7);
  });

  test("cloud down: nothing lost, backoff recorded; back up: everything arrives", async () => {
    const { cloud, queue, append, drain } = setup();
    append(4);
    cloud.failWith = { status: 503 };
    const down = await drain();
    expect(down.stoppedBy?.kind).toBe("server");
    expect(queue.stats().streams.evidence).toMatchObject({ depth: 4, maxAttempts: 1 });
    expect(await drain()).toEqual({ delivered: {}, warnings: [] }); // still backing off
    cloud.failWith = undefined;
    queue.resetBackoff();
    expect((await drain()).delivered.evidence).toBe(4);
    expect(cloud.state.bundles).toHaveLength(4);
  });

  test("429 with Retry-After holds the stream at least that long", async () => {
    const { cloud, queue, append, drain } = setup();
    append(1);
    cloud.failWith = { status: 429, retryAfter: "120" };
    expect((await drain()).stoppedBy?.kind).toBe("rate-limited");
    expect(queue.stats().streams.evidence.nextAttemptInSec).toBeGreaterThanOrEqual(119);
  });

  test("a cloud that lost bundles is caught up from the archive, in order", async () => {
    const { cloud, append, drain, identity } = setup();
    append(5);
    await drain();
    cloud.forgetAfter(2);
    append(1);
    const r = await drain();
    expect(r.delivered.evidence).toBe(4); // 3, 4, 5 again, and 6
    expect(cloud.state.bundles.map((b) => b.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(verifyChain(cloud.state.bundles, [identity.publicKey]).ok).toBe(true);
  });

  test("incidents and order results are delivered; a refused one is set aside with a warning", async () => {
    const { cloud, queue, drain } = setup();
    const incident = {
      id: "inc-1",
      applianceId: "app-1",
      checkId: "linux.firewall",
      host: "appliance",
      severity: "high" as const,
      tier: "L3" as const,
      status: "open" as const,
      title: "Firewall off",
      summary: "inbound chain accepts by default",
      details: {},
      citations: ["§164.312(e)(1)"],
      occurrences: 1,
      openedAt: "2026-11-25T10:00:00.000Z",
    };
    enqueueIncidents(queue, "incident:inc-1:1", { incidents: [incident] });
    enqueueOrderResult(queue, "no-such-order", {
      status: "succeeded",
      result: {},
      finishedAt: "2026-11-25T10:00:00.000Z",
    });
    const r = await drain();
    expect(r.delivered).toEqual({ incidents: 1 });
    expect(cloud.state.incidents[0]!.incidents[0]!.id).toBe("inc-1");
    expect(r.warnings.join()).toMatch(/order-results item order:no-such-order refused: .*404/);
    expect(queue.stats().streams["order-results"].dead).toBe(1);
  });

  test("recovery keys and plan outcomes are delivered at least once; a revoked key keeps them queued", async () => {
    const { cloud, queue, drain } = setup();
    const key = {
      host: "CLINIC-FS01",
      volume: "C:",
      protectorId: "{6A1B2C3D-4E5F-4A7B-8C9D-0E1F2A3B4C5D}",
      recoveryPassword: "111111-222222-333333-444444-555555-666666-777777-888888",
    };
    enqueueEscrow(queue, [key]);
    enqueueEscrow(queue, [key]); // the same protector again: one item
    enqueuePlanOutcome(queue, "plan-1", { outcome: "fixed", receiptId: "rcpt-1" });
    cloud.failWith = { status: 401 };
    expect((await drain()).stoppedBy?.kind).toBe("unauthorized");
    expect(queue.stats().streams.escrow).toMatchObject({ depth: 1, dead: 0 });
    cloud.failWith = undefined;
    queue.resetBackoff();
    expect((await drain()).delivered).toEqual({ escrow: 1, "plan-outcomes": 1 });
    expect(cloud.state.escrow).toEqual([key]);
    expect(cloud.state.planOutcomes).toEqual([
      { id: "plan-1", body: { outcome: "fixed", receiptId: "rcpt-1" } },
    ]);
    expect(queue.stats().depth).toBe(0);
  });

  test("a malformed queued escrow item is set aside, never sent", async () => {
    const { cloud, queue, drain } = setup();
    queue.enqueue({ stream: "escrow", key: "escrow:bad", payload: JSON.stringify({ host: "x" }) });
    const r = await drain();
    expect(r.warnings.join()).toMatch(/escrow item escrow:bad refused: queued escrow item is malformed/);
    expect(cloud.state.escrowAttempts).toBe(0);
    expect(queue.stats().streams.escrow.dead).toBe(1);
  });
});
