/**
 * Cloud evidence ingest over HTTP on loopback (real Postgres when reachable): bundles/s verified
 * (every signature with node:crypto, on worker threads), chained and stored with their outbox
 * entries, beside node:crypto's verify rate measured in the same run; then the outbox drain to the
 * object store. Target ≥ 5,000 bundles/s.
 */
import { availableParallelism } from "node:os";

import { drainOutbox } from "../cloud/src/evidence/outbox.ts";
import { startBenchCloud } from "../cloud/src/testing/bench-cloud.ts";
import { AGENT_API } from "../protocol/api.ts";
import { bundleSigningBytes } from "../protocol/evidence.ts";
import { verify } from "../protocol/sign.ts";

const APPLIANCES = 16;
const PER_APPLIANCE = 625;
const BATCH = 100;

const b = await startBenchCloud();
try {
  await b.cloud.createSite("bench");
  const apps = await Promise.all(
    Array.from({ length: APPLIANCES }, (_, i) => b.cloud.createAppliance("bench", `app-${i}`)),
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
    `cloud evidence ingest [${b.db}]: ${Math.round(total / secs)} bundles/s (${total} bundles, ${APPLIANCES} appliances × batches of ${BATCH}; target ≥ 5,000/s)`,
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
