import { desc, eq, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { canonicalBytes } from "../../../protocol/canonical.ts";
import { sign, verify } from "../../../protocol/sign.ts";
import type { Db } from "../db/client.ts";
import { evidenceVerified } from "../db/schema/evidence.ts";
import type { CloudKeys } from "../keys/cloud-keys.ts";

/**
 * What ingest vouches for about one appliance's chain: every signature of bundles
 * #fromSeq–#throughSeq was verified with node:crypto when they arrived, and #throughSeq hashes to
 * throughHash (so the hash links vouch for the bytes of every bundle before it).
 */
export interface VerifiedRange {
  fromSeq: number;
  throughSeq: number;
  throughHash: string;
}

/** A record as stored: the range, who and when, and the cloud key's signature over all of it. */
export interface VerifiedRecord extends VerifiedRange {
  siteId: string;
  applianceId: string;
  verifiedAt: Date;
  keyId: string;
  sig: string;
}

function statement(r: Omit<VerifiedRecord, "keyId" | "sig">): Uint8Array {
  return canonicalBytes({
    v: 1,
    type: "evidence-verified",
    siteId: r.siteId,
    applianceId: r.applianceId,
    fromSeq: r.fromSeq,
    throughSeq: r.throughSeq,
    throughHash: r.throughHash,
    verifiedAt: r.verifiedAt.toISOString(),
  });
}

/** Sign a record with the cloud's key. */
export function sealVerified(keys: CloudKeys, r: Omit<VerifiedRecord, "keyId" | "sig">): VerifiedRecord {
  return { ...r, keyId: keys.keyId, sig: sign(statement(r), keys.secretKey) };
}

/**
 * The range an upload's record covers: it extends the appliance's previous record when that one
 * reached the head the upload continued from (so coverage stays one range from the first bundle
 * ingest saw), and otherwise starts at the upload's first stored bundle: bundles between the two
 * reached the chain some other way and are not vouched for.
 */
export function nextVerifiedFrom(
  previous: { fromSeq: number; throughSeq: number; throughHash: string } | null,
  headBefore: { seq: number; hash: string },
): number {
  if (headBefore.seq === 0) return 1;
  if (previous && previous.throughSeq === headBefore.seq && previous.throughHash === headBefore.hash) {
    return previous.fromSeq;
  }
  return headBefore.seq + 1;
}

/**
 * The latest record's range of the appliance `applianceId` names (a column or a value), as a
 * select-list expression (ingest reads it with the appliance's row lock, in the same statement):
 * JSON text `[fromSeq, throughSeq, throughHash]`, or null before the first record. Read it with
 * `verifiedRangeOf`.
 */
export function latestVerifiedSql(applianceId: SQLWrapper): SQL<string | null> {
  return sql<
    string | null
  >`(SELECT json_build_array(${evidenceVerified.fromSeq}, ${evidenceVerified.throughSeq},
      ${evidenceVerified.throughHash})::text
    FROM ${evidenceVerified} WHERE ${evidenceVerified.applianceId} = ${applianceId}
    ORDER BY ${evidenceVerified.throughSeq} DESC LIMIT 1)`;
}

/** The latest record of one appliance (read inside ingest's transaction, under the head lock). */
export async function latestVerifiedOf(tx: Db, applianceId: string): Promise<VerifiedRange | null> {
  const [row] = await tx
    .select({
      fromSeq: evidenceVerified.fromSeq,
      throughSeq: evidenceVerified.throughSeq,
      throughHash: evidenceVerified.throughHash,
    })
    .from(evidenceVerified)
    .where(eq(evidenceVerified.applianceId, applianceId))
    .orderBy(desc(evidenceVerified.throughSeq))
    .limit(1);
  return row
    ? { fromSeq: Number(row.fromSeq), throughSeq: Number(row.throughSeq), throughHash: row.throughHash }
    : null;
}

/** The range `latestVerifiedSql` selected. */
export function verifiedRangeOf(text: string | null): VerifiedRange | null {
  if (text === null) return null;
  const [fromSeq, throughSeq, throughHash] = JSON.parse(text) as [number | string, number | string, string];
  return { fromSeq: Number(fromSeq), throughSeq: Number(throughSeq), throughHash };
}

/**
 * Per appliance of a site, the range its latest record vouches for, keeping only records signed by
 * the cloud's current key: a record anyone else wrote (or one from before a key change) vouches for
 * nothing, and the audit then checks those signatures itself.
 */
export async function verifiedRanges(
  db: Db,
  siteId: string,
  keys: CloudKeys,
): Promise<Record<string, VerifiedRange>> {
  const rows = await db
    .selectDistinctOn([evidenceVerified.applianceId])
    .from(evidenceVerified)
    .where(eq(evidenceVerified.siteId, siteId))
    .orderBy(evidenceVerified.applianceId, desc(evidenceVerified.throughSeq));
  const out: Record<string, VerifiedRange> = {};
  for (const row of rows) {
    const r = { ...row, fromSeq: Number(row.fromSeq), throughSeq: Number(row.throughSeq) };
    if (r.keyId === keys.keyId && verify(statement(r), r.sig, keys.publicKey)) {
      out[r.applianceId] = { fromSeq: r.fromSeq, throughSeq: r.throughSeq, throughHash: r.throughHash };
    }
  }
  return out;
}
