import { availableParallelism } from "node:os";
import type { ChainResult, ChainStarts } from "../../../protocol/chain.ts";
import type { PageVerifier } from "./verify-site.ts";
import { verifyStoredChain } from "./verify-stored.ts";

/** A pool of verifier workers and how to stop it. */
export interface ParallelVerifier {
  verify: PageVerifier;
  close(): void;
}

const APPLIANCE_PREFIX = '{"applianceId":';

/**
 * Where each appliance's part of a chunk claims to start: (seq − 1, prevHash) of its first bundle.
 * Stored texts are canonical, so `applianceId` is the first member and only the first bundle of
 * each appliance needs parsing. Wrong claims (from odd texts) only send the page to the inline path.
 */
function claimedStarts(bodies: string[]): ChainStarts {
  const starts: ChainStarts = {};
  for (const b of bodies) {
    const end = b.startsWith(APPLIANCE_PREFIX) ? b.indexOf('"', APPLIANCE_PREFIX.length + 1) : -1;
    const app = end > 0 ? b.slice(APPLIANCE_PREFIX.length + 1, end) : null;
    if (app !== null && app in starts) continue;
    const o = JSON.parse(b) as { applianceId?: unknown; seq?: unknown; prevHash?: unknown };
    if (typeof o.applianceId !== "string" || typeof o.seq !== "number" || typeof o.prevHash !== "string") {
      return {};
    }
    if (!(o.applianceId in starts)) starts[o.applianceId] = { seq: o.seq - 1, hash: o.prevHash };
  }
  return starts;
}

/**
 * Verify pages of a chain on `workers` threads (node:crypto verify is per core): a page is cut into
 * contiguous chunks, each verified from the head its first bundle claims, and the seams are then
 * checked against the previous chunk's real heads. Anything short of a clean pass is re-verified
 * inline, so the first break reported is exactly the sequential verifier's.
 */
export function parallelVerifier(
  workers = Math.max(1, Math.min(4, availableParallelism())),
): ParallelVerifier {
  const pool = Array.from(
    { length: workers },
    () => new Worker(new URL("./verify-worker.ts", import.meta.url)),
  );
  let nextId = 0;
  const run = (w: Worker, bodies: string[], keys: string[], starts: ChainStarts) =>
    new Promise<ChainResult>((resolve, reject) => {
      const id = nextId++;
      const onMessage = (e: MessageEvent<{ id: number; result: ChainResult }>) => {
        if (e.data.id !== id) return;
        w.removeEventListener("message", onMessage);
        resolve(e.data.result);
      };
      w.addEventListener("message", onMessage);
      w.addEventListener("error", (e) => reject(new Error(`chain verify worker failed: ${e.message}`)), {
        once: true,
      });
      w.postMessage({ id, bodies, keys, starts });
    });

  const verify: PageVerifier = async (bodies, keys, starts) => {
    const inline = () => verifyStoredChain(bodies, keys, starts);
    if (bodies.length < 256 * workers) return inline();
    const size = Math.ceil(bodies.length / workers);
    const chunks = pool.map((_, i) => bodies.slice(i * size, (i + 1) * size)).filter((c) => c.length > 0);
    const claimed = chunks.map((c) => claimedStarts(c));
    const claims = chunks.map((_, i) => (i === 0 ? starts : { ...starts, ...claimed[i] }));
    const results = await Promise.all(chunks.map((c, i) => run(pool[i]!, c, keys, claims[i]!)));
    let heads: ChainStarts = { ...starts };
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      if (!r.ok) return inline();
      // Seam check: what chunk i assumed must be what the chunks before it really ended at.
      for (const [app, claim] of Object.entries(claimed[i]!)) {
        const real = heads[app] ?? { seq: 0, hash: "0".repeat(64) };
        if (i > 0 && (real.seq !== claim.seq || real.hash !== claim.hash)) return inline();
      }
      heads = { ...heads, ...r.heads };
    }
    return { ok: true, count: bodies.length, heads };
  };
  return {
    verify,
    close: () => {
      for (const w of pool) w.terminate();
    },
  };
}
