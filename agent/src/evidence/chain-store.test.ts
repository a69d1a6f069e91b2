import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { verifyChain } from "../../../protocol/chain.ts";
import { buildBundle, bundleHash, type EvidenceBundle } from "../../../protocol/evidence.ts";
import { ChainHandedOver, ChainTakenOver } from "../../../protocol/handover.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { openStateDb } from "../queue/db.ts";
import { Queue } from "../queue/queue.ts";
import { bundleKey, ChainOwnerError, ChainStore, chainOwner } from "./chain-store.ts";
import { IdentityError, loadIdentity } from "./identity.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-chain-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ids = { siteId: "site-a", applianceId: "app-1" };
let n = 0;
function open(name = `s${++n}`) {
  const identity = loadIdentity(join(dir, `${name}.key`), { create: true });
  const queue = new Queue(openStateDb(join(dir, `${name}.db`)), { maxBytes: 1e9 });
  return { identity, queue, store: new ChainStore(queue, ids, identity), name };
}
const cycle = (store: ChainStore) => {
  const at = new Date().toISOString();
  return store.append({ kind: "check-cycle", createdAt: at, findings: [sampleFinding({ observedAt: at })] });
};
const queuedSeqs = (q: Queue) =>
  q.peek("evidence", 1e6).map((i) => (JSON.parse(i.payload) as EvidenceBundle).seq);

