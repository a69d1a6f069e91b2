/**
 * A site's program chain: every compliance-program record becomes one evidence bundle (applianceId
 * "program", kind "event", one attestation event carrying the record), signed by the cloud's key
 * and linked to the previous one, so `malachor evidence verify program.jsonl --pubkey <cloud key>`
 * checks it like any appliance's chain.
 */
import { asc, desc, eq } from "drizzle-orm";
import * as v from "valibot";
import { canonicalize } from "../../../protocol/canonical.ts";
import { type ChainResult, verifyChain } from "../../../protocol/chain.ts";
import { buildBundle, bundleHash, type EvidenceBundle, GENESIS_HASH } from "../../../protocol/evidence.ts";
import {
  type DatedRecord,
  PROGRAM_CHAIN_ID,
  ProgramRecord,
  recordCitations,
} from "../../../protocol/program.ts";
import { type ProgramState, replayProgram } from "../../../protocol/program-state.ts";
import { actorLabel } from "../actor.ts";
import { writeAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { programChain } from "../db/schema/program.ts";

/** Append one record to the site's program chain inside `tx` (with its audit row); returns its seq. */
export async function appendRecord(
  tx: Db,
  ctx: ServiceContext,
  siteId: string,
  record: ProgramRecord,
  summary: string,
): Promise<number> {
  const [head] = await tx
    .select({ seq: programChain.seq, hash: programChain.hash })
    .from(programChain)
    .where(eq(programChain.siteId, siteId))
    .orderBy(desc(programChain.seq))
    .limit(1);
  const at = ctx.clock.now();
  const bundle = buildBundle(
    { siteId, applianceId: PROGRAM_CHAIN_ID },
    head ? { seq: Number(head.seq), hash: head.hash } : { seq: 0, hash: GENESIS_HASH },
    {
      kind: "event",
      createdAt: at.toISOString(),
      citations: recordCitations(record),
      events: [
        {
          type: "attestation",
          at: at.toISOString(),
          summary: summary.slice(0, 500),
          details: { program: record, actor: actorLabel(ctx.actor) },
        },
      ],
    },
    ctx.keys.secretKey,
  );
  // A concurrent append for the same site collides on (site_id, seq) and fails its transaction:
  // the chain never forks.
  await tx.insert(programChain).values({
    siteId,
    seq: bundle.seq,
    hash: bundleHash(bundle),
    prevHash: bundle.prevHash,
    keyId: bundle.keyId,
    recordType: record.type,
    createdAt: at,
    body: canonicalize(bundle),
  });
  await writeAudit(tx, ctx, {
    action: `program.${record.type}`,
    target: `site:${siteId}`,
    siteId,
    args: record,
  });
  return bundle.seq;
}

/** The site's program bundles as stored (canonical text), in sequence order. */
export async function programBodies(db: Db, siteId: string): Promise<string[]> {
  const rows = await db
    .select({ body: programChain.body })
    .from(programChain)
    .where(eq(programChain.siteId, siteId))
    .orderBy(asc(programChain.seq));
  return rows.map((r) => r.body);
}

const Carried = v.object({ program: ProgramRecord, actor: v.string() });

/** The records of stored program bundles, parsed by the wire schema (a bad body names its seq). */
export function recordsOf(bodies: readonly string[]): DatedRecord[] {
  return bodies.map((body) => {
    const b = JSON.parse(body) as EvidenceBundle;
    const ev = b.events[0];
    const r = v.safeParse(Carried, ev?.details);
    if (!ev || !r.success)
      throw new Error(`program chain of ${b.siteId}: bundle #${b.seq} carries no program record`);
    return { seq: b.seq, at: ev.at, actor: r.output.actor, record: r.output.program };
  });
}

/** Read a site's program records. */
export async function readRecords(db: Db, siteId: string): Promise<DatedRecord[]> {
  return recordsOf(await programBodies(db, siteId));
}

/**
 * Verify a site's program chain with protocol's verifier (the CLI's verdict) against the cloud's
 * keys (every key it has had: records signed before a rotation keep verifying).
 */
export async function verifyProgramChain(
  db: Db,
  siteId: string,
  cloudPublicKeys: string[],
): Promise<ChainResult> {
  const bodies = await programBodies(db, siteId);
  return verifyChain(
    bodies.map((b) => JSON.parse(b)),
    cloudPublicKeys,
    { canonicalTexts: bodies },
  );
}

/** The program's state as the records in `db` (or a transaction) say now. */
export async function stateIn(db: Db, siteId: string): Promise<ProgramState> {
  return replayProgram(await readRecords(db, siteId));
}
