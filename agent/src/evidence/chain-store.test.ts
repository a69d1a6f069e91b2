import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyChain } from "../../../protocol/chain.ts";
import type { EvidenceBundle } from "../../../protocol/evidence.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { openStateDb } from "../queue/db.ts";
import { Queue } from "../queue/queue.ts";
import { bundleKey, ChainStore } from "./chain-store.ts";
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