describe("identity key", () => {
  test("created once with mode 0600, then reused", () => {
    const p = join(dir, "id.key");
    const a = loadIdentity(p, { create: true });
    const b = loadIdentity(p, { create: true });
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.publicKey).toBe(a.publicKey);
    expect(a.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  test.each([
    ["world-readable", "ab".repeat(32), 0o644, /chmod 600/],
    ["not hex", "hello", 0o600, /64 hex characters/],
  ])("%s key is refused", (name, content, mode, msg) => {
    const p = join(dir, `${name}.key`);
    writeFileSync(p, content, { mode });
    chmodSync(p, mode);
    expect(() => loadIdentity(p, { create: true })).toThrow(IdentityError);
    expect(() => loadIdentity(p)).toThrow(msg);
  });

  test("missing without create names the file", () => {
    expect(() => loadIdentity(join(dir, "none.key"))).toThrow(/identity key .*none\.key: no such file/);
  });
});

describe("chain store", () => {
  test("append signs a chained bundle, archives it and enqueues it with its idempotency key", () => {
    const { store, queue, identity } = open();
    const bundles = [
      cycle(store),
      cycle(store),
      store.append({ kind: "event", createdAt: new Date().toISOString(), events: [] }),
    ];
    expect(bundles.map((b) => b.seq)).toEqual([1, 2, 3]);
    expect(store.head().seq).toBe(3);
    expect(verifyChain(bundles, [identity.publicKey]).ok).toBe(true);
    expect(queue.peek("evidence", 10).map((i) => i.key)).toEqual([1, 2, 3].map((s) => bundleKey("app-1", s)));
    expect(store.bundlesAfter(1).map((b) => b.seq)).toEqual([2, 3]);
  });

  test("a failed enqueue leaves neither archive nor head behind", () => {
    const { store, queue } = open();
    cycle(store);
    queue.db.run("CREATE TRIGGER boom BEFORE INSERT ON queue BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    expect(() => cycle(store)).toThrow(/disk full/);
    expect(store.head().seq).toBe(1);
    expect(store.bundlesAfter(0)).toHaveLength(1);
    queue.db.run("DROP TRIGGER boom");
    expect(cycle(store).seq).toBe(2);
  });

  test("reconcile: a cloud behind the queue gets everything after its head again, in order", () => {
    const { store, queue } = open();
    for (let i = 0; i < 6; i++) cycle(store);
    // Bundles 1–4 were delivered and acked; then the cloud lost 3–4 (restored from backup).
    queue.ack(queue.nextBatch("evidence", 4).map((i) => i.id));
    expect(queuedSeqs(queue)).toEqual([5, 6]);
    expect(store.reconcile(4)).toEqual({ requeued: 0 });
    expect(store.reconcile(2)).toEqual({ requeued: 2 });
    expect(queuedSeqs(queue)).toEqual([3, 4, 5, 6]);
    expect(store.reconcile(9).warning).toMatch(/cloud holds evidence up to #9 .* ends at #6/);
  });

  test("confirm prunes the archive beyond the keep window", () => {
    const { store } = open();
    for (let i = 0; i < 5; i++) cycle(store);
    store.confirm(4, 2);
    expect(store.cloudSeq()).toBe(4);
    expect(store.bundlesAfter(0).map((b) => b.seq)).toEqual([3, 4, 5]);
  });

  test("kill -9 mid-append: no gap, no fork, and the chain continues after restart", async () => {
    const { identity, name } = open();
    const dbPath = join(dir, `${name}.db`);
    const child = Bun.spawn(
      [process.execPath, join(import.meta.dir, "chain-writer.fixture.ts"), dbPath, join(dir, `${name}.key`)],
      { stdout: "pipe", stderr: "inherit" },
    );
    let acked = 0;
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      const lines = decoder.decode(chunk).split("\n").filter(Boolean);
      acked = Math.max(acked, ...lines.map(Number));
      if (acked >= 150) break;
    }
    child.kill("SIGKILL");
    await child.exited;

    const raw = new Database(dbPath);
    expect(raw.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    raw.close();
    const reopened = new ChainStore(new Queue(openStateDb(dbPath), { maxBytes: 1e9 }), ids, identity);
    const head = reopened.head();
    expect(head.seq).toBeGreaterThanOrEqual(acked);
    cycle(reopened);
    const all = reopened.bundlesAfter(0);
    expect(all.map((b) => b.seq)).toEqual(Array.from({ length: head.seq + 1 }, (_, i) => i + 1));
    const verdict = verifyChain(all, [identity.publicKey]);
    expect(verdict.ok).toBe(true);
  });
});

describe("identities and hand-over", () => {
  test("a state made before chains had owners keeps its chain and owner", () => {
    const path = join(dir, "legacy.db");
    const identity = loadIdentity(join(dir, "legacy.key"), { create: true });
    // Version 2 of the state database: one unnamed chain, as agents before hand-over kept it.
    const old = new Database(path, { create: true });
    old.run(
      "CREATE TABLE queue (id INTEGER PRIMARY KEY, stream TEXT NOT NULL, key TEXT NOT NULL UNIQUE, payload TEXT NOT NULL, bytes INTEGER NOT NULL, shed_rank INTEGER NOT NULL, created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL DEFAULT 0, last_error TEXT, dead INTEGER NOT NULL DEFAULT 0)",
    );
    old.run("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
    old.run(
      "CREATE TABLE evidence (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, bundle TEXT NOT NULL, created_at TEXT NOT NULL)",
    );
    let head = { seq: 0, hash: "" };
    for (let i = 0; i < 3; i++) {
      const at = new Date().toISOString();
      const b = buildBundle(ids, head, { kind: "event", createdAt: at, events: [] }, identity.secretKey);
      head = { seq: b.seq, hash: bundleHash(b) };
      old.query("INSERT INTO evidence VALUES (?, ?, ?, ?)").run(b.seq, head.hash, JSON.stringify(b), at);
    }
    old.query("INSERT INTO meta VALUES ('chain.head', ?)").run(JSON.stringify(head));
    old.run("PRAGMA user_version = 2");
    old.close();

    const queue = new Queue(openStateDb(path), { maxBytes: 1e9 });
    expect(chainOwner(queue.db)).toEqual(ids);
    const store = new ChainStore(queue, ids, identity);
    expect(store.bundlesAfter(0).map((b) => b.seq)).toEqual([1, 2, 3]);
    expect(cycle(store).seq).toBe(4);
    expect(verifyChain(store.bundlesAfter(0), [identity.publicKey]).ok).toBe(true);
    // Another identity's config may not extend this chain.
    const other = new ChainStore(queue, { siteId: "site-a", applianceId: "app-typo" }, identity);
    expect(() => cycle(other)).toThrow(ChainOwnerError);
    expect(() => other.assertOwner()).toThrow(
      /holds the evidence chain of appliance app-1 .* `malachor provision enroll`/,
    );
  });

  test("hand-over closes the old chain, opens the new one, and both verify with their keys", () => {
    const { store, queue, identity } = open();
    for (let i = 0; i < 4; i++) cycle(store);
    // The cloud delivered 1–2, and set #3 aside under the old identity.
    queue.ack(queue.nextBatch("evidence", 2).map((i) => i.id));
    store.confirm(2);
    queue.deadLetter([queue.nextBatch("evidence", 1)[0]!.id], "rejected: wrong-appliance");
    const next = loadIdentity(join(dir, "successor.key"), { create: true });
    const { closing, opening } = store.handOver(
      { siteId: "site-a", applianceId: "app-2", identity: next },
      new Date().toISOString(),
    );
    expect(closing).toMatchObject({ applianceId: "app-1", seq: 5, keyId: identity.keyId });
    expect(v.parse(ChainHandedOver, closing.events[0]!.details).successor).toMatchObject({
      applianceId: "app-2",
      publicKey: next.publicKey,
    });
    expect(opening).toMatchObject({ applianceId: "app-2", seq: 1, keyId: next.keyId });
    expect(v.parse(ChainTakenOver, opening.events[0]!.details).predecessor).toMatchObject({
      applianceId: "app-1",
      seq: 5,
      hash: bundleHash(closing),
    });
    expect(chainOwner(queue.db)).toEqual({ siteId: "site-a", applianceId: "app-2" });
    expect(store.handedOver()).toMatchObject([
      { applianceId: "app-1", headSeq: 5, successorId: "app-2", cloudSeq: 2 },
    ]);

    // Everything the cloud lacks goes up, old chain first (the set-aside #3 included), then the new one.
    expect(queue.peek("evidence", 10).map((i) => [i.key, i.dead])).toEqual([
      [bundleKey("app-1", 3), false],
      [bundleKey("app-1", 4), false],
      [bundleKey("app-1", 5), false],
      [bundleKey("app-2", 1), false],
    ]);
    const oldChain = store.bundlesAfter(0, 100, "app-1");
    const successor = new ChainStore(queue, { siteId: "site-a", applianceId: "app-2" }, next);
    cycle(successor);
    const newChain = successor.bundlesAfter(0);
    expect(newChain.map((b) => b.seq)).toEqual([1, 2]);
    expect(verifyChain([...oldChain, ...newChain], [identity.publicKey, next.publicKey])).toMatchObject({
      ok: true,
      heads: { "app-1": { seq: 5 }, "app-2": { seq: 2 } },
    });
    // The old identity can neither extend nor hand over its chain again.
    expect(() => cycle(store)).toThrow(/handed over to app-2 .* restart the agent/);
    expect(() => store.handOver({ siteId: "site-a", applianceId: "app-3", identity: next }, "")).toThrow(
      ChainOwnerError,
    );
    // Confirmations and resends are kept per chain: a cloud that lost #4–#5 of the old chain gets them again.
    queue.ack(queue.nextBatch("evidence", 3).map((i) => i.id));
    successor.confirm(5, 20_000, "app-1");
    expect([successor.cloudSeq("app-1"), successor.cloudSeq()]).toEqual([5, 0]);
    expect(successor.reconcile(3, "app-1")).toEqual({ requeued: 2 });
    expect(queue.peek("evidence", 10).map((i) => i.key)).toEqual([
      bundleKey("app-2", 1),
      bundleKey("app-2", 2),
      bundleKey("app-1", 4),
      bundleKey("app-1", 5),
    ]);
  });
});
