import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsonLogger } from "../log/logger.ts";
import { openStateDb } from "../queue/db.ts";
import { Queue } from "../queue/queue.ts";
import { sampleStatus } from "../status/fixture.ts";
import { localApiUrl, localClient } from "./client.ts";
import { isLoopback, startLocalApi } from "./server.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-localapi-"));
const queue = new Queue(openStateDb(join(dir, "state.db")), { maxBytes: 1e9 });
queue.enqueueMany([
  { stream: "evidence", key: "e1", payload: "{}" },
  { stream: "telemetry", key: "t1", payload: "{}" },
]);
let nudged = 0;
let snapshots = 0;
const server = startLocalApi(
  "127.0.0.1:0",
  {
    snapshot: () => sampleStatus(),
    drain: async () => undefined,
    nudge: () => nudged++,
    askSnapshot: () => snapshots++,
    queue,
  },
  jsonLogger({ level: "error", err: () => {} }),
);
const base = `http://127.0.0.1:${server.port}`;
const client = localClient(`127.0.0.1:${server.port}`);
afterAll(async () => {
  await server.stop(true);
  queue.db.close();
  rmSync(dir, { recursive: true, force: true });
});

test("status and queue through the client", async () => {
  expect((await client.status()).applianceId).toBe(sampleStatus().applianceId);
  const q = await client.queue("telemetry", 5);
  expect(q.items.map((i) => i.key)).toEqual(["t1"]);
  expect(q.stats.depth).toBe(2);
});

test("flush without a cloud says so; cycle nudges the daemon", async () => {
  const f = await client.flush();
  expect(f.cloud).toBe(false);
  expect(f.stoppedBy).toMatch(/offline/);
  expect((await fetch(`${base}/api/cycle`, { method: "POST" })).status).toBe(202);
  expect([nudged, snapshots]).toEqual([1, 0]);
  expect((await fetch(`${base}/api/cycle?snapshot=1`, { method: "POST" })).status).toBe(202);
  expect([nudged, snapshots]).toEqual([2, 1]);
});

test.each([
  ["GET", "/api/nope", 404],
  ["POST", "/api/status", 405],
  ["GET", "/api/queue/flush", 405],
  ["GET", "/api/queue?stream=bogus", 400],
])("%s %s → %i", async (method, path, status) => {
  expect((await fetch(`${base}${path}`, { method })).status).toBe(status);
});

test.each([
  ["127.0.0.1", true],
  ["127.8.9.10", true],
  ["::1", true],
  ["::ffff:127.0.0.1", true],
  ["192.168.1.20", false],
  ["fe80::1", false],
  [undefined, false],
])("isLoopback(%p) = %p", (ip, want) => expect(isLoopback(ip)).toBe(want));

test.each([
  ["0.0.0.0:8710", "http://127.0.0.1:8710"],
  ["[::]:8710", "http://[::1]:8710"],
  ["192.168.1.5:80", "http://192.168.1.5:80"],
  ["[fd00::5]:8710", "http://[fd00::5]:8710"],
])("localApiUrl(%s)", (bind, url) => expect(localApiUrl(bind)).toBe(url));

test("a daemon that is not running is DaemonUnavailable", async () => {
  await expect(localClient("127.0.0.1:9").status()).rejects.toMatchObject({ name: "DaemonUnavailable" });
});
