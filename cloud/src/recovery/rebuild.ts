import { and, eq, inArray } from "drizzle-orm";
import * as v from "valibot";
import { canonicalize } from "../../../protocol/canonical.ts";
import { describeIssues } from "../../../protocol/common.ts";
import { EvidenceBundle, GENESIS_HASH } from "../../../protocol/evidence.ts";
import { sha256Hex } from "../../../protocol/hash.ts";
import type { RetentionFloor } from "../../../protocol/retention-floor.ts";
import type { ServiceContext } from "../context.ts";
import { appliances } from "../db/schema/appliances.ts";
import { evidenceChain } from "../db/schema/evidence.ts";
import { auditSiteChain, type SiteAudit } from "../evidence/chain-audit.ts";
import { ensureEvidencePartitions } from "../evidence/partitions.ts";
import { siteRetentionFloors } from "../evidence/retention-floors.ts";

const KEY = /^([^/]+)\/\d{4}\/\d{2}\/(.+)-(\d+)\.json(\.gz)?$/;

/** A stored object as the rebuild reads it back. */
interface Found {
  key: string;
  bundle: EvidenceBundle;
  body: string;
  hash: string;
}

/** What a rebuild did, and the verdict on every chain it touched. */
export interface RebuildReport {
  objects: number;
  inserted: number;
  alreadyPresent: number;
  /** Objects below their appliance's retention floor: dropped on purpose, so left out (not a problem). */
  belowFloor: number;
  /** Objects that could not be taken back, each with why (nothing is inserted past such a hole). */
  problems: { key: string; reason: string }[];
  audits: SiteAudit[];
}

async function readObject(ctx: ServiceContext, key: string): Promise<Found | string> {
  const m = KEY.exec(key);
  if (!m) return "not an evidence object key";
  let body: string | null;
  let raw: unknown;
  try {
    body = await ctx.bodies.object(key);
    if (body === null) return "listed but not readable";
    raw = JSON.parse(body);
  } catch (e) {
    return `not JSON text (${(e as Error).message})`;
  }
  const parsed = v.safeParse(EvidenceBundle, raw);
  if (!parsed.success) return `not an evidence bundle: ${describeIssues(parsed.issues)}`;
  const b = parsed.output;
  // Objects hold exactly the canonical text that was verified at ingest; anything else was altered.
  if (canonicalize(raw) !== body) return "not in canonical form: the object was altered";
  if (b.siteId !== m[1] || b.applianceId !== m[2] || b.seq !== Number(m[3])) {
    return `holds ${b.siteId}/${b.applianceId} #${b.seq}, not what its key names`;
  }
  return { key, bundle: b, body, hash: sha256Hex(body) };
}

/**
 * Disaster recovery: put back the evidence chain of a database whose evidence tables were emptied
 * (or lost, then restored from an older pg_dump), from the object store alone, then verify every
 * site's chain with every signature checked — the verdict `malachor evidence verify` gives.
 * Sites, appliances and their keys come from the pg_dump restore; the chain rows and each
 * appliance's head come from the objects. Bundles are taken back in sequence per appliance and
 * only while each links to the one before (a missing or altered object stops that appliance's
 * chain there and is reported). Rows already present are left alone, so running it twice is
 * harmless. `received_at` is not in the objects: rebuilt rows carry the bundle's own creation time
 * (and land in that month's partition, created if missing).
 */
