/**
 * Issue #20 item 3, the appliance's side: the real daemon keeps the last checkpoint of its site's
 * log it verified and, at each cloud step, checks the cloud's newest one against it over a real
 * socket. The cloud's log view is served by real cloud apps: the honest one, one restored from an
 * older state (rolled back), one with another history under the same key (forked) and one signing
 * with a key the appliance does not trust (mis-signed).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../agent/src/cli/testing.ts";
import { CloudClient } from "../../agent/src/cloud-client/client.ts";
import { loadConfig } from "../../agent/src/config/load.ts";
import { writeSecretFile } from "../../agent/src/config/secret.ts";
import { testDaemon } from "../../agent/src/daemon/daemon.fixture.ts";
import { LogWatch } from "../../agent/src/evidence/log-watch.ts";
import { freshCloudKeys } from "../../cloud/src/keys/cloud-keys.ts";
import { makeTestCloud, type TestCloud } from "../../cloud/src/testing/test-cloud.ts";
import { AGENT_API } from "../../protocol/api.ts";

const PUBLIC_URL = "https://cloud.example";
const SITE = "clinic-log";
const dir = mkdtempSync(join(tmpdir(), "malachor-log-watch-"));
const keys = freshCloudKeys();
let honest: TestCloud;
let admin: string;
/** Who serves GET /agent/tlog (with that cloud's API key for the appliance); null: the honest cloud. */
let logFrom: { cloud: TestCloud; apiKey: string } | null = null;
let server: ReturnType<typeof Bun.serve>;

/** A cloud with the same site and public URL whose log holds `leaves` bundles, checkpointed. */
async function otherCloud(leaves: number, cloudKeys = keys) {
  const cloud = await makeTestCloud({ keys: cloudKeys, config: { publicUrl: PUBLIC_URL } });
  await cloud.createSite(SITE);
  const a = await cloud.createAppliance(SITE);
  const up = await cloud.call("POST", AGENT_API.evidence, {
    bearer: a.apiKey,
    body: { bundles: a.nextBundles(leaves) },
  });
  if (up.status !== 200) throw new Error(`upload: ${up.status} ${await up.text()}`);
  await checkpoint(cloud, await cloud.adminToken("msp-admin"));
  return { cloud, apiKey: a.apiKey };
}

async function checkpoint(cloud: TestCloud, token: string) {
  const r = await cloud.call("POST", `/api/sites/${SITE}/tlog/checkpoints`, { bearer: token, body: {} });
  if (r.status !== 201) throw new Error(`checkpoint: ${r.status} ${await r.text()}`);
}

beforeAll(async () => {
  honest = await makeTestCloud({ keys, config: { publicUrl: PUBLIC_URL } });
  await honest.createSite(SITE);
  admin = await honest.adminToken("msp-admin");
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, srv) {
      const url = new URL(req.url);
      if (logFrom && url.pathname === AGENT_API.tlog) {
        const headers = new Headers(req.headers);
        headers.set("authorization", `Bearer ${logFrom.apiKey}`);
        return logFrom.cloud.app.fetch(new Request(req.url, { headers }), srv);
      }
      return honest.app.fetch(req, srv);
    },
  });
});

