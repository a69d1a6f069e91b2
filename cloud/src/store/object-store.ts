import { gunzipSync, gzipSync } from "node:zlib";
import { ID_PATTERN } from "../../../protocol/common.ts";

/** Result of writing an evidence object. */
export type PutOutcome = "created" | "already-present";

/**
 * WORM object store for evidence bundles. `put` never overwrites: an identical object already
 * present is "already-present" (so a retried write is harmless), a different one is an error.
 */
export interface ObjectStore {
  readonly kind: "dir" | "s3";
  put(key: string, body: Uint8Array, opts: { retainUntil: Date }): Promise<PutOutcome>;
  get(key: string): Promise<Uint8Array | null>;
  /** Every key under `prefix` ("" for all), in no particular order (disaster recovery reads them all). */
  list(prefix: string): AsyncIterable<string>;
  /** Always refused for retained objects: the store is write-once. */
  delete(key: string): Promise<void>;
}

/**
 * A write the store refuses for good: retrying it can never succeed (the outbox parks such an
 * entry and raises an alert instead of retrying it at full speed).
 */
export class PermanentStoreError extends Error {
  override name = "PermanentStoreError";
}

/** A write that would change or remove stored evidence. */
export class ObjectLockedError extends PermanentStoreError {
  override name = "ObjectLockedError";
}

/** A key the store will not accept (not built from valid ids). */
export class UnsafeKeyError extends PermanentStoreError {
  override name = "UnsafeKeyError";
}

/**
 * Object keys: `{site}/{YYYY}/{MM}/{appliance}-{seq}.json` (month of the bundle's creation, UTC),
 * `.json.gz` for a body stored gzip-compressed (see evidenceObjectBytes).
 * Built only from ids matching protocol's ID_PATTERN, so every key it returns passes assertSafeKey.
 */
export function evidenceObjectKey(
  siteId: string,
  applianceId: string,
  seq: number,
  createdAt: Date,
  opts: { gzip?: boolean } = {},
): string {
  for (const [what, id] of [
    ["site id", siteId],
    ["appliance id", applianceId],
  ] as const) {
    if (!ID_PATTERN.test(id))
      throw new UnsafeKeyError(`${what} "${id}" is not a valid id; no object key for it`);
  }
  if (!Number.isSafeInteger(seq) || seq < 0) throw new UnsafeKeyError(`sequence number ${seq} is not valid`);
  if (Number.isNaN(createdAt.getTime())) throw new UnsafeKeyError("the bundle's creation time is not a date");
  const yyyy = createdAt.getUTCFullYear().toString().padStart(4, "0");
  const mm = (createdAt.getUTCMonth() + 1).toString().padStart(2, "0");
  return `${siteId}/${yyyy}/${mm}/${applianceId}-${seq}.json${opts.gzip ? ".gz" : ""}`;
}

/**
 * The bytes stored for a bundle body under `key`: gzip (RFC 1952, node:zlib, level 9) when the key
 * ends in `.gz`, the UTF-8 text otherwise. zlib writes no time or name into the header, so the same
 * body always gives the same bytes and a retried WORM write is still "already-present".
 */
export function evidenceObjectBytes(key: string, body: string): Uint8Array {
  const bytes = new TextEncoder().encode(body);
  return key.endsWith(".gz") ? gzipSync(bytes, { level: 9 }) : bytes;
}

/**
 * The body text of the bytes stored under `key` (the inverse of evidenceObjectBytes): gunzipped for a
 * `.gz` key, then decoded as strict UTF-8 (invalid bytes are an error, never replaced).
 */
export function evidenceObjectText(key: string, bytes: Uint8Array): string {
  const raw = key.endsWith(".gz") ? gunzipSync(bytes) : bytes;
  return new TextDecoder("utf-8", { fatal: true }).decode(raw);
}

/** Keys are built from validated ids; refuse anything that could escape a directory. */
export function assertSafeKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(key) || key.includes("..")) {
    throw new UnsafeKeyError(`object key "${key}" is not a safe relative path`);
  }
}
