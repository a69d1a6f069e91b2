/** Fleet-level read models for the dashboard's sites list: aggregated per site in SQL. */
import { and, count, desc, eq, gte, inArray, isNull, max, sql } from "drizzle-orm";
import type { EvidenceBundle } from "../../../../protocol/evidence.ts";
import type { Db } from "../../db/client.ts";
import { appliances } from "../../db/schema/appliances.ts";
import { evidenceAlerts, evidenceChain } from "../../db/schema/evidence.ts";
import { incidents } from "../../db/schema/heal.ts";
import { type BodySource, bodyIndexColumns, chainIndexRows } from "../../evidence/bodies.ts";
import { chainDay, siteBundlesSince } from "./chain-days.ts";
import { dayKeys, windowStart } from "./days.ts";

/** An appliance that checked in within this window is online. */
export const ONLINE_WITHIN_SEC = 10 * 60;

export type ApplianceHealth = "online" | "late" | "stale" | "never";

/** Health of an appliance from its last check-in (pure). */
export function applianceHealth(
  lastCheckinAt: Date | null,
  now: Date,
  staleAfterSec: number,
): ApplianceHealth {
  if (!lastCheckinAt) return "never";
  const age = (now.getTime() - lastCheckinAt.getTime()) / 1000;
  if (age <= ONLINE_WITHIN_SEC) return "online";
  return age < staleAfterSec ? "late" : "stale";
}

/** CSS badge class for a health word. */
export const healthBadge: Record<ApplianceHealth, string> = {
  online: "ok",
  late: "warn",
  stale: "offline",
  never: "unknown",
};

/** Per-site appliance figures. */
export interface SiteFleet {
  appliances: number;
  online: number;
  lastCheckinAt: Date | null;
  alerts: number;
  /** Open incidents, and how many of them wait for a person (L3). */
  openIncidents: number;
  openL3: number;
}

/** Appliance counts, online counts, last check-in, chain alerts and open incidents for many sites (three queries). */
export async function fleetBySite(db: Db, siteIds: string[], now: Date): Promise<Map<string, SiteFleet>> {
  const out = new Map<string, SiteFleet>(
    siteIds.map((id) => [
      id,
      { appliances: 0, online: 0, lastCheckinAt: null, alerts: 0, openIncidents: 0, openL3: 0 },
    ]),
  );
  if (siteIds.length === 0) return out;
  const onlineSince = new Date(now.getTime() - ONLINE_WITHIN_SEC * 1000);
  const apps = await db
    .select({
      siteId: appliances.siteId,
      n: count(),
      online: sql<number>`count(*) filter (where ${appliances.lastCheckinAt} >= ${onlineSince.toISOString()}::timestamptz)`,
      last: max(appliances.lastCheckinAt),
    })
    .from(appliances)
    .where(and(inArray(appliances.siteId, siteIds), isNull(appliances.deletedAt)))
    .groupBy(appliances.siteId);
  for (const a of apps) {
    const f = out.get(a.siteId)!;
    f.appliances = Number(a.n);
    f.online = Number(a.online);
    f.lastCheckinAt = a.last ? new Date(a.last) : null;
  }
  const alerts = await db
    .select({ siteId: evidenceAlerts.siteId, n: count() })
    .from(evidenceAlerts)
    .where(inArray(evidenceAlerts.siteId, siteIds))
    .groupBy(evidenceAlerts.siteId);
  for (const a of alerts) out.get(a.siteId)!.alerts = Number(a.n);
  const open = await db
    .select({
      siteId: incidents.siteId,
      n: count(),
      l3: sql<number>`count(*) filter (where ${incidents.tier} = 'L3')`,
    })
    .from(incidents)
    .where(and(inArray(incidents.siteId, siteIds), eq(incidents.status, "open")))
    .groupBy(incidents.siteId);
  for (const o of open) {
    const f = out.get(o.siteId)!;
    f.openIncidents = Number(o.n);
    f.openL3 = Number(o.l3);
  }
  return out;
}

/** One healing attempt as read back from the evidence chain. */
export interface ReceiptRow {
  applianceId: string;
  seq: number;
  /** The receipt's own id, to link its page. */
  id: string;
  at: string;
  checkId: string;
  host: string;
  runbookId: string;
  tier: string;
  outcome: string;
  verify: string;
}

/**
 * The most recent healing receipts of a site, newest first: only the last `limit` remediation
 * bundles are read (through the body reader), never the whole chain.
 */
export async function recentReceipts(
  { db, bodies }: BodySource,
  siteId: string,
  limit = 20,
): Promise<ReceiptRow[]> {
  const rows = await chainIndexRows(
    db,
    eq(evidenceChain.siteId, siteId),
    eq(evidenceChain.kind, "remediation"),
  )
    .orderBy(desc(evidenceChain.createdAt))
    .limit(limit);
  const texts = await bodies.texts(rows);
  const out: ReceiptRow[] = [];
  for (const [i, r] of rows.entries()) {
    for (const x of (JSON.parse(texts[i]!) as EvidenceBundle).receipts) {
      out.push({
        applianceId: r.applianceId,
        seq: Number(r.seq),
        id: x.id,
        at: x.finishedAt,
        checkId: x.checkId,
        host: x.host,
        runbookId: x.runbookId,
        tier: x.decidedBy.tier,
        outcome: x.outcome,
        verify: x.verify,
      });
    }
  }
  return out.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
}

/**
 * Healing attempts per UTC day and deciding tier over the last `days` days: the window's remediation
 * bundles read through the body reader (its cache keeps them between page views).
 */
export async function receiptsByTier(
  { db, bodies }: BodySource,
  siteId: string,
  days: number,
  now: Date,
): Promise<{ label: string; counts: Record<"L1" | "L2" | "L3", number> }[]> {
  const start = windowStart(now, days);
  const rows = await db
    .select({ ...bodyIndexColumns, day: chainDay })
    .from(evidenceChain)
    .where(siteBundlesSince(siteId, "remediation", start));
  const texts = await bodies.texts(rows);
  const byDay = new Map(dayKeys(now, days).map((d) => [d, { L1: 0, L2: 0, L3: 0 }]));
  for (const [i, r] of rows.entries()) {
    const d = byDay.get(r.day);
    if (!d) continue;
    for (const x of (JSON.parse(texts[i]!) as EvidenceBundle).receipts) d[x.decidedBy.tier]++;
  }
  return [...byDay.entries()].map(([d, counts]) => ({ label: d.slice(5), counts }));
}

/** Incidents opened per UTC day by their current tier over the last `days` days (aggregated in SQL). */
export async function incidentsByTier(
  db: Db,
  siteId: string,
  days: number,
  now: Date,
): Promise<{ label: string; counts: Record<"L1" | "L2" | "L3", number> }[]> {
  const start = windowStart(now, days);
  const day = sql<string>`to_char(${incidents.openedAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  const rows = await db
    .select({ day, tier: incidents.tier, n: count() })
    .from(incidents)
    .where(and(eq(incidents.siteId, siteId), gte(incidents.openedAt, start)))
    .groupBy(day, incidents.tier);
  const byDay = new Map(dayKeys(now, days).map((d) => [d, { L1: 0, L2: 0, L3: 0 }]));
  for (const r of rows) {
    const d = byDay.get(r.day);
    if (d && (r.tier === "L1" || r.tier === "L2" || r.tier === "L3")) d[r.tier] += Number(r.n);
  }
  return [...byDay.entries()].map(([d, counts]) => ({ label: d.slice(5), counts }));
}
