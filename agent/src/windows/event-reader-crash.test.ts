/**
 * The event-log bookmark survives kill -9 of the reader: a child process reads in small batches and
 * is killed mid-read; reading on from the same state DB then brings every remaining event exactly
 * once, and no event is ever stored or reported twice.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeEvents } from "../../../test/winrm-server/events.ts";
import { startWinRmServer, type WinRmServer } from "../../../test/winrm-server/server.ts";
import { openStateDb } from "../queue/db.ts";
import { WinRmExecutor } from "../runbooks/winrm-executor.ts";
import { WinRmClient } from "../winrm/client.ts";
import { readEvents } from "./event-reader.ts";

let server: WinRmServer;
let dir: string;
beforeAll(async () => {
  server = await startWinRmServer({ user: "svc", password: "pw" });
  dir = mkdtempSync(join(tmpdir(), "malachor-evt-crash-"));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test("kill -9 mid-read: no event counted twice, none skipped", { timeout: 120_000 }, async () => {
  const path = join(dir, "state.db");
  const client = new WinRmClient({
    host: "127.0.0.1",
    port: server.port,
    auth: { scheme: "ntlm", user: "svc", password: "pw" },
  });
  const executor = new WinRmExecutor(client, "CLINIC-FS01");
  const db = openStateDb(path);
  await readEvents(db, executor); // first contact: the bookmark starts at the (empty) log's end
  const total = 600;
  writeEvents(
    server.state.events.Security!,
    Array.from({ length: total }, (_, i) => ({
      id: 4625,
      provider: "x",
      data: Array(20)
        .fill("-")
        .concat([`10.0.${i % 7}.1`]),
    })),
  );
  const child = Bun.spawn(
    [process.execPath, join(import.meta.dir, "event-reader-crash.fixture.ts"), path, String(server.port)],
    {
      stdout: "pipe",
      stderr: "inherit",
    },
  );
  const seenByChild: number[] = [];
  const reader = child.stdout.getReader();
  let text = "";
  while (seenByChild.length < 100) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    const lines = text.split("\n");
    text = lines.pop() ?? "";
    for (const l of lines) seenByChild.push(...l.split(" ").filter(Boolean).map(Number));
  }
  child.kill("SIGKILL");
  await child.exited;
  expect(seenByChild.length).toBeGreaterThanOrEqual(100);
  expect(seenByChild.length).toBeLessThan(total);

  const storedBefore = db.query<{ n: number }, []>("SELECT count(*) AS n FROM winevt_event").get()!.n;
  const rest = await readEvents(db, executor, { maxEvents: 100 });
  const rows = db
    .query<{ record_id: number }, []>("SELECT record_id FROM winevt_event ORDER BY record_id")
    .all();
  // Every event stored exactly once, in one piece…
  expect(rows.map((r) => r.record_id)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  // …and what the restarted reader reports is exactly what the killed one had not stored.
  expect(rest.events.length).toBe(total - storedBefore);
  expect(new Set([...seenByChild, ...rest.events.map((e) => e.recordId)]).size).toBe(
    seenByChild.length + rest.events.length,
  );
  expect((await readEvents(db, executor)).events).toEqual([]);
  db.close();
  await client.close();
});
