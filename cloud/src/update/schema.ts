import { bigint, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "../db/schema/columns.ts";

/** Agent releases (migration 0500_update.sql). `signed` is the SignedUpdate served to appliances. */
export const agentReleases = pgTable("agent_releases", {
  version: text("version").primaryKey(),
  sha256: text("sha256").notNull(),
  size: bigint("size", { mode: "number" }).notNull(),
  chunkSize: integer("chunk_size").notNull(),
  chunks: integer("chunks").notNull(),
  /** "uploading" until every chunk is in and verified, then "published". */
  state: text("state").notNull(),
  expiresInSec: integer("expires_in_sec").notNull(),
  signed: jsonb("signed"),
  createdBy: text("created_by").notNull(),
  createdAt: timestamptz("created_at").notNull(),
  publishedAt: timestamptz("published_at"),
});
export type AgentRelease = typeof agentReleases.$inferSelect;
