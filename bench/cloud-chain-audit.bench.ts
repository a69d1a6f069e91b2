/**
 * Full chain audit of a site as the verify endpoint runs it (read every stored bundle from the
 * database, re-verify signature, link and sequence from genesis), in bundles/s: with the native
 * batch verifier (the endpoint's path when `npm run build` compiled it; first audit of the process
 * and the median of three more) and with node:crypto one signature at a time (the path without
 * it), beside ceilings measured in the same run: node:crypto verify alone and the native batch
 * verify alone. Target ≥ 30,000 bundles/s.
 */
import { availableParallelism } from "node:os";
import { nativeBatchVerifier } from "../cloud/src/evidence/ed25519-batch.ts";
import { ingestEvidence } from "../cloud/src/evidence/ingest.ts";
import { inlineVerifier, type PageVerifier, verifySiteChain } from "../cloud/src/evidence/verify-site.ts";
import { verifyStoredChain } from "../cloud/src/evidence/verify-stored.ts";
import { startBenchCloud } from "../cloud/src/testing/bench-cloud.ts";
import { bundleSigningBytes } from "../protocol/evidence.ts";
import { verify } from "../protocol/sign.ts";

const APPLIANCES = 4;
const PER_APPLIANCE = 10_000;

const startBatch = nativeBatchVerifier();
if (!startBatch) throw new Error("the native batch verifier is not built: run `bun cloud/native/build.ts`");
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
  const audit = async (verifier: PageVerifier) => {
    const t = performance.now();
    const r = await verifySiteChain({ ctx, input: { siteId: "audit" }, verifier });
    const rate = total / ((performance.now() - t) / 1000);
    if (!r.ok || r.count !== total) throw new Error(`audit failed: ${JSON.stringify(r).slice(0, 300)}`);
    return rate;
  };

  const first = await audit(inlineVerifier);
  const warm = [await audit(inlineVerifier), await audit(inlineVerifier), await audit(inlineVerifier)].sort(
    (x, y) => x - y,
  );
  const oneByOne = await audit(async (bodies, keys, starts) => verifyStoredChain(bodies, keys, starts, null));

  const s = sample!;
  const messages = s.bundles.map((x) => bundleSigningBytes(x));
  let t = performance.now();
  for (let i = 0; i < messages.length; i++) verify(messages[i]!, s.bundles[i]!.sig, s.key);
  const nodeCeiling = messages.length / ((performance.now() - t) / 1000);
  const checks = messages.map((message, i) => ({ message, sigHex: s.bundles[i]!.sig, publicKeyHex: s.key }));
  t = performance.now();
  const batches = [];
  for (let i = 0; i < checks.length; i += 500) batches.push(startBatch(checks.slice(i, i + 500)));
  if (!batches.every((x) => x.finish())) throw new Error("native batch refused valid signatures");
  const nativeCeiling = checks.length / ((performance.now() - t) / 1000);

  const cores = availableParallelism();
  console.log(
    `cloud chain audit [${b.db}], ${total} bundles: native batches ${Math.round(warm[1]!)}/s (median of 3; first audit ${Math.round(first)}/s); node:crypto one by one ${Math.round(oneByOne)}/s (target ≥ 30,000/s)`,
  );
  console.log(
    `ceilings (same run): node:crypto verify alone ${Math.round(nodeCeiling)}/s per core (~${Math.round(nodeCeiling * cores)}/s on ${cores} cores); native batch verify alone ${Math.round(nativeCeiling)} signatures/s`,
  );
} finally {
  await b.stop();
}
