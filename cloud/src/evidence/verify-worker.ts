/// <reference lib="webworker" />
/**
 * Worker half of verify-pool.ts: verifies ingest's signatures, walks parts of a stored chain or
 * searches them, off the cloud's event loop. Only ever loaded as a worker.
 */
import { verify } from "../../../protocol/sign.ts";
import { findInPart, walkChainPart } from "./chain-walk.ts";
import { unpackTexts } from "./packed-texts.ts";
import type { VerifyJob } from "./verify-pool.ts";

declare const self: Worker;

const encoder = new TextEncoder();

/** Each entry is signature (128 hex) + key (64 hex) + signed text (see signatureEntry). */
function verifyEntries(entries: string[]): Uint8Array {
  return Uint8Array.from(entries, (e) =>
    verify(encoder.encode(e.slice(192)), e.slice(0, 128), e.slice(128, 192)) ? 1 : 0,
  );
}

async function run(job: VerifyJob): Promise<unknown> {
  if (job.op === "signatures") return verifyEntries(unpackTexts(job.texts));
  const bodies = unpackTexts(job.texts);
  return job.op === "walk" ? walkChainPart({ ...job.req, bodies }) : findInPart({ ...job.req, bodies });
}

self.onmessage = (e: MessageEvent<VerifyJob>) => {
  const job = e.data;
  run(job).then(
    (result) => self.postMessage({ id: job.id, result }),
    (err: unknown) =>
      self.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) }),
  );
};
