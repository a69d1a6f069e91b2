import { Database } from "bun:sqlite";
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EvidenceEvent } from "../../../protocol/evidence.ts";
import type { Order, OrderAck, OrderCompletion } from "../../../protocol/order.ts";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { type OrderActions, OrderFailed } from "./actions.ts";
import { NonceStore } from "./nonces.ts";
import { OrderProcessor } from "./processor.ts";
import { sampleOrder, signOrder } from "./testing.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-orders-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cloud = generateKeyPair();
const identity = { cloudPublicKey: cloud.publicKey, siteId: "site-a", applianceId: "app-1" };

/** Records what the agent tells the cloud, and serves whatever envelopes a test queues. */
class RecordingChannel {
  queue: unknown[] = [];
  acks: [string, OrderAck][] = [];
  completions: [string, OrderCompletion][] = [];
  failComplete = false;
  async pending() {
    return this.queue;
  }
  async ack(id: string, ack: OrderAck) {
    this.acks.push([id, ack]);
  }
  async complete(id: string, c: OrderCompletion) {
    if (this.failComplete) throw new Error("cloud unreachable");
    this.completions.push([id, c]);
  }
}

let dbN = 0;
function setup(actions: Partial<OrderActions> = {}, dbPath = join(dir, `state-${++dbN}.db`)) {
  const channel = new RecordingChannel();
  const events: EvidenceEvent[] = [];
  const ran: Order[] = [];
  const record = (o: Order) => {
    ran.push(o);
  };
  const all: OrderActions = {
    run_check: async (p, o) => {
      record(o);
      return { checks: p.checkIds ?? ["all"], pass: 3, fail: 0 };
    },
    run_runbook: async (p, o) => {
      record(o);
      return { runbookId: p.runbookId, outcome: "fixed" };
    },
    sync_rules: async (_p, o) => {
      record(o);
      return { rulesVersion: 4 };
    },
    update_agent: async (_p, o) => {
      record(o);
      return { installed: "0.2.0" };
    },
    collect_diagnostics: async (_p, o) => {
      record(o);
      return { queueDepth: 0 };
    },
    accept_baseline: async (p, o) => {
      record(o);
      return { checkId: p.checkId, accepted: p.items ?? [] };
    },
    ...actions,
  };
  const db = new Database(dbPath, { create: true });
  db.run("PRAGMA journal_mode = WAL");
  const nonces = new NonceStore(db);
  const processor = new OrderProcessor({
    channel,
    nonces,
    actions: all,
    events: (e) => {
      events.push(e);
    },
    identity,
    actionTimeoutMs: 500,
  });
  return { channel, events, ran, processor, nonces, db };
}
const sign = (o: object) => signOrder(o, cloud.secretKey);

