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
  /** Always refused for retained objects: the store is write-once. */
  delete(key: string): Promise<void>;
}

/** A write that would change or remove stored evidence. */
export class ObjectLockedError extends Error {
  override name = "ObjectLockedError";
}

/** Object keys: `{site}/{YYYY}/{MM}/{appliance}-{seq}.json` (month of the bundle's creation, UTC). */
export function evidenceObjectKey(siteId: string, applianceId: string, seq: number, createdAt: Date): string {
  const yyyy = createdAt.getUTCFullYear().toString().padStart(4, "0");
  const mm = (createdAt.getUTCMonth() + 1).toString().padStart(2, "0");
  return `${siteId}/${yyyy}/${mm}/${applianceId}-${seq}.json`;
}

/** Keys are built from validated ids; refuse anything that could escape a directory. */
export function assertSafeKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(key) || key.includes("..")) {
    throw new Error(`object key "${key}" is not a safe relative path`);
  }
}
