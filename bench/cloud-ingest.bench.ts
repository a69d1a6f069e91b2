/**
 * Cloud evidence ingest over HTTP on loopback (real Postgres when reachable): bundles/s verified
 * (every signature with node:crypto, on worker threads), chained and stored with their outbox
 * entries and appended to their site's transparency log, beside node:crypto's verify rate measured
 * in the same run; then the outbox drain to the object store. Shape: several sites, each with many
 * appliances, every appliance uploading its backlog in batches at once (appends to one site's log
 * contend for its lock, as in a clinic group coming back online). Target ≥ 5,000 bundles/s.
 */
import { availableParallelism } from "node:os";
import { drainOutbox } from "../cloud/src/evidence/outbox.ts";
import { startBenchCloud } from "../cloud/src/testing/bench-cloud.ts";
import { siteLogHead } from "../cloud/src/transparency/append.ts";
import { AGENT_API } from "../protocol/api.ts";
import { bundleSigningBytes } from "../protocol/evidence.ts";
import { verify } from "../protocol/sign.ts";

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
      bodies.push(JSON.stringify({ bundles: bundles.slice(i, i + BATCH) }));
    return { a, bodies };
  });
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
  console.log(
    `raw ceiling (node:crypto verify only, same run): ${Math.round(ceiling)}/s per core (~${Math.round(ceiling * availableParallelism())}/s on ${availableParallelism()} cores)`,
  );
  console.log(
    `outbox drain to ${b.cloud.deps.store.kind} store: ${Math.round(written / drainSecs)} objects/s (${written} objects, fsync each)`,
  );
} finally {
  await b.stop();
}
