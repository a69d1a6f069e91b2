import { existsSync, renameSync } from "node:fs";
import { asc, min } from "drizzle-orm";
import * as v from "valibot";
import {
  type CloudKeyView,
  type KeyRotation,
  type SignedKeyRotation,
  SignedKeyRotation as SignedKeyRotationSchema,
} from "../../../protocol/key-rotation.ts";
import { signPayload } from "../../../protocol/signed.ts";
import type { Db, Tx } from "../db/client.ts";
import { cloudKeys } from "../db/schema/keys.ts";
import { tlogCheckpoints } from "../db/schema/transparency.ts";
import { type CloudKeys, freshCloudKeys, loadOrCreateCloudKeys, writeCloudKeyFile } from "./cloud-keys.ts";

/** Default overlap: how long the replaced key's signatures stay valid after a rotation. */
export const DEFAULT_OVERLAP_HOURS = 7 * 24;

/** Thrown when the key an instance would sign with is not the one the database names current. */
export class KeyringError extends Error {
  override name = "KeyringError";
}

/** Every key the cloud has signed with, oldest first, each with its validity window. */
export async function cloudKeyHistory(db: Db | Tx): Promise<CloudKeyView[]> {
  const rows = await db.select().from(cloudKeys).orderBy(asc(cloudKeys.validFrom));
  return rows.map((r, i) => {
    const next = rows[i + 1];
    return {
      keyId: r.keyId,
      publicKey: r.publicKey,
      validFrom: r.validFrom.toISOString(),
      validUntil: next?.previousValidUntil?.toISOString() ?? null,
      rotation: r.rotation === null ? null : v.parse(SignedKeyRotationSchema, r.rotation),
    };
  });
}

/** The rotations, oldest first: what an appliance walks from the key it was enrolled with. */
export function rotationChain(history: CloudKeyView[]): SignedKeyRotation[] {
  return history.flatMap((k) => (k.rotation ? [k.rotation] : []));
}

/**
 * Check, at start, that `keys` is the key the cloud signs with now: the first start registers it
 * (valid from the earliest checkpoint it may already have signed, else now); later starts must
 * hold the newest registered key. A key file the database does not list, or one a rotation retired,
 * stops the instance rather than have it sign what appliances will refuse.
 */
export async function registerCloudKey(db: Db, keys: CloudKeys, now: Date): Promise<void> {
  const history = await cloudKeyHistory(db);
  if (history.length === 0) {
    const [first] = await db.select({ at: min(tlogCheckpoints.createdAt) }).from(tlogCheckpoints);
    const at = first?.at ? new Date(Math.min(new Date(first.at).getTime(), now.getTime())) : now;
    await db
      .insert(cloudKeys)
      .values({ keyId: keys.keyId, publicKey: keys.publicKey, validFrom: at, createdAt: now })
      .onConflictDoNothing();
    return registerCloudKey(db, keys, now);
  }
  const newest = history[history.length - 1]!;
  if (newest.keyId === keys.keyId) return;
  const known = history.find((k) => k.keyId === keys.keyId);
  throw new KeyringError(
    known
      ? `the cloud key file holds key ${keys.keyId}, retired by the rotation to ${newest.keyId} at ${newest.validFrom}: install the current key file on this instance`
      : `the cloud key file holds key ${keys.keyId}, which the database does not list (its current key is ${newest.keyId}): restore the key file, or rotate with \`main.ts keys rotate\``,
  );
}

/**
 * Rotate: a fresh key, introduced by a message `current` signs, registered in the database. The
 * replaced key's signatures stay valid for `overlapMs` (instances still holding it, orders it signed).
 */
export async function rotateKeys(
  db: Db,
  current: CloudKeys,
  now: Date,
  overlapMs: number,
  next: CloudKeys = freshCloudKeys(),
): Promise<{ next: CloudKeys; rotation: SignedKeyRotation }> {
  await registerCloudKey(db, current, now);
  const payload: KeyRotation = {
    purpose: "malachor-cloud-key-rotation/v1",
    previousKeyId: current.keyId,
    keyId: next.keyId,
    publicKey: next.publicKey,
    validFrom: now.toISOString(),
    previousValidUntil: new Date(now.getTime() + overlapMs).toISOString(),
  };
  const rotation = signPayload(payload, current.secretKey);
  await db.insert(cloudKeys).values({
    keyId: next.keyId,
    publicKey: next.publicKey,
    validFrom: now,
    previousValidUntil: new Date(payload.previousValidUntil),
    rotation,
    createdAt: now,
  });
  return { next, rotation };
}

/**
 * `main.ts keys rotate`: rotate the key in `file`. The new key is written beside it (`<file>.new`,
 * 0600) before the database registers it and moved over the old one after, so a run that stopped
 * midway is finished by the next start (`finishRotation`) or a repeated command.
 */
export async function rotateCloudKeyFile(
  db: Db,
  file: string,
  now: Date,
  overlapMs: number,
): Promise<{ previous: CloudKeys; next: CloudKeys; rotation: SignedKeyRotation | null }> {
  const resumed = await finishRotation(db, file);
  if (resumed) return { ...resumed, rotation: null };
  const current = loadOrCreateCloudKeys(file);
  const next = freshCloudKeys();
  writeCloudKeyFile(`${file}.new`, next.secretKey);
  const { rotation } = await rotateKeys(db, current, now, overlapMs, next);
  renameSync(`${file}.new`, file);
  return { previous: current, next, rotation };
}

/**
 * A rotation interrupted after the database registered `<file>.new`: move it over `file`. Returns
 * the keys when it did; a `.new` file the database does not list is left for a technician.
 */
export async function finishRotation(
  db: Db,
  file: string,
): Promise<{ previous: CloudKeys; next: CloudKeys } | null> {
  if (!existsSync(`${file}.new`)) return null;
  const next = loadOrCreateCloudKeys(`${file}.new`);
  const history = await cloudKeyHistory(db);
  if (history[history.length - 1]?.keyId !== next.keyId) {
    throw new KeyringError(
      `${file}.new holds key ${next.keyId}, which is not the database's current key: remove it or run the rotation again`,
    );
  }
  const previous = loadOrCreateCloudKeys(file);
  renameSync(`${file}.new`, file);
  return { previous, next };
}
