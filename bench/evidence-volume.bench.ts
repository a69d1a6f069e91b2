/**
 * Evidence volume of a simulated clinic (20 Windows, 5 Linux, 3 macOS hosts, 30 checks each, 60 s
 * cycles, seeded drift) over one simulated day, before (a full check-cycle bundle per cycle) and
 * after (snapshot + change bundles, quiet cycles batched hourly): bytes and rows per appliance-day in
 * the agent's queue, in Postgres and in the object store, gzip sizes measured on the same bodies.
 * The "after" day is uploaded through the real ingest (one request per cycle, as the daemon does)
 * and counted in the database; then state rebuild at random moments and change-bundle ingest
 * throughput beside node:crypto's verify ceiling, all in the same run.
 * Bodies are in the object store only; Postgres holds the chain index (migration 2400).
 * Targets: ≤ 100 KB stored per clinic-day, ≤ 100 Postgres rows per appliance-day, rebuild ≤ 50 ms,
 * change-bundle ingest ≥ 5,000/s.
 */
import { gzipSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { encodeCycle, newEncoderState } from "../agent/src/evidence/change-encoder.ts";
import { simulatedClinic } from "../agent/src/evidence/clinic-sim.fixture.ts";
import { evidenceBodies } from "../cloud/src/evidence/bodies.ts";
import { drainOutbox } from "../cloud/src/evidence/outbox.ts";
import { applianceStateAt, ParsedBundles } from "../cloud/src/evidence/state-at.ts";
import { startBenchCloud } from "../cloud/src/testing/bench-cloud.ts";
import { prng } from "../lib/testing/prng.ts";
import { AGENT_API } from "../protocol/api.ts";
import { canonicalize } from "../protocol/canonical.ts";
import { buildBundle, bundleHash, bundleSigningBytes, type EvidenceBundle } from "../protocol/evidence.ts";
import { verify } from "../protocol/sign.ts";
import { rebuildStateAt, stateDigest } from "../protocol/state.ts";

const CYCLES = 1440;
const START = Date.UTC(2026, 10, 25);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const b = await startBenchCloud();
try {
  await b.cloud.createSite("clinic");
  const a = await b.cloud.createAppliance("clinic", "clinic-app");
  const ids = { siteId: "clinic", applianceId: a.applianceId };
  const clinic = simulatedClinic(24, CYCLES);

  // One pass over the day: the full bundle each cycle would be today, and the change encoder's.
  const before = { bundles: 0, bytes: 0, gzip: 0 };
  const afterCycles: EvidenceBundle[][] = [];
  let enc = newEncoderState();
  let fullHead = { seq: 0, hash: "" };
  let head = { seq: 0, hash: "" };
  for (let i = 0; i < CYCLES; i++) {
    const at = new Date(START + i * 60_000).toISOString();
    const findings = clinic.cycle(new Date(at));
    const full = buildBundle(
      ids,
      fullHead,
      { kind: "check-cycle", findings, createdAt: at },
      a.key.secretKey,
    );
    fullHead = { seq: full.seq, hash: bundleHash(full) };
    const text = canonicalize(full);
    before.bundles++;
    before.bytes += Buffer.byteLength(text);
    before.gzip += gzipSync(text).length;
    const r = encodeCycle(enc, findings, at);
    enc = r.next;
    afterCycles.push(
      r.contents.map((content) => {
        const x = buildBundle(ids, head, content, a.key.secretKey);
        head = { seq: x.seq, hash: bundleHash(x) };
        return x;
      }),
    );
  }
  const after = afterCycles.flat();
  const afterBytes = after.reduce((n, x) => n + Buffer.byteLength(canonicalize(x)), 0);
  const afterGzip = after.reduce((n, x) => n + gzipSync(canonicalize(x)).length, 0);

  // The "after" day through the real ingest, one upload per cycle that wrote something.
  const tIngest = performance.now();
  let uploads = 0;
  for (const bundles of afterCycles) {
    if (bundles.length === 0) continue;
    const res = await fetch(b.url + AGENT_API.evidence, {
      method: "POST",
      headers: a.headers,
      body: JSON.stringify({ bundles }),
    });
    if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    uploads++;
  }
  const ingestMs = performance.now() - tIngest;
  for (;;) {
    const r = await drainOutbox(b.cloud.deps, { limit: 1000 });
    if (r.written + r.alreadyPresent + r.failed === 0) break;
  }
  const count = async (table: string) => {
    const r = (await b.cloud.deps.db.execute(
      sql.raw(
        `SELECT count(*)::int AS n, coalesce(sum(pg_column_size(t.*)), 0)::bigint AS bytes, ${
          table === "evidence_chain" ? "coalesce(sum(pg_column_size(t.body)), 0)::bigint" : "0"
        } AS body FROM ${table} t WHERE appliance_id = '${a.applianceId}'`,
      ),
    )) as unknown as { rows?: Row[] } & Row[];
    const row = (r.rows ?? r)[0]!;
    return { n: Number(row.n), bytes: Number(row.bytes), body: Number(row.body) };
  };
  const latestRows = await count("evidence_latest");
  const headRows = await count("evidence_state_heads");
  // Row writes the latest-state table took over the day: a snapshot replaces every row (deletes
  // the old ones, inserts its own), a delta upserts its changed findings and deletes its removed keys.
  let latestWrites = 0;
  let liveBefore = 0;
  for (const x of after) {
    if (x.v !== 2 || !x.state) continue;
    latestWrites +=
      x.kind === "state-snapshot"
        ? liveBefore + x.findings.length
        : x.findings.length + x.state.removed.length;
    liveBefore = x.state.count;
  }
  type Row = { n: number; bytes: string; body: string };
  const chainRows = await count("evidence_chain");
  const verifiedRows = await count("evidence_verified");
  const outboxRows = await count("evidence_outbox");
  // The objects as the store holds them (v2 bodies gzip-compressed by the outbox).
  const keys = (await b.cloud.deps.db.execute(
    sql.raw(`SELECT object_key AS k FROM evidence_chain WHERE appliance_id = '${a.applianceId}'`),
  )) as unknown as { rows?: { k: string }[] } & { k: string }[];
  let stored = 0;
  for (const { k } of keys.rows ?? keys) stored += (await b.cloud.deps.store.get(k))?.length ?? 0;

  console.log(
    `evidence volume, simulated clinic-day [${b.db}]: 28 hosts × 30 checks, ${CYCLES} cycles of 60 s`,
  );
  console.log("                         before (full/cycle)   after (snapshot+changes)");
  console.log(`bundles (= queue items)  ${String(before.bundles).padEnd(22)}${after.length}`);
  console.log(`queue bytes              ${kb(before.bytes).padEnd(22)}${kb(afterBytes)}`);
  console.log(
    `object store             ${kb(before.bytes).padEnd(22)}${kb(stored)}   (before: v1 bodies as stored, uncompressed; after: measured, gzip)`,
  );
  console.log(`  gzip of the same bodies ${kb(before.gzip).padEnd(22)}${kb(afterGzip)}`);
  const pg = chainRows.bytes + verifiedRows.bytes + outboxRows.bytes;
  console.log(
    `Postgres rows            ${String(2 * before.bundles).padEnd(22)}${chainRows.n + verifiedRows.n + outboxRows.n}   (chain ${chainRows.n} + verified ${verifiedRows.n} + outbox left ${outboxRows.n}; target ≤ 100)`,
  );
  console.log(
    `latest state             ${"(none)".padEnd(22)}${latestRows.n} live rows + ${headRows.n} head, ${kb(latestRows.bytes + headRows.bytes)}   (one row per host and check, upserted in place: a constant per appliance, not per day; ${latestWrites} row writes over the day, ${after.filter((x) => x.kind === "state-snapshot").length} snapshot(s) rewriting every row; not in the per-day rows above)`,
  );
  console.log(
    `Postgres bytes           ${`≥ ${kb(before.gzip)}`.padEnd(22)}${kb(pg)}   (after: measured; the chain index only, bodies in the object store: ${kb(chainRows.body)} of bodies in rows)`,
  );
  console.log(
    `stored per clinic-day    ${`≥ ${kb(before.bytes + before.gzip)}`.padEnd(22)}${kb(pg + stored)}   (Postgres + object store; target ≤ 100 KB; raw bodies of the after-day ${kb(afterBytes)}; before not uploaded: ≥ bodies + their gzip)`,
  );
  console.log(
    `ingest of the after-day: ${Math.round(ingestMs)} ms for ${uploads} uploads (one per cycle that wrote)`,
  );

  // Rebuilding the state at random moments of the day from the chain (snapshot + replayed changes).
  const rand = prng(11);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const moment = new Date(START + Math.floor(rand() * CYCLES * 60_000)).toISOString();
    const t = performance.now();
    const r = rebuildStateAt(after, moment);
    times.push(performance.now() - t);
    if (!r) throw new Error(`no state at ${moment}`);
  }
  times.sort((x, y) => x - y);
  const state = rebuildStateAt(after, new Date(START + CYCLES * 60_000).toISOString())!.state;
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) stateDigest(state.values());
  const digestMs = (performance.now() - t0) / 10;
  // The same from storage: chain index in Postgres, bodies from the object store (gzip) through a
  // body reader, cold (no cache) and warm (the cloud's reader, after a first read of each).
  const fromStore = async (bodies: typeof b.cloud.deps.bodies, parsed?: () => ParsedBundles) => {
    const r = prng(11);
    const out: number[] = [];
    for (let i = 0; i < 20; i++) {
      const moment = new Date(START + Math.floor(r() * CYCLES * 60_000)).toISOString();
      const t = performance.now();
      const got = await applianceStateAt({ db: b.cloud.deps.db, bodies }, a.applianceId, moment, parsed?.());
      out.push(performance.now() - t);
      if (!got) throw new Error(`no stored state at ${moment}`);
    }
    return out.sort((x, y) => x - y);
  };
  // Cold: no body cache and nothing parsed before, every time.
  const cold = await fromStore(
    evidenceBodies(b.cloud.deps.db, b.cloud.deps.store, { maxCacheBytes: 0 }),
    () => new ParsedBundles(),
  );
  await fromStore(b.cloud.deps.bodies);
  const warm = await fromStore(b.cloud.deps.bodies);
  // Of 20 samples, p99 is the largest.
  console.log(
    `state rebuild at a random past moment: in memory p50 ${times[10]!.toFixed(1)} ms, p99 ${times.at(-1)!.toFixed(1)} ms; from storage cold p50 ${cold[10]!.toFixed(1)} ms, p99 ${cold.at(-1)!.toFixed(1)} ms; warm p50 ${warm[10]!.toFixed(1)} ms, p99 ${warm.at(-1)!.toFixed(1)} ms (target ≤ 50 ms); floor: one digest of the ${state.size}-entry state ${digestMs.toFixed(1)} ms`,
  );

  // Change-bundle ingest throughput: 16 appliances × 625 deltas (one changed finding each).
  const apps = await Promise.all(
    Array.from({ length: 16 }, (_, i) => b.cloud.createAppliance("clinic", `rate-${i}`)),
  );
  const sample = after.find((x) => x.kind === "state-delta" && x.findings.length > 0)!;
  // Every delta leaves the one-finding state as it was (observedAt is not state): the digest ingest checks.
  const oneDigest = stateDigest([sample.findings[0]!]);
  const deltas = apps.map((app) => {
    let h = { seq: 0, hash: "" };
    const list: EvidenceBundle[] = [];
    for (let i = 0; i < 625; i++) {
      const at = new Date(START + i * 60_000).toISOString();
      const x = buildBundle(
        { siteId: "clinic", applianceId: app.applianceId },
        h,
        {
          kind: i === 0 ? "state-snapshot" : "state-delta",
          createdAt: at,
          findings: [{ ...sample.findings[0]!, observedAt: at }],
          state: { digest: oneDigest, count: 1, removed: [] },
        },
        app.key.secretKey,
      );
      h = { seq: x.seq, hash: bundleHash(x) };
      list.push(x);
    }
    return { app, list };
  });
  const t1 = performance.now();
  await Promise.all(
    deltas.map(async ({ app, list }) => {
      for (let i = 0; i < list.length; i += 100) {
        const res = await fetch(b.url + AGENT_API.evidence, {
          method: "POST",
          headers: app.headers,
          body: JSON.stringify({ bundles: list.slice(i, i + 100) }),
        });
        if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
  const rate = (16 * 625) / ((performance.now() - t1) / 1000);
  const probe = deltas[0]!.list;
  const t2 = performance.now();
  for (const x of probe) verify(bundleSigningBytes(x), x.sig, deltas[0]!.app.key.publicKey);
  const ceiling = probe.length / ((performance.now() - t2) / 1000);
  console.log(
    `change-bundle ingest [${b.db}]: ${Math.round(rate)} bundles/s (16 appliances × 625, batches of 100; target ≥ 5,000/s); raw ceiling, node:crypto verify alone, same run: ${Math.round(ceiling)}/s per core`,
  );
} finally {
  await b.stop();
}
