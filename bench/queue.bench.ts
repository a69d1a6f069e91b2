/**
 * Offline queue durable enqueue throughput (agent/src/queue), one per transaction and batched,
 * beside the raw bun:sqlite ceiling measured in the same run (WAL + synchronous=FULL, same disk).
 * Targets: ≥ 6,000 events/s one by one, ≥ 150,000 events/s batched.
 */
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStateDb } from "../agent/src/queue/db.ts";
import { type EnqueueItem, Queue } from "../agent/src/queue/queue.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-bench-queue-"));
const payload = JSON.stringify({
  checkId: "windows.defender",
  host: "FRONTDESK-01",
  status: "fail",
  pad: "x".repeat(180),
});
const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
const fmt = (n: number) => n.toLocaleString("en-US");

// Ceiling: the same pragmas, a bare table, nothing else.
const raw = new Database(join(dir, "raw.db"), { create: true });
raw.run("PRAGMA journal_mode = WAL");
raw.run("PRAGMA synchronous = FULL");
raw.run("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)");
const ins = raw.prepare("INSERT INTO t (payload) VALUES (?)");
const single = 3_000;
let t = performance.now();
for (let i = 0; i < single; i++) ins.run(payload);
const rawSingle = rate(single, performance.now() - t);
const rawBatch = raw.transaction((n: number) => {
  for (let i = 0; i < n; i++) ins.run(payload);
});
const batches = 100;
const size = 1_000;
t = performance.now();
for (let b = 0; b < batches; b++) rawBatch(size);
const rawBatched = rate(batches * size, performance.now() - t);
raw.close();

const queue = new Queue(openStateDb(join(dir, "state.db")), { maxBytes: 10_000_000_000 });
let k = 0;
const item = (): EnqueueItem => ({ stream: "evidence", key: `k${++k}`, payload });
t = performance.now();
for (let i = 0; i < single; i++) queue.enqueue(item());
const qSingle = rate(single, performance.now() - t);
t = performance.now();
for (let b = 0; b < batches; b++) queue.enqueueMany(Array.from({ length: size }, item));
const qBatched = rate(batches * size, performance.now() - t);
if (queue.stats().depth !== single + batches * size) throw new Error("queue lost items");
queue.db.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `queue enqueue, one per transaction: ${fmt(qSingle)} events/s (target ≥ 6,000; raw bun:sqlite ceiling ${fmt(rawSingle)}/s)`,
);
console.log(
  `queue enqueue, ${size} per transaction: ${fmt(qBatched)} events/s (target ≥ 150,000; raw bun:sqlite ceiling ${fmt(rawBatched)}/s)`,
);
