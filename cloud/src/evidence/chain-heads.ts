import { and, desc, eq, lte } from "drizzle-orm";
import * as v from "valibot";
import { SignedChainHead } from "../../../protocol/chain-heads.ts";
import { verifyEnvelope } from "../../../protocol/signed.ts";
import type { Db, Tx } from "../db/client.ts";
import { appliances } from "../db/schema/appliances.ts";
import { chainHeads } from "../db/schema/chain-heads.ts";
import { badRequest } from "../http/errors.ts";

/**
 * The row that stores the chain head an appliance signed at check-in, after checking it names this
 * appliance and site and carries its identity key's signature (400 otherwise). Insert it with
 * ON CONFLICT DO NOTHING: the same sequence twice is stored once.
 */
export function chainHeadRow(
  who: { siteId: string; applianceId: string; publicKey: string },
  head: SignedChainHead,
  now: Date,
): typeof chainHeads.$inferInsert {
  const p = head.payload;
  if (p.applianceId !== who.applianceId || p.siteId !== who.siteId)
    throw badRequest(`signed chain head names ${p.siteId}/${p.applianceId}, not this appliance`);
  const check = verifyEnvelope(head, who.publicKey);
  if (!check.ok) throw badRequest(`signed chain head refused: ${check.reason}`);
  return {
    siteId: p.siteId,
    applianceId: p.applianceId,
    seq: p.seq,
    hash: p.hash,
    signedAt: new Date(p.at),
    envelope: head,
    receivedAt: now,
  };
}

/**
 * Per appliance of a site, the latest signed head the stored chain covers (seq at or below the
 * stored head): an appliance signs before its bundles are uploaded, so a later head may be ahead.
 */
export async function latestCoveredHeads(db: Db | Tx, siteId: string): Promise<SignedChainHead[]> {
  const rows = await db
    .selectDistinctOn([chainHeads.applianceId], { envelope: chainHeads.envelope })
    .from(chainHeads)
    .innerJoin(appliances, eq(appliances.id, chainHeads.applianceId))
    .where(and(eq(chainHeads.siteId, siteId), lte(chainHeads.seq, appliances.chainSeq)))
    .orderBy(chainHeads.applianceId, desc(chainHeads.seq));
  return rows.map((r) => v.parse(SignedChainHead, r.envelope));
}
