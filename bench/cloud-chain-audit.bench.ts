/**
 * Full chain audit of a site as the verify endpoint runs it (read every stored bundle from the
 * database, re-verify signature, link and sequence from genesis): bundles/s with the inline
 * verifier and with the worker pool, beside the raw node:crypto verify ceiling measured in the
 * same run. Target ≥ 30,000 bundles/s.
 */
import { availableParallelism } from "node:os";
import { ingestEvidence } from "../cloud/src/evidence/ingest.ts";
import { parallelVerifier } from "../cloud/src/evidence/parallel-verify.ts";
import { inlineVerifier, verifySiteChain } from "../cloud/src/evidence/verify-site.ts";
import { startBenchCloud } from "../cloud/src/testing/bench-cloud.ts";
import { bundleSigningBytes } from "../protocol/evidence.ts";
import { verify } from "../protocol/sign.ts";

const APPLIANCES = 4;
const PER_APPLIANCE = 10_000;

const b = await startBenchCloud();
try {
  const c = b.cloud;
  await c.createSite("audit");
  let sample: { bundles: ReturnType<(typeof apps)[number]["nextBundles"]>; key: string } | null = null;
  const apps = await Promise.all(
    Array.from({ length: APPLIANCES }, (_, i) => c.createAppliance("audit", `app-${i}`)),
  );
  for (const a of apps) {
    const bundles = a.nextBundles(PER_APPLIANCE);
    sample ??= { bundles: bundles.slice(0, 5000), key: a.key.publicKey };
    const ctx = {
      ...c.systemCtx(),
      actor: { type: "appliance" as const, applianceId: a.applianceId, siteId: "audit", apiKeyId: "bench" },
    };
    for (let i = 0; i < bundles.length; i += 500) {
      const r = await ingestEvidence({ ctx, input: { bundles: bundles.slice(i, i + 500) } });
      if (r.rejection) throw new Error(r.rejection.message);
    }
  }
  const total = APPLIANCES * PER_APPLIANCE;
  const ctx = c.systemCtx();

  let t = performance.now();
  const seq = await verifySiteChain({ ctx, input: { siteId: "audit" }, verifier: inlineVerifier });
  const inlineRate = total / ((performance.now() - t) / 1000);
  if (!seq.ok || seq.count !== total)
    throw new Error(`inline audit failed: ${JSON.stringify(seq).slice(0, 300)}`);

  const workers = Math.max(2, Math.min(4, availableParallelism()));
  const pool = parallelVerifier(workers);
  t = performance.now();
  const par = await verifySiteChain({ ctx, input: { siteId: "audit" }, verifier: pool.verify });
  const parRate = total / ((performance.now() - t) / 1000);
  pool.close();
  if (!par.ok || par.count !== total) throw new Error("parallel audit failed");

  const s = sample!;
  t = performance.now();
  for (const x of s.bundles) verify(bundleSigningBytes(x), x.sig, s.key);
  const ceiling = s.bundles.length / ((performance.now() - t) / 1000);

  console.log(
    `cloud chain audit [${b.db}], ${total} bundles: inline ${Math.round(inlineRate)}/s; ${workers} workers ${Math.round(parRate)}/s (target ≥ 30,000/s)`,
  );
  console.log(
    `raw ceiling (same run): node:crypto canonicalise+verify ${Math.round(ceiling)}/s per core → ~${Math.round(ceiling * availableParallelism())}/s on ${availableParallelism()} cores`,
  );
} finally {
  await b.stop();
}
