import { bigint, index, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import type { Finding } from "../../../../protocol/finding.ts";
import { timestamptz } from "./columns.ts";

/**
 * The latest finding per appliance, check and host, with the bundle that carried it (migration
 * 2500): kept at ingest by evidence/latest-state.ts, read by the current-state pages, score and MCP.
 */
export const evidenceLatest = pgTable(
  "evidence_latest",
  {
    applianceId: text("appliance_id").notNull(),
    checkId: text("check_id").notNull(),
    host: text("host").notNull(),
    siteId: text("site_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    createdAt: timestamptz("created_at").notNull(),
    finding: jsonb("finding").$type<Finding>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.applianceId, t.checkId, t.host] }),
    index("evidence_latest_site_idx").on(t.siteId),
  ],
);

/**
 * Per appliance: the chain seq evidenceLatest follows (`throughSeq`), the head of its v2 state
 * proof (`stateSeq`, `digest`, `count`: null before its first snapshot) and `fullSeq`, a full
 * check-cycle bundle after that state whose findings the rows hold instead.
 */
export const evidenceStateHeads = pgTable("evidence_state_heads", {
  applianceId: text("appliance_id").primaryKey(),
  siteId: text("site_id").notNull(),
  throughSeq: bigint("through_seq", { mode: "number" }).notNull(),
  stateSeq: bigint("state_seq", { mode: "number" }),
  digest: text("digest"),
  count: integer("count"),
  fullSeq: bigint("full_seq", { mode: "number" }),
});