describe("OrderProcessor", () => {
  let s: ReturnType<typeof setup>;
  beforeEach(() => {
    s = setup();
  });

  test("a good order is acknowledged, run once and completed with its result", async () => {
    const order = sampleOrder({ type: "run_check", params: { checkIds: ["linux.firewall"] } });
    s.channel.queue = [sign(order)];
    expect(await s.processor.poll()).toEqual([{ orderId: order.id, status: "succeeded", reason: undefined }]);
    expect(s.channel.acks.map(([id]) => id)).toEqual([order.id]);
    const [[id, c]] = s.channel.completions as [[string, OrderCompletion]];
    expect(id).toBe(order.id);
    expect(c.status).toBe("succeeded");
    expect(c.result).toEqual({ checks: ["linux.firewall"], pass: 3, fail: 0 });
    expect(s.ran.map((o) => o.id)).toEqual([order.id]);
    expect(s.events.map((e) => [e.type, e.details.orderId, e.details.status])).toEqual([
      ["order-executed", order.id, "succeeded"],
    ]);
  });

  test.each([
    [
      "run_runbook",
      { runbookId: "windows.firewall-enable", host: "ws01" },
      { runbookId: "windows.firewall-enable", outcome: "fixed" },
    ],
    ["sync_rules", {}, { rulesVersion: 4 }],
    ["update_agent", {}, { installed: "0.2.0" }],
    ["collect_diagnostics", {}, { queueDepth: 0 }],
  ] as const)("%s dispatches to its action", async (type, params, result) => {
    s.channel.queue = [sign(sampleOrder({ type, params }))];
    await s.processor.poll();
    expect(s.channel.completions[0]?.[1]).toMatchObject({ status: "succeeded", result });
  });

  const refusals: [string, () => unknown, string, RegExp][] = [
    [
      "bad signature",
      () => signOrder(sampleOrder({ id: "ord-x" }), generateKeyPair().secretKey),
      "bad-signature",
      /signature rejected/,
    ],
    ["wrong target", () => sign(sampleOrder({ id: "ord-x", applianceId: "app-9" })), "wrong-target", /app-9/],
    [
      "expired",
      () => sign(sampleOrder({ id: "ord-x" }, new Date(Date.now() - 2 * 3600_000))),
      "expired",
      /expired at/,
    ],
    [
      "unknown type",
      () => sign({ ...sampleOrder({ id: "ord-x" }), type: "reboot_everything" }),
      "unknown-type",
      /unknown order type "reboot_everything"/,
    ],
  ];
  test.each(refusals)(
    "%s → refused completion and order-refused event, nothing runs",
    async (_n, make, code, reason) => {
      s.channel.queue = [make()];
      const [outcome] = await s.processor.poll();
      expect(outcome).toMatchObject({ orderId: "ord-x", status: "refused" });
      expect(s.ran).toEqual([]);
      expect(s.channel.acks).toEqual([]);
      const [[id, c]] = s.channel.completions as [[string, OrderCompletion]];
      expect(id).toBe("ord-x");
      expect(c.status).toBe("refused");
      expect(c.result).toEqual({ code });
      expect(c.error).toMatch(reason);
      expect(s.events[0]).toMatchObject({ type: "order-refused", details: { orderId: "ord-x", code } });
    },
  );

  test("a replayed nonce on another order is refused", async () => {
    const first = sampleOrder();
    const replay = sampleOrder({
      nonce: first.nonce,
      type: "run_runbook",
      params: { runbookId: "x", host: "h" },
    });
    s.channel.queue = [sign(first), sign(replay)];
    const outcomes = await s.processor.poll();
    expect(outcomes.map((o) => o.status)).toEqual(["succeeded", "refused"]);
    expect(outcomes[1]?.reason).toMatch(`nonce ${first.nonce} was already used by order ${first.id}`);
    expect(s.ran.map((o) => o.id)).toEqual([first.id]);
    expect(s.events[1]).toMatchObject({ type: "order-refused", details: { code: "replayed" } });
  });

  test("an envelope without a usable id is dropped with an event (nothing to report it against)", async () => {
    s.channel.queue = [{ nonsense: true }];
    expect(await s.processor.poll()).toMatchObject([{ status: "dropped" }]);
    expect(s.channel.completions).toEqual([]);
    expect(s.events[0]?.type).toBe("order-refused");
  });

  test("a redelivered finished order is answered again from the store, never rerun", async () => {
    const env = sign(sampleOrder());
    s.channel.queue = [env];
    s.channel.failComplete = true;
    await expect(s.processor.poll()).rejects.toThrow("cloud unreachable");
    expect(s.ran).toHaveLength(1);
    s.channel.failComplete = false;
    expect((await s.processor.poll())[0]?.status).toBe("resent");
    expect(s.ran).toHaveLength(1);
    expect(s.channel.completions[0]?.[1].status).toBe("succeeded");
  });

  test("seen nonces survive a restart (reopened database); an interrupted order is failed, not rerun", async () => {
    const path = join(dir, "restart.db");
    const never = new Promise<never>(() => {});
    const a = setup({ run_check: () => never }, path);
    const env = sign(sampleOrder());
    a.channel.queue = [env];
    // The agent "dies" while the action hangs; the orphaned poll then fails on the closed database.
    a.processor.poll().catch(() => {});
    await Bun.sleep(50);
    a.db.close();
    const b = setup({}, path);
    b.channel.queue = [env];
    const [outcome] = await b.processor.poll();
    expect(outcome?.status).toBe("failed");
    expect(outcome?.reason).toMatch(/agent stopped while running this order/);
    expect(b.ran).toEqual([]);
    // and a replay of its nonce by a new order is still refused after the restart
    b.channel.queue = [sign(sampleOrder({ nonce: (env.payload as Order).nonce }))];
    expect((await b.processor.poll())[0]?.status).toBe("refused");
  });

  test("an action that throws or hangs is completed as failed with its details", async () => {
    const f = setup({
      sync_rules: async () => {
        throw new OrderFailed("rule set signature rejected", { rulesVersion: 3 });
      },
      collect_diagnostics: () => new Promise(() => {}),
    });
    f.channel.queue = [
      sign(sampleOrder({ type: "sync_rules" })),
      sign(sampleOrder({ type: "collect_diagnostics" })),
    ];
    const out = await f.processor.poll();
    expect(out.map((o) => o.status)).toEqual(["failed", "failed"]);
    expect(f.channel.completions[0]?.[1]).toMatchObject({
      error: "rule set signature rejected",
      result: { rulesVersion: 3 },
    });
    expect(f.channel.completions[1]?.[1].error).toMatch(/did not finish within 0.5 s/);
  });

  test("expired nonces are pruned a week after expiry", () => {
    const now = new Date();
    s.nonces.claim("a".repeat(32), "o1", "h", new Date(now.getTime() - 8 * 24 * 3600_000), now);
    s.nonces.claim("b".repeat(32), "o2", "h", new Date(now.getTime() - 3600_000), now);
    expect(s.nonces.prune(now)).toBe(1);
    expect(s.nonces.count()).toBe(1);
  });
});