afterAll(async () => {
  server.stop(true);
  await honest.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
/** A real daemon enrolled in the honest cloud, its identity key the one the cloud registered. */
async function appliance() {
  const a = await honest.createAppliance(SITE);
  const sub = join(dir, `a${++n}`);
  mkdirSync(sub, { recursive: true });
  writeSecretFile(join(sub, "identity.key"), `${a.key.secretKey}\n`);
  writeSecretFile(join(sub, "api-key"), `${a.apiKey}\n`);
  const url = `http://127.0.0.1:${server.port}`;
  const configPath = join(sub, "config.toml");
  writeFileSync(
    configPath,
    `[cloud]\nurl = "${url}"\napi_key_file = "api-key"\npublic_key = "${keys.publicKey}"\n` +
      `[appliance]\nsite_id = "${SITE}"\nappliance_id = "${a.applianceId}"\nstate_dir = "state"\nidentity_key_file = "identity.key"\n`,
  );
  const config = loadConfig(configPath);
  const { d, state, chain } = testDaemon(config, {
    client: new CloudClient({ baseUrl: url, apiKey: a.apiKey }),
  });
  const watch = new LogWatch(state.db, SITE);
  /** One cycle (a bundle) and one cloud step (upload, then the log check). */
  const step = async () => {
    await d.runCycle();
    await d.cloudStep();
  };
  return { d, state, chain, watch, step, configPath, sub };
}

/** An appliance whose kept checkpoint is the honest cloud's, after two checkpoints it verified. */
async function keptHonestly() {
  const x = await appliance();
  await x.step();
  await checkpoint(honest, admin);
  await x.step();
  const first = x.watch.kept();
  expect(first).not.toBeNull();
  await x.step();
  await checkpoint(honest, admin);
  await x.step();
  const second = x.watch.kept()!;
  expect(second.size).toBeGreaterThan(first!.size);
  return x;
}

test("an honest cloud: no finding, no warning, the kept checkpoint advances", async () => {
  const x = await keptHonestly();
  const findings = await x.d.runCycle();
  expect(findings.find((f) => f.checkId === "agent.cloud-log")).toMatchObject({
    status: "pass",
    severity: "critical",
  });
  expect(x.d.snapshot().warnings.map((w) => w.code)).not.toContain("cloud-log-broken");
  const events = x.chain.bundlesAfter(0).flatMap((b) => b.events.map((e) => e.type));
  expect(events).not.toContain("cloud-log-broken");
  // Without an alarm, confirmed bundles past the kept number are forgotten as usual.
  const head = x.chain.head().seq;
  x.chain.confirm(head, 0);
  expect(x.chain.bundlesAfter(0)).toHaveLength(0);
  await x.d.stop();
});

describe("a cloud whose history stops extending what the appliance saw", () => {
  const cases: [string, () => Promise<{ cloud: TestCloud; apiKey: string }>, string, RegExp][] = [
    [
      "rolled back (restored from an older state)",
      () => otherCloud(1),
      "rolled-back",
      /went back from \d+ leaves/,
    ],
    ["forked (another history under the same key)", () => otherCloud(80), "forked", /forked/],
    [
      "mis-signed (a key the appliance does not trust)",
      () => otherCloud(80, freshCloudKeys()),
      "bad-checkpoint",
      /no signature by/,
    ],
  ];
  for (const [name, bad, kind, message] of cases) {
    test(`${name}: detected, named, in the chain, a status warning, evidence kept`, async () => {
      const x = await keptHonestly();
      const kept = x.watch.kept()!;
      const other = await bad();
      logFrom = other;
      try {
        await x.step();
        await x.step(); // the same break seen again is one alarm, not two
      } finally {
        logFrom = null;
      }
      const alarm = x.watch.alarm();
      expect(alarm).toMatchObject({ kind, keptSize: kept.size, keptRoot: kept.root });
      expect(alarm!.message).toMatch(message);
      // The kept checkpoint stays the last good one.
      expect(x.watch.kept()).toEqual(kept);

      // A status warning naming the break, and a failing critical finding in the signed chain.
      const warning = x.d.snapshot().warnings.find((w) => w.code === "cloud-log-broken");
      expect(warning?.message).toContain(kind);
      const bundles = x.chain.bundlesAfter(0);
      const events = bundles.flatMap((b) => b.events).filter((e) => e.type === "cloud-log-broken");
      expect(events).toHaveLength(1);
      expect(events[0]!.details).toMatchObject({ kind, keptSize: kept.size, keptRoot: kept.root });
      const last = bundles[bundles.length - 1]!;
      expect(last.findings.find((f) => f.checkId === "agent.cloud-log")).toMatchObject({
        status: "fail",
        severity: "critical",
      });

      // The appliance keeps its own copy: a confirm that would forget every confirmed bundle forgets none.
      await x.d.runCycle();
      const head = x.chain.head().seq;
      x.chain.confirm(head, 0);
      expect(x.chain.bundlesAfter(0).map((b) => b.seq)).toEqual(
        Array.from({ length: head }, (_, i) => i + 1),
      );

      // Its own copy exported verifies with the CLI's verdict of record.
      const out = join(x.sub, "own-copy.jsonl");
      const exported = await runCli(["evidence", "export", "--out", out, "--config", x.configPath]);
      expect(exported.code).toBe(0);
      const verdict = await runCli(["evidence", "verify", out, "--pubkey", `${out}.keys`]);
      expect(verdict.out).toContain(`OK: ${head} bundles verified`);

      // Back on the honest cloud, the alarm stands until a technician clears it.
      await x.step();
      expect(x.watch.alarm()?.kind).toBe(kind);
      expect((await runCli(["evidence", "alarm", "show", "--config", x.configPath])).code).toBe(1);
      expect((await runCli(["evidence", "alarm", "clear", "--config", x.configPath])).out).toBe(
        "1 alarm(s) cleared",
      );
      // Cleared, the next look pins the honest cloud's log afresh.
      await x.step();
      expect(x.watch.alarm()).toBeUndefined();
      expect(x.watch.kept()!.size).toBeGreaterThan(0);
      await x.d.stop();
      await other.cloud.close();
    });
  }
});
