import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backoffDelay } from "./backoff.ts";
import { openStateDb } from "./db.ts";
import { type EnqueueItem, Queue, ROW_OVERHEAD_BYTES } from "./queue.ts";

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function setup(maxBytes = 10_000_000) {
  const dir = mkdtempSync(join(tmpdir(), "malachor-queue-"));
  dirs.push(dir);
  const clock = { t: 1_000_000 };
  const path = join(dir, "state.db");
  const db = openStateDb(path);
  const q = new Queue(db, { maxBytes, now: () => clock.t, random: () => 0.5 });
  return { q, db, clock, path };
}
const item = (key: string, stream: EnqueueItem["stream"] = "evidence", payload = "{}"): EnqueueItem => ({
  stream,
  key,
  payload,
});

describe("queue", () => {
  test("the database runs in WAL with synchronous=FULL", () => {
    const { db } = setup();
    expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.query("PRAGMA synchronous").get()).toEqual({ synchronous: 2 });
  });

  test("FIFO per stream, delivery by batch, ack removes", () => {
    const { q } = setup();
    q.enqueueMany(["a", "b", "c"].map((k) => item(k)));
    q.enqueue(item("t1", "telemetry"));
    const batch = q.nextBatch("evidence", 2);
    expect(batch.map((i) => i.key)).toEqual(["a", "b"]);
    q.ack(batch.map((i) => i.id));
    expect(q.nextBatch("evidence", 10).map((i) => i.key)).toEqual(["c"]);
    expect(q.nextBatch("telemetry", 10).map((i) => i.key)).toEqual(["t1"]);
    expect(q.stats().depth).toBe(2);
  });

  test("idempotency key: a second enqueue is a duplicate, not a second row", () => {
    const { q } = setup();
    const first = q.enqueue(item("same"));
    const again = q.enqueue(item("same", "evidence", '{"other":1}'));
    expect(first).toMatchObject({ accepted: true, duplicate: false });
    expect(again).toMatchObject({ accepted: true, duplicate: true });
    expect(again.accepted && first.accepted && again.id === first.id).toBe(true);
    expect(q.stats().depth).toBe(1);
  });

  test("failure backs off exponentially and the head holds back its stream", () => {
    const { q, clock } = setup();
    q.enqueueMany([item("a"), item("b")]);
    const [a] = q.nextBatch("evidence", 1);
    q.fail([a!.id], "cloud unreachable");
    expect(q.nextBatch("evidence", 10)).toEqual([]); // b must not overtake a
    clock.t += backoffDelay(1, undefined, () => 0.5);
    expect(q.nextBatch("evidence", 10).map((i) => i.key)).toEqual(["a", "b"]);
    q.fail([a!.id], "again");
    const waiting = q.stats().streams.evidence;
    expect(waiting.maxAttempts).toBe(2);
    expect(waiting.nextAttemptInSec).toBe(Math.ceil(backoffDelay(2, undefined, () => 0.5) / 1000));
  });

  test("Retry-After wins over a shorter backoff; flush makes everything due", () => {
    const { q, clock } = setup();
    q.enqueue(item("a"));
    q.fail([q.nextBatch("evidence", 1)[0]!.id], "429", 60_000);
    clock.t += 30_000;
    expect(q.nextBatch("evidence", 1)).toEqual([]);
    expect(q.resetBackoff()).toBe(1);
    expect(q.nextBatch("evidence", 1)).toHaveLength(1);
  });

  test.each([
    [1, 1_000, 2_000],
    [2, 2_000, 4_000],
    [5, 16_000, 32_000],
    [30, 450_000, 900_000],
  ])("backoff after %i failures lies in [%i, %i] ms", (attempts, lo, hi) => {
    for (const r of [0, 0.3, 0.999]) {
      const d = backoffDelay(attempts, undefined, () => r);
      expect(d).toBeGreaterThanOrEqual(lo);
      expect(d).toBeLessThanOrEqual(hi);
    }
  });

  test("bound: telemetry is shed first, oldest first; evidence is never dropped", () => {
    const row = 100 + ROW_OVERHEAD_BYTES + 2; // payload + overhead + 2-char key
    const { q } = setup(row * 10);
    const pad = "x".repeat(100);
    q.enqueueMany(Array.from({ length: 4 }, (_, i) => item(`t${i}`, "telemetry", pad)));
    q.enqueueMany(Array.from({ length: 2 }, (_, i) => item(`i${i}`, "incidents", pad)));
    q.enqueueMany(Array.from({ length: 4 }, (_, i) => item(`e${i}`, "evidence", pad)));
    expect(q.stats().nearBound).toBe(true);
    // Full: new evidence pushes out the oldest telemetry.
    q.enqueue(item("e4", "evidence", pad));
    let s = q.stats();
    expect(s.streams.telemetry.depth).toBe(3);
    expect(s.streams.telemetry.shed).toBe(1);
    expect(q.peek("telemetry", 10)[0]!.key).toBe("t1");
    // New telemetry cannot push out incidents or evidence once telemetry is gone.
    q.enqueueMany(["e5", "e6", "e7"].map((k) => item(k, "evidence", pad)));
    expect(q.enqueue(item("t9", "telemetry", pad))).toMatchObject({ accepted: false });
    // Incidents shed before evidence; evidence then goes over the bound rather than being lost.
    const over = q.enqueueMany(["e8", "e9", "f0"].map((k) => item(k, "evidence", pad)));
    s = q.stats();
    expect(s.streams.incidents.depth).toBe(0);
    expect(s.streams.evidence.depth).toBe(11);
    expect(over.at(-1)).toMatchObject({ accepted: true, overBound: true });
    expect(s.bytes).toBeGreaterThan(s.maxBytes);
  });

  test("escrow is never shed and its payloads are withheld from peek, not from delivery", () => {
    const row = 100 + ROW_OVERHEAD_BYTES + 2;
    const { q } = setup(row * 4);
    const secret = "1".repeat(100);
    q.enqueueMany(Array.from({ length: 3 }, (_, i) => item(`t${i}`, "telemetry", secret)));
    q.enqueueMany(Array.from({ length: 6 }, (_, i) => item(`k${i}`, "escrow", secret)));
    const s = q.stats();
    expect(s.streams.escrow.depth).toBe(6);
    expect(s.streams.escrow.shed).toBe(0);
    expect(s.streams.telemetry.depth).toBe(0);
    expect(JSON.stringify(q.peek(undefined, 20))).not.toContain(secret);
    expect(q.peek("escrow", 1)[0]!.payload).toMatch(/withheld/);
    expect(q.nextBatch("escrow", 1)[0]!.payload).toBe(secret);
  });

  test("dead-lettered items are kept but no longer block the stream", () => {
    const { q } = setup();
    q.enqueueMany([item("a"), item("b")]);
    q.deadLetter([q.nextBatch("evidence", 1)[0]!.id], "rejected: bad signature");
    expect(q.nextBatch("evidence", 5).map((i) => i.key)).toEqual(["b"]);
    expect(q.stats().streams.evidence.dead).toBe(1);
    expect(q.peek(undefined, 5).map((i) => [i.key, i.dead])).toEqual([
      ["a", true],
      ["b", false],
    ]);
  });

  test("state survives reopening; unknown streams are refused", () => {
    const { q, db, path } = setup();
    q.enqueue(item("a"));
    db.close();
    const q2 = new Queue(openStateDb(path), { maxBytes: 1e7 });
    expect(q2.peek(undefined, 5).map((i) => i.key)).toEqual(["a"]);
    expect(() => q2.enqueue({ stream: "bogus" as "evidence", key: "x", payload: "" })).toThrow(
      /unknown stream/,
    );
  });
});

test("processes opening a fresh database at the same moment migrate it once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "malachor-migrate-"));
  dirs.push(dir);
  const path = join(dir, "state.db");
  const script = `import { openStateDb } from ${JSON.stringify(join(import.meta.dir, "db.ts"))};\nopenStateDb(process.argv[2]).close();\n`;
  const file = join(dir, "open.ts");
  await Bun.write(file, script);
  const procs = Array.from({ length: 6 }, () =>
    Bun.spawn([process.execPath, file, path], { stderr: "pipe" }),
  );
  const codes = await Promise.all(procs.map((p) => p.exited));
  const errors = await Promise.all(procs.map((p) => new Response(p.stderr).text()));
  expect({ codes, errors: errors.filter(Boolean) }).toEqual({ codes: [0, 0, 0, 0, 0, 0], errors: [] });
  const db = openStateDb(path);
  // As many steps as a fresh in-memory database gets: every one applied, each once.
  const fresh = openStateDb(":memory:");
  const steps = fresh.query("PRAGMA user_version").get();
  fresh.close();
  expect(db.query("PRAGMA user_version").get()).toEqual(steps);
  db.close();
});
