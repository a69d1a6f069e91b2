/**
 * The agent's client, uploader and chain store against the real cloud app (cloud/src/app.ts on
 * PGlite), served on a loopback socket: the two sides of the protocol agree.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudClient } from "../../agent/src/cloud-client/client.ts";
import { drainQueue } from "../../agent/src/cloud-client/uploader.ts";
import { ChainStore } from "../../agent/src/evidence/chain-store.ts";
import { openStateDb } from "../../agent/src/queue/db.ts";
import { Queue } from "../../agent/src/queue/queue.ts";
import { makeTestCloud } from "../../cloud/src/testing/test-cloud.ts";
import { keyIdOf } from "../../protocol/sign.ts";
import { verifyEnvelope } from "../../protocol/signed.ts";
import { sampleCheckin, sampleFinding } from "../../protocol/testkit.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-real-cloud-"));
const cloud = await makeTestCloud();
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => cloud.app.fetch(req) });
afterAll(async () => {
  await server.stop(true);
  await cloud.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("agent ↔ real cloud app over loopback", async () => {
  await cloud.createSite("site-r");
  const appliance = await cloud.createAppliance("site-r", "app-r");
  const client = new CloudClient({
    baseUrl: `http://127.0.0.1:${server.port}`,
    apiKey: appliance.apiKey,
    timeoutMs: 10_000,
  });
  const queue = new Queue(openStateDb(join(dir, "state.db")), { maxBytes: 1e9 });
  const identity = { ...appliance.key, keyId: keyIdOf(appliance.key.publicKey) };
  const chain = new ChainStore(queue, { siteId: "site-r", applianceId: "app-r" }, identity);

  test("checkin is accepted and reports the cloud's chain position", async () => {
    const r = await client.checkin(sampleCheckin());
    expect(r.chainSeq).toBe(0);
    expect(r.protocolVersion).toBe(PROTOCOL_VERSION);
  });

  test("sync returns config and rules signed by the cloud key", async () => {
    const s = await client.sync();
    expect(verifyEnvelope(s.config, cloud.deps.keys.publicKey)).toEqual({ ok: true });
    expect(verifyEnvelope(s.rules, cloud.deps.keys.publicKey)).toEqual({ ok: true });
  });

  test("queued bundles drain into the cloud, in order, and a resend is idempotent", async () => {
    for (let i = 0; i < 5; i++) {
      const at = new Date().toISOString();
      chain.append({ kind: "check-cycle", createdAt: at, findings: [sampleFinding({ observedAt: at })] });
    }
    const r = await drainQueue(queue, client, chain, { batchSize: 2 });
    expect(r.stoppedBy).toBeUndefined();
    expect(r.delivered.evidence).toBe(5);
    expect(chain.cloudSeq()).toBe(5);
    // Sending bundle 5 again is answered as already stored.
    const again = await client.uploadEvidence(chain.bundlesAfter(4).map((b) => JSON.stringify(b)));
    expect(again.results).toEqual([{ seq: 5, status: "already-stored" }]);
    const after = await client.checkin(sampleCheckin({ chain: { seq: 5, head: chain.head().hash } }));
    expect(after.chainSeq).toBe(5);
  });

  test("a refused upload (a gap) is answered per bundle, and the uploader resends from the cloud's head", async () => {
    for (let i = 0; i < 3; i++) {
      const at = new Date().toISOString();
      chain.append({ kind: "check-cycle", createdAt: at, findings: [sampleFinding({ observedAt: at })] });
    }
    // Bundle 8 alone: the cloud holds 5, so 6–7 are missing.
    const gap = await client.uploadEvidence(chain.bundlesAfter(7).map((b) => JSON.stringify(b)));
    expect(gap.headSeq).toBe(5);
    expect(gap.results).toMatchObject([{ seq: 8, status: "rejected" }]);
    const r = await drainQueue(queue, client, chain, { batchSize: 10 });
    expect(r.stoppedBy).toBeUndefined();
    expect(chain.cloudSeq()).toBe(8);
  });

  test("a wrong API key is a typed 401", async () => {
    const bad = new CloudClient({
      baseUrl: `http://127.0.0.1:${server.port}`,
      apiKey: "nope",
      timeoutMs: 5_000,
    });
    await expect(bad.sync()).rejects.toMatchObject({ kind: "unauthorized", status: 401 });
  });
});
