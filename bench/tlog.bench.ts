/**
 * A site's transparency log on Postgres (PGlite when Postgres is unreachable): appends to the tree
 * alone (leaves/s, in ingest-sized and large batches), then inclusion and consistency proofs served
 * from the stored nodes of a 1,000,000-leaf log (ms each, mean and p99, and their sizes), each
 * beside ceilings measured in the same run: raw SHA-256 node hashes/s and one database round trip.
 * Targets: proofs ≤ 1 ms each at 1,000,000 leaves. Ingest with the tree is bench/cloud-ingest.bench.ts.
 */
import { sql } from "drizzle-orm";
import { percentile, startBenchCloud } from "../cloud/src/testing/bench-cloud.ts";
import { appendToSiteLog } from "../cloud/src/transparency/append.ts";
import { consistencyProof, inclusionProof } from "../cloud/src/transparency/proofs.ts";
import { leafHash, nodeHash, verifyConsistency, verifyInclusion } from "../protocol/merkle.ts";

const LEAVES = 1_000_000;
const BIG_BATCH = 10_000;
const SMALL_BATCH = 100;
const SMALL_LEAVES = 20_000;
const PROOFS = 1_000;

const b = await startBenchCloud();
const db = b.cloud.deps.db;
const entry = (site: string, i: number) => ({
  applianceId: `${site}-app`,
  seq: i + 1,
  bundleHash: leafHash(Buffer.from(`${site} ${i}`)).toString("hex"),
});
const ms = (t: number) => performance.now() - t;
try {
  // Appends in ingest-sized transactions (an upload of 100 bundles).
  let t = performance.now();
  for (let i = 0; i < SMALL_LEAVES; i += SMALL_BATCH) {
    const batch = Array.from({ length: SMALL_BATCH }, (_, k) => entry("small", i + k));
    await db.transaction((tx) => appendToSiteLog(tx, "small", batch));
  }
  const smallRate = SMALL_LEAVES / (ms(t) / 1000);

  // The 1,000,000-leaf log, in large transactions.
  t = performance.now();
  for (let i = 0; i < LEAVES; i += BIG_BATCH) {
    const batch = Array.from({ length: BIG_BATCH }, (_, k) => entry("big", i + k));
    await db.transaction((tx) => appendToSiteLog(tx, "big", batch));
  }
  const bigRate = LEAVES / (ms(t) / 1000);

  // Proofs at full size, for random leaves and random earlier sizes.
  const rand = (n: number) => Math.floor(Math.random() * n);
  const incl: number[] = [];
  const inclVerify: number[] = [];
  let inclHashes = 0;
  for (let i = 0; i < PROOFS; i++) {
    const seq = rand(LEAVES) + 1;
    t = performance.now();
    const p = await inclusionProof(db, "big", { applianceId: "big-app", seq });
    incl.push(ms(t));
    inclHashes = Math.max(inclHashes, p.proof.length);
    t = performance.now();
    verifyInclusion(
      p.leafIndex,
      p.treeSize,
      leafHash(Buffer.from(p.bundleHash, "hex")),
      p.proof.map((h) => Buffer.from(h, "hex")),
      Buffer.from(p.root, "hex"),
    );
    inclVerify.push(ms(t));
  }
  const cons: number[] = [];
  let consHashes = 0;
  for (let i = 0; i < PROOFS; i++) {
    const from = rand(LEAVES - 1) + 1;
    t = performance.now();
    const p = await consistencyProof(db, "big", from, LEAVES);
    cons.push(ms(t));
    consHashes = Math.max(consHashes, p.proof.length);
    verifyConsistency(
      p.size1,
      p.size2,
      Buffer.from(p.root1, "hex"),
      Buffer.from(p.root2, "hex"),
      p.proof.map((h) => Buffer.from(h, "hex")),
    );
  }

  // Ceilings in this run: raw SHA-256 node hashing, and one round trip to the same database.
  const a = leafHash(Buffer.from("a"));
  t = performance.now();
  for (let i = 0; i < 200_000; i++) nodeHash(a, a);
  const shaRate = 200_000 / (ms(t) / 1000);
  const trips: number[] = [];
  for (let i = 0; i < PROOFS; i++) {
    t = performance.now();
    await db.execute(sql`SELECT 1`);
    trips.push(ms(t));
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const f = (x: number) => x.toFixed(3);
  console.log(`transparency log [${b.db}]`);
  console.log(
    `  appends: ${Math.round(smallRate)} leaves/s in transactions of ${SMALL_BATCH}; ${Math.round(bigRate)} leaves/s in transactions of ${BIG_BATCH} (${LEAVES} leaves)`,
  );
  console.log(
    `  inclusion proof at ${LEAVES} leaves: mean ${f(mean(incl))} ms, p99 ${f(percentile(incl, 99))} ms (target ≤ 1 ms); ≤ ${inclHashes} hashes (${inclHashes * 32} bytes); verify ${f(mean(inclVerify))} ms`,
  );
  console.log(
    `  consistency proof to ${LEAVES} leaves: mean ${f(mean(cons))} ms, p99 ${f(percentile(cons, 99))} ms (target ≤ 1 ms); ≤ ${consHashes} hashes (${consHashes * 32} bytes)`,
  );
  console.log(
    `  ceilings, same run: raw SHA-256 ${Math.round(shaRate)} node hashes/s (${f(1000 / shaRate)} ms each); one database round trip (SELECT 1) mean ${f(mean(trips))} ms, p99 ${f(percentile(trips, 99))} ms`,
  );
} finally {
  await b.stop();
}
