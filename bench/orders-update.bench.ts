/**
 * Orders and remote update on the agent: signed-order checks per second (signature, schema,
 * target, expiry), durable nonce claims per second (SQLite WAL, synchronous=FULL), and the
 * download → size + SHA-256 verify → atomic swap path for a 100 MB release from a loopback server.
 */
import { Database } from "bun:sqlite";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkOrder } from "../agent/src/orders/check.ts";
import { NonceStore } from "../agent/src/orders/nonces.ts";
import { sampleOrder, signOrder } from "../agent/src/orders/testing.ts";
import { downloadVerified } from "../agent/src/update/download.ts";
import { swapBinary } from "../agent/src/update/swap.ts";
import { sha256Hex } from "../protocol/hash.ts";
import { generateKeyPair } from "../protocol/sign.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-bench-orders-"));
try {
  const cloud = generateKeyPair();
  const now = new Date();
  const ctx = { cloudPublicKey: cloud.publicKey, siteId: "site-a", applianceId: "app-1", now };
  const envelopes = Array.from({ length: 5_000 }, () => signOrder(sampleOrder({}, now), cloud.secretKey));
  let t = performance.now();
  let ok = 0;
  for (const e of envelopes) if (checkOrder(e, ctx).ok) ok++;
  const checkRate = envelopes.length / ((performance.now() - t) / 1000);
  if (ok !== envelopes.length) throw new Error(`only ${ok} of ${envelopes.length} orders verified`);
  console.log(
    `order checks: ${Math.round(checkRate).toLocaleString("en")} orders/s (signature + schema + target + expiry)`,
  );

  const db = new Database(join(dir, "state.db"), { create: true });
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = FULL");
  const nonces = new NonceStore(db);
  t = performance.now();
  const expires = new Date(now.getTime() + 3600_000);
  for (let i = 0; i < 2_000; i++) nonces.claim(randomBytes(16).toString("hex"), `o${i}`, "h", expires, now);
  const claimRate = 2_000 / ((performance.now() - t) / 1000);
  console.log(
    `durable nonce claims: ${Math.round(claimRate).toLocaleString("en")} claims/s (one fsync'd commit each)`,
  );
  db.close();

  const size = 100 * 1024 * 1024;
  const release = new Uint8Array(randomBytes(size));
  const sha256 = sha256Hex(release);
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(release) });
  const target = join(dir, "malachor");
  writeFileSync(target, "old binary", { mode: 0o755 });
  t = performance.now();
  const meta = {
    version: "9.9.9",
    sha256,
    size,
    url: `http://127.0.0.1:${server.port}/bin`,
    platform: "linux-x64" as const,
    expiresAt: new Date(now.getTime() + 3600_000).toISOString(),
  };
  await downloadVerified((u) => fetch(u), meta, `${target}.new`);
  swapBinary(`${target}.new`, target);
  const secs = (performance.now() - t) / 1000;
  server.stop(true);
  console.log(
    `update: 100 MB downloaded, size + SHA-256 verified, fsync'd and swapped in ${secs.toFixed(2)} s (${Math.round(100 / secs)} MB/s)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
