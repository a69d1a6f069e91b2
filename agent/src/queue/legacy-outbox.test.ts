import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStateDb } from "./db.ts";
import { adoptLegacyOutbox } from "./legacy-outbox.ts";
import { Queue } from "./queue.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-legacy-outbox-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = (n: number) => ({
  host: "CLINIC-FS01",
  volume: "C:",
  protectorId: `{6A1B2C3D-4E5F-4A7B-8C9D-0E1F2A3B4C5${n}}`,
  recoveryPassword: "111111-222222-333333-444444-555555-666666-777777-888888",
});

test("pending posts and escrow-pending files of an older version move into the queue once", () => {
  const db = openStateDb(join(dir, "state.db"));
  const queue = new Queue(db, { maxBytes: 1e7 });
  db.run("CREATE TABLE heal_state (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
  db.query("INSERT INTO heal_state (name, value) VALUES ('cloud.pending-posts', ?)").run(
    JSON.stringify([
      { path: "/agent/escrow", body: key(1) },
      { path: "/agent/plan/plan-9/outcome", body: { outcome: "fixed", receiptId: "rcpt-1" } },
    ]),
  );
  mkdirSync(join(dir, "escrow-pending"));
  const file = join(dir, "escrow-pending", "a.json");
  writeFileSync(file, JSON.stringify(key(2)));
  const junk = join(dir, "escrow-pending", "b.json");
  writeFileSync(junk, "{not json");

  const r = adoptLegacyOutbox(db, queue, dir);
  expect(r).toEqual({ adopted: 3, unreadable: [junk] });
  expect(queue.nextBatch("escrow", 10).map((i) => JSON.parse(i.payload).protectorId)).toEqual([
    key(1).protectorId,
    key(2).protectorId,
  ]);
  expect(JSON.parse(queue.nextBatch("plan-outcomes", 1)[0]!.payload)).toEqual({
    planId: "plan-9",
    outcome: { outcome: "fixed", receiptId: "rcpt-1" },
  });
  expect(db.query("SELECT * FROM heal_state").all()).toEqual([]);
  expect(existsSync(file)).toBe(false);
  expect(existsSync(junk)).toBe(true);
  // A second start finds nothing new and enqueues nothing twice.
  expect(adoptLegacyOutbox(db, queue, dir).adopted).toBe(0);
  expect(queue.stats().depth).toBe(3);
  db.close();
});

test("a fresh state database (no heal_state, no folder) adopts nothing", () => {
  const db = openStateDb(":memory:");
  expect(adoptLegacyOutbox(db, new Queue(db, { maxBytes: 1e7 }), join(dir, "none"))).toEqual({
    adopted: 0,
    unreadable: [],
  });
});
