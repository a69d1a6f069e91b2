/**
 * A fleet of appliances against TWO cloud instances (separate `cloud/src/main.ts` processes, each on
 * its own loopback port, requests dealt round-robin as a balancer would) on the machine's Postgres.
 * Each simulated cycle is what a real appliance's cloud step sends: a check-in (with its signed
 * chain head) and then the upload of the v2 change bundle that cycle produced (built by the
 * agent's change encoder, signed, chained). Open-loop load at stepped offered rates (fleet =
 * rate × 60 s cadence); per step: sustained cycles/s, p50/p99 of check-in and upload, CPU per
 * instance, Postgres backends' CPU and connections (pg_stat_activity), and the load generator's own
 * CPU and send lag. Then the largest fleet at which p99 ≤ 50 ms holds, a ceiling measured on the
 * same instances (an authenticated near-no-op route, closed loop), and where the instances' CPU
 * went (Bun's --cpu-prof). Target: 100,000 appliances (1,667 cycles/s) with p99 ≤ 50 ms.
 *
 * `bun bench/cloud-fleet.bench.ts [--quick] [--fleet N]` (quick: 10,000 seeded appliances, short
 * steps; --fleet seeds N);
 * FLEET_PROFILES=<dir> keeps the instances' .cpuprofile files.
 * Every appliance uploads a bundle every cycle here, an upper bound: the change encoder sends
 * nothing for a quiet cycle (see agent/src/evidence/change-encoder.ts).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import { encodeCycle } from "../agent/src/evidence/change-encoder.ts";
import { registerAppliance } from "../cloud/src/appliances/register.ts";
import { API_KEY_PREFIX, hashSecret, newSecret } from "../cloud/src/auth/secrets.ts";
import { openDb } from "../cloud/src/db/client.ts";
import { apiKeys, applianceKeys, appliances } from "../cloud/src/db/schema/appliances.ts";
import { sites } from "../cloud/src/db/schema/sites.ts";
import { percentile } from "../cloud/src/testing/bench-cloud.ts";
import { createTestDatabase, POSTGRES_ADMIN_URL, postgresReachable } from "../cloud/src/testing/postgres.ts";
import { AGENT_API } from "../protocol/api.ts";
import { signChainHead } from "../protocol/chain-heads.ts";
import { buildBundle, bundleHash, GENESIS_HASH } from "../protocol/evidence.ts";
import type { Finding } from "../protocol/finding.ts";
import { keyIdOf, publicKeyOf } from "../protocol/sign.ts";
import { stateOf } from "../protocol/state.ts";
import { DEFAULT_SITE_CONFIG } from "../protocol/sync.ts";
import { sampleCheckin, sampleFinding } from "../protocol/testkit.ts";
import { type CloudProcess, cpuByPid, startCloudProcess } from "./cloud-process.ts";
import { type StageRule, summarizeCpuProfile } from "./cpu-profile.ts";

const QUICK = process.argv.includes("--quick");
const fleetArg = process.argv.indexOf("--fleet");
const FLEET = fleetArg > 0 ? Number(process.argv[fleetArg + 1]) : QUICK ? 10_000 : 100_000;
const TARGET_RATE = 1_667;
const STEP_SEC = QUICK ? 4 : 12;
const WARMUP_SEC = QUICK ? 4 : 15;
const RATES = QUICK ? [50, 100, 200, 400] : [100, 200, 300, 400, 600, 800, 1_200, TARGET_RATE];
const P99_MS = 50;
const REQUEST_TIMEOUT_MS = 10_000;
const CEILING_CONCURRENCY = 64;
/** Connections per instance: the cloud's default pool (cloud/src/db/client.ts), as deployed. */
const POOL_PER_INSTANCE = 16;

