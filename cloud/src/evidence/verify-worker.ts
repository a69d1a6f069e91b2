/// <reference lib="webworker" />
/**
 * Worker half of verify-pool.ts: verifies ingest's signatures, walks parts of a stored chain or
 * searches them, off the cloud's event loop; on Postgres it reads windows of the chain itself, over
 * a connection of its own, so the texts never cross threads. Only ever loaded as a worker.
 */
import { SQL } from "bun";
import { verify } from "../../../protocol/sign.ts";
import { type ConnectionOptions, readWindow } from "./audit-windows.ts";
import { findInPart, walkChainPart } from "./chain-walk.ts";
import { unpackTexts } from "./packed-texts.ts";
import type { VerifyJob } from "./verify-pool.ts";

declare const self: Worker;

let connection: { key: string; sql: SQL } | undefined;

function sqlFor(options: ConnectionOptions): SQL {
  const key = JSON.stringify(options);
  if (connection?.key !== key) {
    void connection?.sql.close();
    // One connection, closed when idle (the audit that needed it has finished).
    connection = { key, sql: new SQL({ ...options, max: 1, idleTimeout: 30 }) };
  }
  return connection.sql;
}

const encoder = new TextEncoder();

/** Each entry is signature (128 hex) + key (64 hex) + signed text (see signatureEntry). */
function verifyEntries(entries: string[]): Uint8Array {
  return Uint8Array.from(entries, (e) =>
    verify(encoder.encode(e.slice(192)), e.slice(0, 128), e.slice(128, 192)) ? 1 : 0,
  );
}

async function run(job: VerifyJob): Promise<unknown> {
  if (job.op === "signatures") return verifyEntries(unpackTexts(job.texts));
  if (job.op === "window") {
    const { connection: options, siteId, window, ...req } = job.req;
    const bodies = await readWindow(sqlFor(options), siteId, window);
    return {
      rows: bodies.length,
      walk: walkChainPart({ ...req, bodies, indexOffset: 0, starts: {}, claim: true }),
    };
  }
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
