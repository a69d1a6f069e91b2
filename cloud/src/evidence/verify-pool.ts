import { availableParallelism } from "node:os";
import type { FindRequest, findInPart, WalkRequest, WalkResult } from "./chain-walk.ts";
import { type PackedTexts, packTexts } from "./packed-texts.ts";

type FindResult = ReturnType<typeof findInPart>;

/** One signature to verify: the signed text (its UTF-8 bytes are what was signed), signature and key (hex). */
export interface SignatureCheck {
  text: string;
  sig: string;
  publicKey: string;
}

const SIG = /^[0-9a-f]{128}$/;
const KEY = /^[0-9a-f]{64}$/;
/**
 * Fewer checks than this go to one worker (splitting costs more than it saves): an upload of 100
 * bundles is split in two (each part ~4 ms of verification against ~0.1 ms to post it).
 */
const MIN_SPLIT = 32;

/**
 * A check as one text for a worker: signature and key have fixed widths, so they lead the signed
 * text (see verify-worker.ts), and the lot travels as packed texts.
 */
export function signatureEntry(c: SignatureCheck): string {
  return `${c.sig}${c.publicKey}${c.text}`;
}

/** What a job needs, by kind. */
type JobBody =
  | { op: "walk"; texts: PackedTexts; req: Omit<WalkRequest, "bodies"> }
  | { op: "find"; texts: PackedTexts; req: Omit<FindRequest, "bodies"> }
  | { op: "signatures"; texts: PackedTexts };

/** A message to a worker (verify-worker.ts): one job, answered with the same id. */
export type VerifyJob = JobBody & { id: number };

/** Worker threads for evidence verification: signatures at ingest, chain walks and searches for the audit. */
export interface VerifyPool {
  readonly size: number;
  /**
   * Verify signatures with node:crypto (protocol/sign.ts `verify`, the function `malachor evidence
   * verify` uses), spread over the workers; a signature or key that is not well-formed hex is false.
   */
  verifySignatures(checks: readonly SignatureCheck[]): Promise<boolean[]>;
  walk(req: WalkRequest): Promise<WalkResult>;
  find(req: FindRequest): Promise<FindResult>;
  close(): void;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * A pool of `size` workers; each job goes to the worker with the fewest jobs in flight. The workers
 * do not keep the process alive. A worker that dies fails its jobs and is replaced.
 */
export function verifyPool(size = Math.max(1, Math.min(4, availableParallelism()))): VerifyPool {
  let nextId = 0;
  let closed = false;
  const start = (): Slot => {
    const slot: Slot = {
      worker: new Worker(new URL("./verify-worker.ts", import.meta.url)),
      pending: new Map(),
    };
    // Bun's Worker has unref() (Node's semantics); the web Worker type lacks it.
    (slot.worker as Worker & { unref(): void }).unref();
    slot.worker.addEventListener(
      "message",
      (e: MessageEvent<{ id: number; result?: unknown; error?: string }>) => {
        const p = slot.pending.get(e.data.id);
        if (!p) return;
        slot.pending.delete(e.data.id);
        if (e.data.error !== undefined) p.reject(new Error(`evidence verify worker: ${e.data.error}`));
        else p.resolve(e.data.result);
      },
    );
    slot.worker.addEventListener("error", (e) => {
      const failed = [...slot.pending.values()];
      slot.pending.clear();
      slot.worker.terminate();
      if (!closed) slots[slots.indexOf(slot)] = start();
      for (const p of failed) p.reject(new Error(`evidence verify worker failed: ${e.message}`));
    });
    return slot;
  };
  const slots = Array.from({ length: size }, start);
  const run = <T>(job: JobBody) =>
    new Promise<T>((resolve, reject) => {
      if (closed) throw new Error("evidence verify workers are closed");
      const slot = slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = nextId++;
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      slot.worker.postMessage({ ...job, id });
    });
  return {
    size,
    walk: ({ bodies, ...req }) => run<WalkResult>({ op: "walk", texts: packTexts(bodies), req }),
    find: ({ bodies, ...req }) => run<FindResult>({ op: "find", texts: packTexts(bodies), req }),
    async verifySignatures(checks) {
      const out = checks.map(() => false);
      const wellFormed = [...checks.keys()].filter(
        (i) => SIG.test(checks[i]!.sig) && KEY.test(checks[i]!.publicKey),
      );
      const parts = Math.max(1, Math.min(size, Math.floor(wellFormed.length / MIN_SPLIT)));
      const per = Math.ceil(wellFormed.length / parts);
      await Promise.all(
        Array.from({ length: parts }, async (_, p) => {
          const mine = wellFormed.slice(p * per, (p + 1) * per);
          if (mine.length === 0) return;
          const texts = packTexts(mine.map((i) => signatureEntry(checks[i]!)));
          const valid = await run<Uint8Array>({ op: "signatures", texts });
          for (const [j, i] of mine.entries()) out[i] = valid[j] === 1;
        }),
      );
      return out;
    },
    close() {
      closed = true;
      for (const s of slots) {
        s.worker.terminate();
        for (const p of s.pending.values()) p.reject(new Error("evidence verify workers closed"));
      }
    },
  };
}

let shared: VerifyPool | undefined;

/** The process's pool, started on first use (one pool serves every ingest and audit of the process). */
export function sharedVerifyPool(): VerifyPool {
  shared ??= verifyPool();
  return shared;
}