export async function rebuildEvidence(ctx: ServiceContext): Promise<RebuildReport> {
  const report: RebuildReport = {
    objects: 0,
    inserted: 0,
    alreadyPresent: 0,
    belowFloor: 0,
    problems: [],
    audits: [],
  };
  const floorsOf = new Map<string, Promise<RetentionFloor[]>>();
  const byAppliance = new Map<string, Found[]>();
  for await (const key of ctx.store.list("")) {
    report.objects++;
    const found = await readObject(ctx, key);
    if (typeof found === "string") {
      report.problems.push({ key, reason: found });
      continue;
    }
    const list = byAppliance.get(found.bundle.applianceId) ?? [];
    list.push(found);
    byAppliance.set(found.bundle.applianceId, list);
  }
  const sites = new Set<string>();
  for (const [applianceId, objects] of byAppliance) {
    objects.sort((a, b) => a.bundle.seq - b.bundle.seq);
    const siteId = objects[0]!.bundle.siteId;
    const [app] = await ctx.db.select().from(appliances).where(eq(appliances.id, applianceId));
    if (!app || app.siteId !== siteId) {
      for (const o of objects) {
        report.problems.push({
          key: o.key,
          reason: `appliance ${applianceId} of site ${siteId} is not in the database: restore the pg_dump first`,
        });
      }
      continue;
    }
    sites.add(siteId);
    const present = new Set(
      (
        await ctx.db
          .select({ seq: evidenceChain.seq })
          .from(evidenceChain)
          .where(
            and(
              eq(evidenceChain.applianceId, applianceId),
              inArray(
                evidenceChain.seq,
                objects.map((o) => o.bundle.seq),
              ),
            ),
          )
      ).map((r) => Number(r.seq)),
    );
    // A month dropped past the retention stays dropped: the chain starts again at the appliance's
    // floor (migration 2700), linked to the hash the floor records, and objects below it (the store
    // may keep them longer than the database) are left out.
    if (!floorsOf.has(siteId)) floorsOf.set(siteId, siteRetentionFloors(ctx.db, siteId));
    const floor = (await floorsOf.get(siteId)!).find((f) => f.applianceId === applianceId);
    let head = floor ? { seq: floor.seq - 1, hash: floor.prevHash } : { seq: 0, hash: GENESIS_HASH };
    const rows: (typeof evidenceChain.$inferInsert)[] = [];
    for (const o of objects) {
      if (floor && o.bundle.seq < floor.seq) {
        report.belowFloor++;
        continue;
      }
      if (o.bundle.seq !== head.seq + 1 || o.bundle.prevHash !== head.hash) {
        const why =
          o.bundle.seq !== head.seq + 1
            ? `bundle #${head.seq + 1} is missing from the store`
            : `prevHash does not match bundle #${head.seq}`;
        report.problems.push({
          key: o.key,
          reason: `${why}; ${applianceId}'s chain is rebuilt up to #${head.seq}`,
        });
        break;
      }
      head = { seq: o.bundle.seq, hash: o.hash };
      if (present.has(o.bundle.seq)) {
        report.alreadyPresent++;
        continue;
      }
      const createdAt = new Date(o.bundle.createdAt);
      rows.push({
        applianceId,
        seq: o.bundle.seq,
        siteId,
        hash: o.hash,
        prevHash: o.bundle.prevHash,
        keyId: o.bundle.keyId,
        kind: o.bundle.kind,
        createdAt,
        receivedAt: createdAt,
        objectKey: o.key,
        size: Buffer.byteLength(o.body),
      });
    }
    if (rows.length > 0) {
      // Rebuilt rows are dated back to their bundles: their months get partitions first, so they do
      // not all land in the DEFAULT partition, where retention cannot drop them by month.
      let [from, through] = [rows[0]!.receivedAt, rows[0]!.receivedAt];
      for (const r of rows) {
        if (r.receivedAt < from) from = r.receivedAt;
        if (r.receivedAt > through) through = r.receivedAt;
      }
      await ensureEvidencePartitions(ctx.db, from, through);
    }
    await ctx.db.transaction(async (tx) => {
      for (let i = 0; i < rows.length; i += 200)
        await tx.insert(evidenceChain).values(rows.slice(i, i + 200));
      if (head.seq > Number(app.chainSeq)) {
        await tx
          .update(appliances)
          .set({ chainSeq: head.seq, chainHead: head.hash })
          .where(eq(appliances.id, applianceId));
      }
    });
    report.inserted += rows.length;
  }
  for (const siteId of [...sites].sort()) {
    report.audits.push(await auditSiteChain({ ctx, input: { siteId, signatures: "all" } }));
  }
  return report;
}
