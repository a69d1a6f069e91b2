import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { raiseAlert, resolveAlert } from "../alerts/raise.ts";
import type { Tier } from "../config.ts";
import { checkpointAnchors } from "../db/schema/anchoring.ts";
import { sites } from "../db/schema/sites.ts";
import { tlogCheckpoints } from "../db/schema/transparency.ts";
import type { CloudDeps } from "../deps.ts";
import { stampWithCalendars, upgradeOts } from "./ots-calendar.ts";
import { parsePemCertificates, requestTimestamp } from "./rfc3161.ts";
import type { AnchoringSettings } from "./settings.ts";

type Kind = "rfc3161" | "ots";
const OTS_SOURCE = "opentimestamps";

/** The dedup key of the alert raised while anchoring of `kind` fails. */
export function anchoringAlertKey(kind: Kind): string {
  return `anchoring:${kind}`;
}

interface Due {
  id: number;
  siteId: string;
  size: number;
  note: string;
}

/**
 * Each anchored site's newest checkpoint that `kind` has not anchored yet, when the site's last
 * anchor of that kind is at least its tier's period old (a site's first is due at once).
 */
async function dueCheckpoints(deps: CloudDeps, settings: AnchoringSettings, kind: Kind): Promise<Due[]> {
  const tiers = Object.keys(settings.periodMin) as Tier[];
  if (tiers.length === 0) return [];
  const rows = await deps.db
    .select({
      id: tlogCheckpoints.id,
      siteId: tlogCheckpoints.siteId,
      size: tlogCheckpoints.size,
      note: tlogCheckpoints.note,
      tier: sites.tier,
      lastAnchorAt: sql<string | null>`(SELECT max(a.created_at) FROM ${checkpointAnchors} a
        WHERE a.site_id = ${tlogCheckpoints.siteId} AND a.kind = ${kind})`,
    })
    .from(tlogCheckpoints)
    .innerJoin(sites, eq(sites.id, tlogCheckpoints.siteId))
    .where(
      and(
        inArray(sites.tier, tiers),
        sql`${tlogCheckpoints.id} = (SELECT max(c2.id) FROM ${tlogCheckpoints} c2 WHERE c2.site_id = ${tlogCheckpoints.siteId})`,
        sql`NOT EXISTS (SELECT 1 FROM ${checkpointAnchors} a WHERE a.checkpoint_id = ${tlogCheckpoints.id} AND a.kind = ${kind})`,
      ),
    );
  const now = deps.clock.now().getTime();
  return rows.filter((r) => {
    if (r.lastAnchorAt === null) return true;
    const period = settings.periodMin[r.tier as Tier]! * 60_000;
    return now - new Date(r.lastAnchorAt).getTime() >= period;
  });
}

/** What one anchoring pass did. */
export interface AnchorPass {
  anchored: number;
  failures: { kind: Kind; siteId: string; message: string }[];
}

async function anchorOne(deps: CloudDeps, settings: AnchoringSettings, kind: Kind, cp: Due): Promise<void> {
  const base = {
    checkpointId: cp.id,
    siteId: cp.siteId,
    treeSize: cp.size,
    kind,
    createdAt: deps.clock.now(),
  };
  if (kind === "rfc3161") {
    const trusted = settings.tsaCaPem ? parsePemCertificates(settings.tsaCaPem) : undefined;
    const t = await requestTimestamp(settings.tsaUrl!, cp.note, trusted ? { trustedCerts: trusted } : {});
    await deps.db.insert(checkpointAnchors).values({
      ...base,
      source: settings.tsaUrl!,
      proof: Buffer.from(t.token).toString("base64"),
      complete: true,
      stampedAt: t.genTime,
    });
    return;
  }
  const { ots, failures } = await stampWithCalendars(cp.note, settings.calendars);
  for (const f of failures) deps.logger.warn("anchoring: calendar failed", { ...f, siteId: cp.siteId });
  await deps.db.insert(checkpointAnchors).values({
    ...base,
    source: OTS_SOURCE,
    proof: ots.toString("base64"),
    complete: false,
    stampedAt: null,
  });
}

/**
 * Anchor every due checkpoint with each configured source. A source that fails raises (or repeats)
 * the alert of its kind at once, so a stalled TSA or calendar set is reported at the first tick
 * after a checkpoint fell due; a source whose anchors all succeed resolves its alert.
 */
export async function anchorDueCheckpoints(
  deps: CloudDeps,
  settings: AnchoringSettings,
  signal?: AbortSignal,
): Promise<AnchorPass> {
  const pass: AnchorPass = { anchored: 0, failures: [] };
  const kinds: Kind[] = [
    ...(settings.tsaUrl ? (["rfc3161"] as const) : []),
    ...(settings.calendars.length > 0 ? (["ots"] as const) : []),
  ];
  for (const kind of kinds) {
    let ok = 0;
    const failed: AnchorPass["failures"] = [];
    for (const cp of await dueCheckpoints(deps, settings, kind)) {
      if (signal?.aborted) return pass;
      try {
        await anchorOne(deps, settings, kind, cp);
        ok++;
      } catch (e) {
        failed.push({ kind, siteId: cp.siteId, message: (e as Error).message });
      }
    }
    pass.anchored += ok;
    pass.failures.push(...failed);
    if (failed.length > 0) {
      const what = kind === "rfc3161" ? `RFC 3161 TSA ${settings.tsaUrl}` : "OpenTimestamps calendars";
      await raiseAlert(deps, {
        dedupKey: anchoringAlertKey(kind),
        kind: "anchoring",
        severity: "error",
        summary: `checkpoint anchoring failing: ${what} — ${failed[0]!.message}`.slice(0, 1024),
        details: { kind, sites: [...new Set(failed.map((f) => f.siteId))], failures: failed.length },
      });
    } else if (ok > 0) {
      await resolveAlert(deps, anchoringAlertKey(kind), "anchoring");
    }
  }
  return pass;
}

/**
 * Ask the calendars to complete every pending `.ots` (the newest row per checkpoint); a completed
 * one is stored as a new row. Returns how many were completed.
 */
export async function upgradePendingOts(deps: CloudDeps, settings: AnchoringSettings): Promise<number> {
  const pending = await deps.db
    .selectDistinctOn([checkpointAnchors.checkpointId])
    .from(checkpointAnchors)
    .where(
      and(
        eq(checkpointAnchors.kind, "ots"),
        // Completed checkpoints are never read again, so a pass reads only what is still pending.
        sql`NOT EXISTS (SELECT 1 FROM ${checkpointAnchors} done WHERE done.checkpoint_id = ${checkpointAnchors.checkpointId}
          AND done.kind = 'ots' AND done.complete)`,
      ),
    )
    .orderBy(checkpointAnchors.checkpointId, desc(checkpointAnchors.id));
  let upgraded = 0;
  for (const row of pending) {
    const r = await upgradeOts(Buffer.from(row.proof, "base64"), settings.calendars);
    for (const f of r.failures)
      deps.logger.warn("anchoring: calendar upgrade failed", { ...f, siteId: row.siteId });
    if (!r.changed) continue;
    await deps.db.insert(checkpointAnchors).values({
      checkpointId: row.checkpointId,
      siteId: row.siteId,
      treeSize: row.treeSize,
      kind: "ots",
      source: OTS_SOURCE,
      proof: r.ots.toString("base64"),
      complete: r.complete,
      stampedAt: null,
      createdAt: deps.clock.now(),
    });
    upgraded++;
  }
  return upgraded;
}
