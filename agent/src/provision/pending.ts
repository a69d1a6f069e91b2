import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { Hex64, Id, KeyId, Timestamp } from "../../../protocol/common.ts";
import { MacAddress } from "../../../protocol/provision.ts";
import type { Config } from "../config/schema.ts";
import { writeSecretFile } from "../config/secret.ts";
import { openState } from "../daemon/state.ts";
import { getMeta, setMeta } from "../queue/db.ts";

/**
 * An enrolment the cloud granted whose local steps (hand-over, key, config) have not all run
 * yet: kept beside the API key so a run interrupted after the cloud answered resumes instead of
 * asking again (a one-time code or an approved claim answers only once).
 */
export const Granted = v.strictObject({
  siteId: Id,
  applianceId: Id,
  cloudUrl: v.pipe(v.string(), v.url()),
  cloudPublicKey: Hex64,
  keyId: KeyId,
  at: Timestamp,
});
export type Granted = v.InferOutput<typeof Granted>;

const grantedFile = (stateDir: string) => join(stateDir, "enrolment.json");

/** The granted enrolment left by an interrupted run, if any. */
export function readGranted(stateDir: string): Granted | undefined {
  const file = grantedFile(stateDir);
  if (!existsSync(file)) return undefined;
  const r = v.safeParse(Granted, JSON.parse(readFileSync(file, "utf8")));
  return r.success ? r.output : undefined;
}

/** Remember a granted enrolment (0600, atomically) until its local steps are done. */
export function writeGranted(stateDir: string, g: Granted): void {
  writeSecretFile(grantedFile(stateDir), `${JSON.stringify(g)}\n`);
}

/** The enrolment is complete. */
export function clearGranted(stateDir: string): void {
  rmSync(grantedFile(stateDir), { force: true });
}

/** Meta key of a claim waiting for a technician, read by the status page. */
export const PENDING_CLAIM_META = "provision.claim";

/** A claim this appliance made that waits for a technician's approval. */
export const PendingClaim = v.strictObject({
  mac: MacAddress,
  claimId: Id,
  fingerprint: v.string(),
  cloudUrl: v.string(),
  since: Timestamp,
});
export type PendingClaim = v.InferOutput<typeof PendingClaim>;

/** Record (or with `undefined`, clear) the waiting claim in the state database of `config`. */
export function recordPendingClaim(config: Config, claim: PendingClaim | undefined): void {
  const { db } = openState(config);
  try {
    if (claim) {
      const before = getMeta(db, PENDING_CLAIM_META);
      const since = before ? (JSON.parse(before) as PendingClaim).since : claim.since;
      setMeta(db, PENDING_CLAIM_META, JSON.stringify({ ...claim, since }));
    } else db.query("DELETE FROM meta WHERE name = ?").run(PENDING_CLAIM_META);
  } finally {
    db.close();
  }
}

/** The waiting claim recorded in a state database, if any. */
export function pendingClaimIn(db: Parameters<typeof getMeta>[0]): PendingClaim | undefined {
  const raw = getMeta(db, PENDING_CLAIM_META);
  if (!raw) return undefined;
  const r = v.safeParse(PendingClaim, JSON.parse(raw));
  return r.success ? r.output : undefined;
}
