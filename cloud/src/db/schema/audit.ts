import { bigserial, index, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/** Append-only audit log: who did what to what, with which arguments (hashed) and how it ended. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamptz("at").notNull(),
    /** e.g. `admin:tok_…`, `appliance:app-1`, `system:outbox`. */
    actor: text("actor").notNull(),
    siteId: text("site_id"),
    action: text("action").notNull(),
    target: text("target").notNull(),
    argsHash: text("args_hash").notNull(),
    /** ok | denied | failed */
    outcome: text("outcome").notNull(),
    requestId: text("request_id"),
  },
  (t) => [index("audit_site_idx").on(t.siteId, t.at)],
);
