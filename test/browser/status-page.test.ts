import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalApi } from "../../agent/src/localapi/server.ts";
import { jsonLogger } from "../../agent/src/log/logger.ts";
import { openStateDb } from "../../agent/src/queue/db.ts";
import { Queue } from "../../agent/src/queue/queue.ts";
import { sampleStatusAt } from "../../agent/src/status/fixture.ts";
import type { StatusSnapshot } from "../../agent/src/status/snapshot.ts";
import { type Browser, chromiumPresent, launchBrowser } from "./browser.ts";

// The page as the daemon's local API serves it on the LAN bind address.
describe.skipIf(!chromiumPresent())("the appliance status page in Chromium", () => {
  let dir: string;
  let queue: Queue;
  let server: ReturnType<typeof startLocalApi>;
  let url: string;
  let snapshot: StatusSnapshot = sampleStatusAt(new Date());
  let b: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "malachor-status-page-"));
    queue = new Queue(openStateDb(join(dir, "state.db")), { maxBytes: 1e9 });
    server = startLocalApi(
      "127.0.0.1:0",
      {
        snapshot: () => snapshot,
        drain: async () => undefined,
        nudge: () => {},
        askSnapshot: () => {},
        queue,
      },
      jsonLogger({ level: "error", err: () => {} }),
    );
    url = `http://127.0.0.1:${server.port}/`;
    b = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await server?.stop(true);
    queue?.db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("clinic staff see health, per-check explanations and queue state", async () => {
    snapshot = sampleStatusAt(new Date());
    await b.page.goto(url);
    await expect(b.page.getByTestId("health").textContent()).resolves.toContain(
      "Working, with things to look at",
    );
    const rows = b.page.getByTestId("checks").locator("tbody tr");
    expect(await rows.count()).toBe(5);
    // Problems first, in plain words.
    await expect(rows.first().textContent()).resolves.toContain("Disk encryption");
    await expect(b.page.textContent("body")).resolves.toContain("Records waiting to send");
    // No scripts and no forms: the page is read-only.
    expect(await b.page.locator("script, form").count()).toBe(0);
    await b.shot("status-page");
  }, 60_000);

  test("a fresh appliance with nothing checked yet still renders a useful page", async () => {
    snapshot = sampleStatusAt(new Date(), {
      findings: [],
      lastCycle: null,
      lastSync: null,
      lastUpload: null,
      chain: { seq: 0, head: "0".repeat(64) },
    });
    await b.page.goto(url);
    await expect(b.page.textContent("body")).resolves.toContain("No checks have finished yet");
    await b.shot("status-page-empty");
  }, 60_000);

  test("an appliance that cannot reach the cloud says so in plain words", async () => {
    const now = new Date();
    snapshot = sampleStatusAt(now, {
      lastSync: {
        at: new Date(now.getTime() - 600_000).toISOString(),
        ok: false,
        error: "connect ECONNREFUSED",
      },
      queue: { depth: 42, bytes: 90_000, oldestAgeSec: 7_400 },
    });
    await b.page.goto(url);
    const health = await b.page.getByTestId("health").textContent();
    expect(health).toContain("cannot reach the cloud");
    expect(health).toContain("42 records are waiting");
    await b.shot("status-page-offline");
  }, 60_000);
});
