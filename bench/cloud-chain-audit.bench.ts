/**
 * Full chain audit of a site as the verify endpoint runs it (every stored bundle read from the
 * database and its body from the object store through the body reader, the outbox drained first as
 * the outbox job does in service, so no body is read from the outbox's fallback; shape, sequence and link
 * checked in worker threads; head signatures and any signature ingest did not vouch for verified
 * with node:crypto), in bundles/s (first audit of the process, cache cold, and the median of three
 * more), beside the raw read rate measured in the same run: the audit's own reads of the same rows
 * and bodies through a reader without a cache, as many in parallel as it uses, nothing parsed or
 * verified. On a shared machine the rates move with other load, so the CPU each bundle of the
 * cached audits cost (this process with its workers, and its Postgres backends) is printed too, as
 * bench/cloud-ingest.bench.ts does. Then the audit that verifies every signature, beside
 * node:crypto's verify rate. Target: audit ≥ 100,000 bundles/s on Postgres.
 */
import { availableParallelism } from "node:os";
import { sql } from "drizzle-orm";
import { rowsOf } from "../cloud/src/db/rows.ts";
import { auditWindows, readWindow } from "../cloud/src/evidence/audit-windows.ts";
import { evidenceBodies } from "../cloud/src/evidence/bodies.ts";
import { auditSiteChain, type SignatureMode } from "../cloud/src/evidence/chain-audit.ts";
import { drainOutbox } from "../cloud/src/evidence/outbox.ts";
import { siteChainPages } from "../cloud/src/evidence/site-chain.ts";
import { sharedVerifyPool } from "../cloud/src/evidence/verify-pool.ts";
import { startBenchCloud } from "../cloud/src/testing/bench-cloud.ts";
import { uploadAs } from "../cloud/src/web/testing/seed.ts";
import { bundleSigningBytes } from "../protocol/evidence.ts";
import { verify } from "../protocol/sign.ts";
import { cpuByPid } from "./cloud-process.ts";

const APPLIANCES = 4;
const PER_APPLIANCE = 10_000;
const total = APPLIANCES * PER_APPLIANCE;

const b = await startBenchCloud();
try {
  const c = b.cloud;
  await c.createSite("audit");
  const apps = await Promise.all(
    Array.from({ length: APPLIANCES }, (_, i) => c.createAppliance("audit", `app-${i}`)),
  );
  for (const a of apps) await uploadAs(c, a, a.nextBundles(PER_APPLIANCE));
  for (;;) {
    const r = await drainOutbox(c.deps, { limit: 5000 });
    if (r.failed > 0) throw new Error(`outbox: ${r.failed} objects not written`);
    if (r.written + r.alreadyPresent === 0) break;
  }
  const ctx = c.systemCtx();

  const rate = async (run: () => Promise<number>) => {
    const t = performance.now();
    const n = await run();
    if (n !== total) throw new Error(`expected ${total} bundles, got ${n}`);
    return total / ((performance.now() - t) / 1000);
  };
  const audit = (signatures: SignatureMode) =>
    rate(async () => {
      const r = await auditSiteChain({ ctx, input: { siteId: "audit", signatures } });
      if (!r.ok) throw new Error(`audit failed: ${JSON.stringify(r).slice(0, 300)}`);
      return r.count;
    });
  const parallel = 2 * sharedVerifyPool().size;
  const windowed = c.deps.dbKind === "postgres";
  // The raw read: same queries and store reads as the audit's, no cache between runs.
  const uncached = { db: c.deps.db, bodies: evidenceBodies(c.deps.db, c.deps.store, { maxCacheBytes: 0 }) };
  const rawRead = () =>
    rate(async () => {
      let n = 0;
      if (!windowed) {
        // PGlite: the audit reads pages in export order.
        for await (const page of siteChainPages(uncached, "audit", 4000)) n += page.length;
        return n;
      }
      const { windows } = await auditWindows(c.deps.db, "audit", 4000);
      let next = 0;
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          while (next < windows.length) {
            const rows = await readWindow(uncached, "audit", windows[next++]!);
            n += rows.length;
          }
        }),
      );
      return n;
    });
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

  // Postgres backends of the bench database, by pid (one opened during the run counts from zero).
  const backends = async () =>
    cpuByPid(
      rowsOf<{ pid: number }>(
        await c.deps.db.execute(sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`),
      ).map((r) => r.pid),
    );

  const first = await audit("heads");
  // Interleaved, so both figures see the same machine load.
  const audits: number[] = [];
  const reads: number[] = [];
  let ownSecs = 0;
  let pgSecs = 0;
  for (let i = 0; i < 3; i++) {
    reads.push(await rawRead());
    const pg0 = await backends();
    const cpu0 = process.cpuUsage();
    audits.push(await audit("heads"));
    const own = process.cpuUsage(cpu0);
    ownSecs += (own.user + own.system) / 1e6;
    for (const [pid, cpu] of await backends()) pgSecs += cpu - (pg0.get(pid) ?? 0);
  }
  const everySignature = await audit("all");

  const probe = apps[0]!.peekBundles(2000);
  const messages = probe.map((x) => bundleSigningBytes(x));
  const t = performance.now();
  for (let i = 0; i < probe.length; i++) verify(messages[i]!, probe[i]!.sig, apps[0]!.key.publicKey);
  const verifyRate = probe.length / ((performance.now() - t) / 1000);

  const cores = availableParallelism();
  console.log(
    `cloud chain audit [${b.db}], ${total} bundles: ${Math.round(median(audits))}/s (median of 3; first audit ${Math.round(first)}/s) beside the raw row read ${Math.round(median(reads))} rows/s in the same run (${windowed ? `${parallel} windows at a time` : "in export order"}; the audits after the first read bodies from the reader's cache; target ≥ 100,000/s)`,
  );
  const usPerBundle = (secs: number) => Math.round((secs * 1e6) / (3 * total));
  const [ownUs, pgUs] = [usPerBundle(ownSecs), usPerBundle(pgSecs)];
  console.log(
    `CPU per bundle of those audits: ${ownUs} µs this process (verify workers included) + ${pgUs} µs Postgres backends` +
      `${b.db === "postgres" ? "" : " (PGlite: inside this process)"} = ${ownUs + pgUs} µs` +
      ` (~${Math.round((1e6 * cores) / (ownUs + pgUs))}/s if ${cores} cores did only this)`,
  );
  console.log(
    `every signature verified: ${Math.round(everySignature)}/s beside node:crypto verify alone ${Math.round(verifyRate)}/s per core (${cores} cores)`,
  );
} finally {
  await b.stop();
}
