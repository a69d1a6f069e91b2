import { desc, eq } from "drizzle-orm";
import {
  RETENTION_FLOOR_TYPE,
  type RetentionFloor,
  sortedFloors,
} from "../../../protocol/retention-floor.ts";
import type { Db } from "../db/client.ts";
import { evidenceRetentionFloors } from "../db/schema/evidence.ts";

/**
 * The retention floor in force for each appliance of a site (its highest: a floor only moves up),
 * in appliance-id order, as a chain export carries them. Written by the owner's
 * `malachor_evidence_partition_drop` (migration 2700) when it drops a month past the retention.
 */
export async function siteRetentionFloors(db: Db, siteId: string): Promise<RetentionFloor[]> {
  const rows = await db
    .selectDistinctOn([evidenceRetentionFloors.applianceId])
    .from(evidenceRetentionFloors)
    .where(eq(evidenceRetentionFloors.siteId, siteId))
    .orderBy(evidenceRetentionFloors.applianceId, desc(evidenceRetentionFloors.firstSeq));
  return sortedFloors(
    rows.map((r) => ({
      type: RETENTION_FLOOR_TYPE,
      siteId: r.siteId,
      applianceId: r.applianceId,
      seq: Number(r.firstSeq),
      prevHash: r.prevHash,
      month: r.droppedMonth.slice(0, 7),
      droppedAt: r.droppedAt.toISOString(),
    })),
  );
}
