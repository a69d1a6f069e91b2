/** The append-only audit log as the dashboard reads it: filtered by site, person and action, newest first. */
import { and, desc, eq, ilike, type SQL } from "drizzle-orm";
import * as v from "valibot";
import type { Db } from "../../db/client.ts";
import { auditLog } from "../../db/schema/audit.ts";

const text = v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200)));

/** The audit page's query: exact site, actor containing a text, action containing a text. */
export const AuditFilter = v.object({ site: text, actor: text, action: text });
export type AuditFilter = v.InferOutput<typeof AuditFilter>;

/** One row of the log. */
export type AuditRow = typeof auditLog.$inferSelect;

/** Rows matching the filter, newest first; `onlySite` confines a site-scoped viewer to their site. */
export async function auditRows(
  db: Db,
  f: AuditFilter,
  onlySite: string | null,
  limit = 500,
): Promise<AuditRow[]> {
  const where: SQL[] = [];
  const site = onlySite ?? f.site;
  if (site) where.push(eq(auditLog.siteId, site));
  // LIKE's wildcards in the user's text are matched literally.
  const like = (s: string) => `%${s.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  if (f.actor) where.push(ilike(auditLog.actor, like(f.actor)));
  if (f.action) where.push(ilike(auditLog.action, like(f.action)));
  return db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
}

const csvCell = (s: string | null) => {
  const t = s ?? "";
  // A leading = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(t) ? `'${t}` : t;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The rows as CSV (spreadsheet-safe). */
export function auditCsv(rows: readonly AuditRow[]): string {
  const head = "at,actor,site,action,target,outcome,request_id,args_sha256\n";
  return (
    head +
    rows
      .map((r) =>
        [r.at.toISOString(), r.actor, r.siteId, r.action, r.target, r.outcome, r.requestId, r.argsHash]
          .map(csvCell)
          .join(","),
      )
      .join("\n") +
    (rows.length ? "\n" : "")
  );
}
