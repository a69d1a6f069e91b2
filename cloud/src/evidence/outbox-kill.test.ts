import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { sha256Hex } from "../../../protocol/hash.ts";
import { evidenceChain, evidenceOutbox } from "../db/schema/evidence.ts";
import { evidenceObjectText } from "../store/object-store.ts";
import { POSTGRES_AVAILABLE } from "../testing/each-db.ts";
import { makeTestCloud, type TestCloud } from "../testing/test-cloud.ts";
import { drainOutbox } from "./outbox.ts";

/** A real crash: a separate process draining the outbox is killed with SIGKILL mid-pass. */
describe.skipIf(!POSTGRES_AVAILABLE)("outbox drain killed with SIGKILL (Postgres)", () => {
  let c: TestCloud;
  let storeDir: string;
  beforeAll(async () => {
    c = await makeTestCloud({ db: "postgres" });
    // The test cloud's own directory store lives here; the child process writes to the same place.
    storeDir = join(c.dataDir, "objects");
  }, 60_000);
  afterAll(async () => {
    await c?.close();
  });

  test("after the kill, the next pass leaves every chain row with its exact object and an empty outbox", async () => {
    await c.createSite("site-k");
    const a = await c.createAppliance("site-k", "k1");
    const r = await a.upload(a.nextBundles(120));
    expect(r.status).toBe(200);
    const child = Bun.spawn(
      [process.execPath, join(import.meta.dir, "../testing/drain-child.ts"), c.databaseUrl!, storeDir],
      {
        stdout: "pipe",
        stderr: "inherit",
      },
    );
    // Kill once some objects are written, well before the pass can finish.
    const reader = child.stdout.getReader();
    let seen = 0;
    let text = "";
    while (seen < 20) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      seen = text.split("\n").filter((l) => l.startsWith("put ")).length;
    }
    child.kill("SIGKILL");
    await child.exited;
    expect(text).not.toContain("done");
    const left = Number(
      (await c.deps.db.select({ n: sql<number>`count(*)::int` }).from(evidenceOutbox))[0]!.n,
    );
    expect(left).toBeGreaterThan(0);

    const report = await drainOutbox(c.deps);
    expect(report.failed).toBe(0);
    expect(report.written + report.alreadyPresent).toBe(left);
    expect(
      Number((await c.deps.db.select({ n: sql<number>`count(*)::int` }).from(evidenceOutbox))[0]!.n),
    ).toBe(0);
    const rows = await c.deps.db.select().from(evidenceChain);
    expect(rows).toHaveLength(120);
    for (const row of rows) {
      expect(sha256Hex(evidenceObjectText(row.objectKey, (await c.deps.store.get(row.objectKey))!))).toBe(
        row.hash,
      );
    }
  }, 60_000);
});