/** Stages the instances' CPU samples are sorted into (innermost matching frame wins). */
const STAGES: StageRule[] = [
  { name: "Ed25519 verify (node:crypto)", url: /\/protocol\/(sign|signed)\.ts$/ },
  { name: "canonical JSON + SHA-256", url: /\/protocol\/(canonical|hash)\.ts$/ },
  { name: "strict JSON parse", url: /\/protocol\/strict-json\.ts$/ },
  { name: "valibot validation", url: /\/node_modules\/valibot\// },
  { name: "drizzle-orm (query building, row mapping)", url: /\/node_modules\/drizzle-orm\// },
  { name: "Hono (routing, context, JSON answer)", url: /\/node_modules\/hono\// },
  { name: "auth + rate limit", url: /\/cloud\/src\/(auth|ratelimit)\// },
  { name: "check-in service", url: /\/cloud\/src\/agent-api\// },
  { name: "transparency log", url: /\/cloud\/src\/transparency\// },
  { name: "object store", url: /\/cloud\/src\/store\// },
  { name: "evidence ingest + outbox", url: /\/cloud\/src\/evidence\// },
  { name: "HTTP plumbing (body read, request log)", url: /\/cloud\/src\/(http|logger\.ts)/ },
  { name: "scheduled jobs", url: /\/cloud\/src\/jobs\// },
  { name: "Bun.SQL client (JS side: describe, parameters, results)", url: /^internal:sql\// },
  { name: "protocol (other)", url: /\/protocol\// },
  { name: "cloud (other)", url: /\/cloud\/src\// },
];

/** Appliances take their turns round-robin across steps. */
let cursor = 0;

if (!(await postgresReachable())) {
  console.log("cloud fleet: skipped (needs the machine's Postgres)");
  process.exit(0);
}

const loadBefore = loadavg();
const dir = mkdtempSync(join(tmpdir(), "malachor-fleet-"));
const profDir = join(dir, "profiles");
mkdirSync(profDir);
const db = await createTestDatabase();
const admin = new SQL({ url: POSTGRES_ADMIN_URL, max: 1 });
const bench = new SQL({ url: db.ownerUrl, max: 1 });
const env = {
  DATABASE_URL: db.url,
  DATABASE_OWNER_URL: db.ownerUrl,
  DATA_DIR: join(dir, "data"),
  HOST: "127.0.0.1",
  PORT: "0",
};
// One after the other: the first migrates, the second finds the schema current.
const instances: CloudProcess[] = [];
try {
  for (const i of [1, 2]) {
    instances.push(
      await startCloudProcess({ env, logFile: join(dir, `instance-${i}.log`), cpuProfileDir: profDir }),
    );
  }
  const apps = await seedFleet(db.ownerUrl, FLEET);
  console.log(
    `cloud fleet [postgres, 2 instances (pids ${instances.map((x) => x.pid).join(", ")}), pool ${POOL_PER_INSTANCE} each]: ${FLEET.toLocaleString("en")} appliances seeded` +
      `${QUICK ? " (quick)" : ""}; load average ${loadBefore.map((l) => l.toFixed(2)).join(" ")} on ${navigator.hardwareConcurrency} cores`,
  );
  const urls = instances.map((x) => x.url);
  // Unmeasured warm-up: in a fresh process the JIT's compiler threads take a third of the CPU.
  await step(RATES[0]!, { secs: WARMUP_SEC, quiet: true });
  const results: StepResult[] = [];
  const measuredFrom = Date.now();
  const scansBefore = await tableScans();
  let failures = 0;
  for (const rate of RATES) {
    // Past two failing steps the machine is saturated; still measure the target itself.
    if (failures >= 2 && rate !== TARGET_RATE) continue;
    const r = await step(rate);
    results.push(r);
    failures = r.holds ? 0 : failures + 1;
  }
  if (!QUICK) {
    // Narrow the gap between the last rate that held and the first that did not.
    for (let k = 0; k < 2; k++) {
      const held = results.filter((r) => r.holds).map((r) => r.rate);
      const best = held.length ? Math.max(...held) : 0;
      const failed = results.filter((r) => !r.holds && r.rate > best).map((r) => r.rate);
      if (!failed.length || best === 0) break;
      const worst = Math.min(...failed);
      if (worst - best < best * 0.15) break;
      results.push(await step(Math.round((best + worst) / 2)));
    }
  }
  const ceiling = await noOpCeiling(urls, apps);
  const measured = { fromMs: measuredFrom, toMs: Date.now() };
  const scansAfter = await tableScans();
  const held = results.filter((r) => r.holds).sort((a, b) => b.rate - a.rate)[0];
  const atTarget = results.find((r) => r.rate === TARGET_RATE);
  console.log(
    held
      ? `largest fleet holding p99 ≤ ${P99_MS} ms: ${(held.rate * 60).toLocaleString("en")} appliances ` +
          `(${held.rate} cycles/s offered, ${held.sustained.toFixed(0)}/s sustained; check-in p99 ${held.checkin.p99.toFixed(1)} ms, upload p99 ${held.upload.p99.toFixed(1)} ms)`
      : `no offered rate held p99 ≤ ${P99_MS} ms`,
  );
  if (atTarget) {
    console.log(
      `at the target (100,000 appliances, ${TARGET_RATE}/s offered): ${atTarget.sustained.toFixed(0)}/s sustained ` +
        `(${((atTarget.sustained / TARGET_RATE) * 100).toFixed(0)}%), check-in p99 ${atTarget.checkin.p99.toFixed(0)} ms, ` +
        `upload p99 ${atTarget.upload.p99.toFixed(0)} ms (target ${P99_MS} ms), errors ${atTarget.errors}`,
    );
  }
  console.log(
    `ceiling, same instances, same run: authenticated near-no-op GET ${AGENT_API.orders} ${ceiling.rate.toFixed(0)} req/s ` +
      `closed loop at ${CEILING_CONCURRENCY} concurrent (p50 ${ceiling.p50.toFixed(1)} ms, p99 ${ceiling.p99.toFixed(1)} ms); ` +
      `a cycle is 2 requests, so ≤ ${(ceiling.rate / 2).toFixed(0)} cycles/s even if check-in and upload cost no more`,
  );
  const exits = await Promise.all(instances.map((x) => x.stop()));
  instances.length = 0;
  if (exits.some((c) => c !== 0)) {
    console.log(`!!! instance exit codes ${exits.map((c) => c ?? "killed after 60 s").join(", ")}`);
  }
  printProfile(measured);
  printScans(scansBefore, scansAfter);
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );

  interface Latencies {
    p50: number;
    p99: number;
  }
  interface StepResult {
    rate: number;
    sustained: number;
    checkin: Latencies;
    upload: Latencies;
    errors: number;
    holds: boolean;
  }

  async function step(rate: number, opts: { secs?: number; quiet?: boolean } = {}): Promise<StepResult> {
    const n = Math.round(rate * (opts.secs ?? STEP_SEC));
    const cycles = Array.from({ length: n }, () => nextCycle(apps));
    const checkinMs: number[] = [];
    const uploadMs: number[] = [];
    const lagMs: number[] = [];
    const errors = new Map<string, number>();
    const fail = (what: string) => errors.set(what, (errors.get(what) ?? 0) + 1);
    let rr = 0;
    const send = async (path: string, headers: Record<string, string>, body: string, into: number[]) => {
      const url = urls[rr++ % urls.length]!;
      const t = performance.now();
      try {
        const r = await fetch(url + path, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await r.arrayBuffer();
        into.push(performance.now() - t);
        if (r.status !== 200) fail(`${path} ${r.status}`);
        return r.status === 200;
      } catch (e) {
        fail(`${path} ${(e as Error).name}`);
        return false;
      }
    };
    const watch = watchServer();
    const cpu0 = process.cpuUsage();
    const start = performance.now() + 20;
    let sent = 0;
    let lastDone = start;
    let done = 0;
    const inflight: Promise<void>[] = [];
    while (sent < n) {
      const now = performance.now();
      const due = Math.min(n, Math.floor(((now - start) * rate) / 1000) + 1);
      for (; sent < due; sent++) {
        lagMs.push(now - (start + (sent * 1000) / rate));
        const c = cycles[sent]!;
        inflight.push(
          (async () => {
            // As the daemon's cloud step: check in, then drain the queue (this cycle's bundle).
            if (
              (await send(AGENT_API.checkin, c.headers, c.checkin, checkinMs)) &&
              (await send(AGENT_API.evidence, c.headers, c.upload, uploadMs))
            )
              done++;
            lastDone = performance.now();
          })(),
        );
      }
      await Bun.sleep(1);
    }
    await Promise.all(inflight);
    const secs = (lastDone - start) / 1000;
    const gen = process.cpuUsage(cpu0);
    const server = await watch.stop();
    const r: StepResult = {
      rate,
      sustained: done / secs,
      checkin: { p50: percentile(checkinMs, 50), p99: percentile(checkinMs, 99) },
      upload: { p50: percentile(uploadMs, 50), p99: percentile(uploadMs, 99) },
      errors: [...errors.values()].reduce((a, b) => a + b, 0),
      holds: false,
    };
    r.holds =
      r.errors === 0 && r.checkin.p99 <= P99_MS && r.upload.p99 <= P99_MS && r.sustained >= rate * 0.95;
    const genCpu = (gen.user + gen.system) / 1e6 / secs;
    if (opts.quiet) return r;
    console.log(
      `  fleet ${(rate * 60).toLocaleString("en").padStart(7)} (${String(rate).padStart(4)}/s offered): ${r.sustained.toFixed(0).padStart(4)} cycles/s sustained; ` +
        `check-in p50 ${r.checkin.p50.toFixed(1)} p99 ${r.checkin.p99.toFixed(1)} ms; upload p50 ${r.upload.p50.toFixed(1)} p99 ${r.upload.p99.toFixed(1)} ms; ` +
        `errors ${r.errors}${errors.size ? ` ${JSON.stringify(Object.fromEntries(errors))}` : ""}; ${r.holds ? "HOLDS" : "misses"}`,
    );
    console.log(
      `    CPU: instances ${server.instanceCpu.map((c) => `${(c * 100).toFixed(0)}%`).join(" + ")}, Postgres backends ${(server.pgCpu * 100).toFixed(0)}%, ` +
        `load generator ${(genCpu * 100).toFixed(0)}% (of one core each); Postgres connections ${server.connections.max} max ` +
        `(${server.connections.activeMax} active max, ${server.connections.activeMean.toFixed(1)} mean); ` +
        `generator send lag p99 ${percentile(lagMs, 99).toFixed(1)} ms`,
    );
    return r;
  }

  /** Instance and Postgres CPU over a step, and pg_stat_activity sampled every 200 ms. */
  function watchServer() {
    const t0 = performance.now();
    const inst0 = instances.map((x) => x.cpuSeconds());
    const samples: { total: number; active: number }[] = [];
    const pg0 = backendCpu();
    const sample = async () => {
      const rows =
        await admin`SELECT count(*)::int AS total, count(*) FILTER (WHERE state = 'active')::int AS active
        FROM pg_stat_activity WHERE datname = ${db.name} AND pid <> pg_backend_pid()`;
      samples.push(rows[0] as { total: number; active: number });
    };
    let pending = sample();
    const timer = setInterval(() => {
      pending = pending.then(sample);
    }, 200);
    return {
      async stop() {
        clearInterval(timer);
        await pending;
        const secs = (performance.now() - t0) / 1000;
        const before = await pg0;
        let pgUsed = 0;
        for (const [pid, cpu] of await backendCpu()) pgUsed += cpu - (before.get(pid) ?? 0);
        return {
          instanceCpu: instances.map((x, i) => (x.cpuSeconds() - inst0[i]!) / secs),
          pgCpu: pgUsed / secs,
          connections: {
            max: Math.max(0, ...samples.map((s) => s.total)),
            activeMax: Math.max(0, ...samples.map((s) => s.active)),
            activeMean: samples.reduce((a, s) => a + s.active, 0) / Math.max(1, samples.length),
          },
        };
      },
    };
  }

  /** CPU seconds of each Postgres backend serving the bench database (by pid, from /proc). */
  async function backendCpu(): Promise<Map<number, number>> {
    const rows = (await admin`SELECT pid FROM pg_stat_activity WHERE datname = ${db.name}`) as {
      pid: number;
    }[];
    return cpuByPid(rows.map((r) => r.pid));
  }

  /** Per table: sequential scans and the rows they read, index scans (pg_stat_user_tables). */
  async function tableScans(): Promise<Map<string, { seq: number; rows: number; idx: number }>> {
    const rows = (await bench`SELECT relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0) AS idx_scan
      FROM pg_stat_user_tables`) as {
      relname: string;
      seq_scan: string;
      seq_tup_read: string;
      idx_scan: string;
    }[];
    return new Map(
      rows.map((r) => [
        r.relname,
        { seq: Number(r.seq_scan), rows: Number(r.seq_tup_read), idx: Number(r.idx_scan) },
      ]),
    );
  }

  function printScans(
    before: Map<string, { seq: number; rows: number; idx: number }>,
    after: Map<string, { seq: number; rows: number; idx: number }>,
  ) {
    const rows = [...after]
      .map(([table, a]) => {
        const b = before.get(table) ?? { seq: 0, rows: 0, idx: 0 };
        return { table, seq: a.seq - b.seq, rows: a.rows - b.rows, idx: a.idx - b.idx };
      })
      .sort((x, y) => y.rows - x.rows)
      .slice(0, 6);
    console.log(
      "Postgres tables by rows read in sequential scans during the steps (pg_stat_user_tables): " +
        rows
          .map(
            (r) => `${r.table} ${r.rows.toLocaleString("en")} rows in ${r.seq} scans (${r.idx} index scans)`,
          )
          .join("; "),
    );
  }

  function printProfile(window: { fromMs: number; toMs: number }) {
    const files = readdirSync(profDir).filter((f) => f.endsWith(".cpuprofile"));
    const total = new Map<string, number>();
    let totalMs = 0;
    for (const f of files) {
      const s = summarizeCpuProfile(JSON.parse(readFileSync(join(profDir, f), "utf8")), STAGES, window);
      totalMs += s.totalMs;
      for (const x of s.stages) total.set(x.name, (total.get(x.name) ?? 0) + x.ms);
    }
    const rows = [...total].sort((a, b) => b[1] - a[1]);
    const keep = process.env.FLEET_PROFILES;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      for (const f of files) copyFileSync(join(profDir, f), join(keep, f));
      console.log(`CPU profiles kept in ${keep} (open them in Chrome DevTools)`);
    }
    console.log(
      `where the instances' JavaScript CPU went (--cpu-prof, both instances, steps and ceiling, ${(totalMs / 1000).toFixed(1)} s sampled; ` +
        "native work — HTTP parsing, the Postgres wire client, GC, verify worker threads — is outside JS samples):",
    );
    for (const [name, ms] of rows.slice(0, 16)) {
      console.log(`  ${((ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${name}`);
    }
  }
} finally {
  await Promise.all(instances.map((x) => x.stop()));
  await admin.close();
  await bench.close();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Closed loop over both instances: GET /agent/orders (auth, rate limit, one indexed read, an empty
 * answer), each request by another appliance so no per-appliance limit is reached.
 */
async function noOpCeiling(
  urls: string[],
  fleet: FleetAppliance[],
): Promise<{ rate: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const deadline = performance.now() + STEP_SEC * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CEILING_CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const i = next++;
        const t = performance.now();
        const r = await fetch(urls[i % urls.length]! + AGENT_API.orders, {
          headers: fleet[i % fleet.length]!.headers,
        });
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`ceiling probe: ${r.status} ${AGENT_API.orders}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return {
    rate: latencies.length / ((performance.now() - started) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** A seeded appliance: its ids, secret and API key, and where its chain stands. */
interface FleetAppliance {
  siteId: string;
  applianceId: string;
  secretKey: string;
  headers: Record<string, string>;
  seq: number;
  hash: string;
}

/** One cycle's requests, built (and signed) before its step starts. */
interface Cycle {
  headers: Record<string, string>;
  checkin: string;
  upload: string;
}

/**
 * Seed `n` appliances, one clinic (site) each, with identity and API keys, in batched inserts as
 * the owner (registerAppliance's rows, without its per-appliance round trips).
 */
async function seedFleet(ownerUrl: string, n: number): Promise<FleetAppliance[]> {
  const owner = await openDb({ url: ownerUrl, maxConnections: 4 });
  const { version: _v, ...config } = DEFAULT_SITE_CONFIG;
  const now = new Date();
  const out: FleetAppliance[] = [];
  try {
    // The rows registerAppliance writes, checked once against the real function below.
    const BATCH = 1_000;
    const batches: Promise<unknown>[] = [];
    for (let at = 0; at < n; at += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, n - at) }, (_, k) => {
        const i = at + k;
        const kp = keyPair(i);
        const apiKey = newSecret(API_KEY_PREFIX);
        const a: FleetAppliance = {
          siteId: `clinic-${i}`,
          applianceId: `app-${i}`,
          secretKey: kp.secretKey,
          headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
          seq: 0,
          hash: GENESIS_HASH,
        };
        out.push(a);
        return { a, publicKey: kp.publicKey, keyId: keyIdOf(kp.publicKey), apiKeyHash: hashSecret(apiKey) };
      });
      batches.push(
        owner.db.transaction(async (tx) => {
          await tx.insert(sites).values(
            rows.map((r) => ({
              id: r.a.siteId,
              name: `Clinic ${r.a.siteId}`,
              tier: "professional",
              config,
              configVersion: 1,
              createdAt: now,
            })),
          );
          await tx.insert(appliances).values(
            rows.map((r) => ({
              id: r.a.applianceId,
              siteId: r.a.siteId,
              name: r.a.applianceId,
              publicKey: r.publicKey,
              keyId: r.keyId,
              chainSeq: 0,
              chainHead: GENESIS_HASH,
              createdAt: now,
            })),
          );
          await tx.insert(applianceKeys).values(
            rows.map((r) => ({
              keyId: r.keyId,
              applianceId: r.a.applianceId,
              siteId: r.a.siteId,
              publicKey: r.publicKey,
              createdAt: now,
            })),
          );
          await tx.insert(apiKeys).values(
            rows.map((r) => ({
              id: `key_${r.a.applianceId}`,
              hash: r.apiKeyHash,
              applianceId: r.a.applianceId,
              siteId: r.a.siteId,
              createdAt: now,
            })),
          );
        }),
      );
      if (batches.length >= 4) await Promise.all(batches.splice(0));
    }
    await Promise.all(batches);
    // One more through the real registration, so the seeded rows cannot drift from what it writes.
    const probe = keyPair(n);
    await owner.db.transaction((tx) =>
      registerAppliance(tx, now, {
        siteId: "clinic-0",
        applianceId: "app-registered",
        name: "registered",
        publicKey: probe.publicKey,
      }),
    );
  } finally {
    await owner.close();
  }
  return out;
}

/** A deterministic identity key per appliance (the secret seed is any 32 bytes). */
function keyPair(i: number): { secretKey: string; publicKey: string } {
  const secretKey = new Bun.CryptoHasher("sha256").update(`fleet-appliance-${i}`).digest("hex");
  return { secretKey, publicKey: publicKeyOf(secretKey) };
}

/**
 * The next appliance's next cycle: its findings (two hosts × 30 checks; one check per host moves
 * each cycle, as a patch level does), the change encoder's bundle for it, the signed chain head
 * and check-in the daemon sends, all as request bodies.
 */
function nextCycle(fleet: FleetAppliance[]): Cycle {
  const a = fleet[cursor++ % fleet.length]!;
  const at = new Date().toISOString();
  const n = a.seq + 1;
  const prev = { state: stateOf(findingsAt(a, n - 1, at)), lastSnapshotAt: at, quiet: [] };
  const { contents } = encodeCycle(prev, findingsAt(a, n, at), at);
  const ids = { siteId: a.siteId, applianceId: a.applianceId };
  const bundle = buildBundle(ids, { seq: a.seq, hash: a.hash }, contents[0]!, a.secretKey);
  a.seq = bundle.seq;
  a.hash = bundleHash(bundle);
  const checkin = sampleCheckin({
    hostname: `${a.applianceId}.clinic.lan`,
    uptimeSec: 86_400 + n * 60,
    lastCycle: { at, durationMs: 4_200, summary: bundle.summary },
    chain: { seq: a.seq, head: a.hash },
    configVersion: 1,
    signedHead: signChainHead({ ...ids, seq: a.seq, hash: a.hash, at }, a.secretKey),
  });
  return {
    headers: a.headers,
    checkin: JSON.stringify(checkin),
    upload: JSON.stringify({ bundles: [bundle] }),
  };
}

function findingsAt(a: FleetAppliance, n: number, at: string): Finding[] {
  const out: Finding[] = [];
  for (const host of ["srv-01", "ws-01"]) {
    for (let k = 0; k < 30; k++) {
      out.push(
        sampleFinding({
          checkId: `windows.check-${String(k + 1).padStart(2, "0")}`,
          host,
          // Moves when n ≡ k (mod 30): one finding per host changes each cycle.
          actual: `${a.applianceId} build ${Math.floor((n + 30 - k) / 30)}`,
          observedAt: at,
        }),
      );
    }
  }
  return out;
}
