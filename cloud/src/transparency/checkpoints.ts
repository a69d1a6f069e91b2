import { desc, eq, sql } from "drizzle-orm";
import { formatCheckpoint, type NoteKey, noteVerifierKey, signNote } from "../../../protocol/checkpoint.ts";
import type { CloudConfig } from "../config.ts";
import type { Db, Tx } from "../db/client.ts";
import { tlogCheckpoints, tlogHeads } from "../db/schema/transparency.ts";
import type { CloudDeps } from "../deps.ts";
import type { Job } from "../jobs/job.ts";
import { cloudKeyHistory } from "../keys/keyring.ts";
import { siteLogHead } from "./append.ts";

/** A stored checkpoint as the API shows it. */
export interface CheckpointView {
  siteId: string;
  size: number;
  root: string;
  note: string;
  keyId: string;
  createdAt: string;
  /** The note verifier key (`name+hash+key`) an auditor pins for this log. */
  verifierKey: string;
}

/**
 * The log's origin line, which is also its key name: the cloud's host and the site, schema-less as
 * the checkpoint format asks ("cloud.example/tlog/clinic-1").
 */
export function siteOrigin(config: CloudConfig, siteId: string): string {
  return `${new URL(config.publicUrl).host}/tlog/${siteId}`;
}

/** The key a site's checkpoints are signed with, as `openNote` takes it. */
export function checkpointKey(deps: Pick<CloudDeps, "config" | "keys">, siteId: string): NoteKey {
  return { name: siteOrigin(deps.config, siteId), publicKey: deps.keys.publicKey };
}

function view(
  row: typeof tlogCheckpoints.$inferSelect,
  deps: Pick<CloudDeps, "config" | "keys">,
  publicKey = deps.keys.publicKey,
): CheckpointView {
  const key = { ...checkpointKey(deps, row.siteId), publicKey };
  return {
    siteId: row.siteId,
    size: Number(row.size),
    root: row.root,
    note: row.note,
    keyId: row.keyId,
    createdAt: row.createdAt.toISOString(),
    verifierKey: noteVerifierKey(key.name, key.publicKey),
  };
}

/** Sign and store a checkpoint of the site's log as it stands now. */
export async function issueCheckpoint(
  db: Db | Tx,
  deps: Pick<CloudDeps, "config" | "keys" | "clock">,
  siteId: string,
): Promise<CheckpointView> {
  const head = await siteLogHead(db, siteId);
  const key = checkpointKey(deps, siteId);
  const body = formatCheckpoint({ origin: key.name, size: head.size, root: head.root, extensions: [] });
  const [row] = await db
    .insert(tlogCheckpoints)
    .values({
      siteId,
      size: head.size,
      root: head.root,
      note: signNote(body, key.name, deps.keys.secretKey, deps.keys.publicKey),
      keyId: deps.keys.keyId,
      createdAt: deps.clock.now(),
    })
    .returning();
  return view(row!, deps);
}

/** The site's newest checkpoint, or null before its first. */
export async function latestCheckpoint(
  db: Db | Tx,
  deps: Pick<CloudDeps, "config" | "keys">,
  siteId: string,
): Promise<CheckpointView | null> {
  const [row] = await db
    .select()
    .from(tlogCheckpoints)
    .where(eq(tlogCheckpoints.siteId, siteId))
    .orderBy(desc(tlogCheckpoints.id))
    .limit(1);
  if (!row) return null;
  // Signed before a rotation: its verifier key is the key that signed it.
  if (row.keyId === deps.keys.keyId) return view(row, deps);
  const signer = (await cloudKeyHistory(db)).find((k) => k.keyId === row.keyId);
  return view(row, deps, signer?.publicKey);
}

/**
 * Sign a checkpoint for every site whose log grew since its last one, once that one is
 * `checkpointEveryMin` old (a site's first checkpoint is due as soon as it has a leaf).
 */
export async function issueDueCheckpoints(deps: CloudDeps): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.config.checkpointEveryMin * 60_000);
  const due = await deps.db
    .select({ siteId: tlogHeads.siteId })
    .from(tlogHeads)
    .where(
      sql`${tlogHeads.size} > 0 AND NOT EXISTS (SELECT 1 FROM ${tlogCheckpoints} cp
        WHERE cp.site_id = ${tlogHeads.siteId} AND (cp.size = ${tlogHeads.size} OR cp.created_at > ${cutoff.toISOString()}))`,
    );
  for (const { siteId } of due) await issueCheckpoint(deps.db, deps, siteId);
  return due.length;
}

/** Job: checkpoints as they fall due (ticks every minute under its lease). */
export const checkpointJob: Job = {
  name: "tlog-checkpoints",
  everyMs: 60_000,
  run: async (deps) => {
    const n = await issueDueCheckpoints(deps);
    if (n > 0) deps.logger.info("transparency: checkpoints signed", { sites: n });
  },
};
