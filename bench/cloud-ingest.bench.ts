/**
 * Cloud evidence ingest over HTTP on loopback (real Postgres when reachable): bundles/s verified
 * (every signature with node:crypto, on worker threads), chained and stored with their outbox
 * entries and appended to their site's transparency log, beside node:crypto's verify rate measured
 * in the same run; then the outbox drain to the object store. Shape: several sites, each with many
 * appliances, every appliance uploading its backlog in batches at once (appends to one site's log
 * contend for its lock, as in a clinic group coming back online). Target ≥ 5,000 bundles/s.
 * On a shared machine the rate moves with other load, so the CPU each bundle cost is reported too:
 * this process (HTTP, ingest, the verify workers; the uploading client is a small part of it) and
 * the Postgres backends serving the bench database (when Postgres runs on this machine).
 */
import { availableParallelism } from "node:os";
import { sql } from "drizzle-orm";
import { rowsOf } from "../cloud/src/db/rows.ts";
import { drainOutbox } from "../cloud/src/evidence/outbox.ts";
import { startBenchCloud } from "../cloud/src/testing/bench-cloud.ts";
import { siteLogHead } from "../cloud/src/transparency/append.ts";
import { AGENT_API } from "../protocol/api.ts";
import { canonicalize } from "../protocol/canonical.ts";
import { bundleSigningBytes } from "../protocol/evidence.ts";
import { verify } from "../protocol/sign.ts";
import { cpuByPid } from "./cloud-process.ts";

const SITES = 4;
const PER_SITE = 12;
const APPLIANCES = SITES * PER_SITE;
const PER_APPLIANCE = 200;
const BATCH = 100;
const siteOf = (i: number) => `bench-${i % SITES}`;

const b = await startBenchCloud();
try {
  for (let s = 0; s < SITES; s++) await b.cloud.createSite(siteOf(s));
  const apps = await Promise.all(
    Array.from({ length: APPLIANCES }, (_, i) => b.cloud.createAppliance(siteOf(i), `app-${i}`)),
  );
  const uploads = apps.map((a) => {
    const bundles = a.nextBundles(PER_APPLIANCE);
    const bodies: string[] = [];
    for (let i = 0; i < bundles.length; i += BATCH)
      // As the agent sends them (cloud-client/client.ts uploadEvidence): each bundle's stored canonical text.
      bodies.push(
        `{"bundles":[${bundles
          .slice(i, i + BATCH)
          .map(canonicalize)
          .join(",")}]}`,
      );
    return { a, bodies };
  });
  // Postgres backends of the bench database, by pid (one opened during the run counts from zero).
  const backends = async () =>
    cpuByPid(
      rowsOf<{ pid: number }>(
        await b.cloud.deps.db.execute(
          sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`,
        ),
      ).map((r) => r.pid),
    );
  const pg0 = await backends();
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  await Promise.all(
    uploads.map(async ({ a, bodies }) => {
      for (const body of bodies) {
        const r = await fetch(b.url + AGENT_API.evidence, { method: "POST", headers: a.headers, body });
        if (r.status !== 200) throw new Error(`upload failed: ${r.status} ${await r.text()}`);
        await r.arrayBuffer();
      }
    }),
  );
  const secs = (performance.now() - t) / 1000;
  const total = APPLIANCES * PER_APPLIANCE;
  const own = process.cpuUsage(cpu0);
  let pgSecs = 0;
  for (const [pid, c] of await backends()) pgSecs += c - (pg0.get(pid) ?? 0);
  const usPerBundle = (cpuSecs: number) => Math.round((cpuSecs * 1e6) / total);
  // Every stored bundle is a leaf of its site's log.
  for (let s = 0; s < SITES; s++) {
    const size = (await siteLogHead(b.cloud.deps.db, siteOf(s))).size;
    if (size !== PER_SITE * PER_APPLIANCE) throw new Error(`site ${siteOf(s)}'s log holds ${size} leaves`);
  }
  const t2 = performance.now();
  let written = 0;
  for (;;) {
    const r = await drainOutbox(b.cloud.deps, { limit: 1000 });
    written += r.written;
    if (r.written + r.alreadyPresent + r.failed === 0) break;
  }
  const drainSecs = (performance.now() - t2) / 1000;
  // Raw ceiling in this run: node:crypto verify alone, one core.
  const probe = apps[0]!.peekBundles(1000);
  const t3 = performance.now();
  for (const x of probe) verify(bundleSigningBytes(x), x.sig, apps[0]!.key.publicKey);
  const ceiling = probe.length / ((performance.now() - t3) / 1000);
  console.log(
    `cloud evidence ingest [${b.db}]: ${Math.round(total / secs)} bundles/s (${total} bundles: ${SITES} sites × ${PER_SITE} appliances, each uploading ${PER_APPLIANCE} in batches of ${BATCH}, all at once; transparency log extended per upload; target ≥ 5,000/s)`,
  );
  const ownUs = usPerBundle((own.user + own.system) / 1e6);
  const pgUs = usPerBundle(pgSecs);
  console.log(
    `CPU per bundle: ${ownUs} µs this process (verify workers included) + ${pgUs} µs Postgres backends` +
      `${b.db === "postgres" ? "" : " (PGlite: inside this process)"} = ${ownUs + pgUs} µs` +
      ` (~${Math.round((1e6 * availableParallelism()) / (ownUs + pgUs))}/s if ${availableParallelism()} cores did only this)`,
  );
  console.log(
    `raw ceiling (node:crypto verify only, same run): ${Math.round(ceiling)}/s per core (~${Math.round(ceiling * availableParallelism())}/s on ${availableParallelism()} cores)`,
  );
  console.log(
    `outbox drain to ${b.cloud.deps.store.kind} store: ${Math.round(written / drainSecs)} objects/s (${written} objects, fsync each)`,
  );
} finally {
  await b.stop();
}
