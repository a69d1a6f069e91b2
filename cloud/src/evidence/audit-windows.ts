import type { SQL, TLSOptions } from "bun";
import { asc, count, eq, max, min } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { evidenceChain } from "../db/schema/evidence.ts";

/** A run of one appliance's stored rows, by sequence number (inclusive), read and walked as one. */
export interface AuditWindow {
  applianceId: string;
  fromSeq: number;
  toSeq: number;
}

/**
 * The site's rows as windows of at most `size` sequence numbers, in export order (appliance id,
 * then sequence number), and how many rows there are. Read once at the start: rows added later
 * are not part of this audit.
 */
export async function auditWindows(
  db: Db,
  siteId: string,
  size: number,
): Promise<{ windows: AuditWindow[]; rows: number }> {
  const ranges = await db
    .select({
      applianceId: evidenceChain.applianceId,
      lo: min(evidenceChain.seq),
      hi: max(evidenceChain.seq),
      n: count(),
    })
    .from(evidenceChain)
    .where(eq(evidenceChain.siteId, siteId))
    .groupBy(evidenceChain.applianceId)
    .orderBy(asc(evidenceChain.applianceId));
  const windows: AuditWindow[] = [];
  let rows = 0;
  for (const r of ranges) {
    rows += Number(r.n);
    for (let from = Number(r.lo); from <= Number(r.hi); from += size) {
      windows.push({
        applianceId: r.applianceId,
        fromSeq: from,
        toSeq: Math.min(Number(r.hi), from + size - 1),
      });
    }
  }
  return { windows, rows };
}

/** The stored texts of one window, in sequence order (Bun's own Postgres client, no ORM mapping). */
export async function readWindow(sql: SQL, siteId: string, w: AuditWindow): Promise<string[]> {
  const rows = (await sql.unsafe(
    "SELECT body FROM evidence_chain WHERE appliance_id = $1 AND site_id = $2 AND seq BETWEEN $3 AND $4 ORDER BY seq",
    [w.applianceId, siteId, w.fromSeq, w.toSeq],
  )) as { body: string }[];
  return rows.map((r) => r.body);
}

/** What a worker thread needs to open its own connection, as the cloud's own role. */
export interface ConnectionOptions {
  hostname: string;
  port: number;
  username: string;
  password: string;
  database: string;
  tls?: boolean | TLSOptions;
}

/**
 * How the cloud reaches Postgres, when it does (null on PGlite, whose database lives in this
 * thread): taken from the live client, so a worker connects exactly as the cloud does.
 */
export function connectionOptionsOf(db: Db): ConnectionOptions | null {
  const o = (db as unknown as { $client?: { options?: Record<string, unknown> } }).$client?.options;
  if (o?.adapter !== "postgres") return null;
  const { hostname, port, username, password, database, tls, sslMode } = o;
  // A URL's sslmode shows as a non-zero sslMode; a worker then asks for TLS too.
  const wantTls = (tls as ConnectionOptions["tls"]) ?? (sslMode ? true : undefined);
  return {
    hostname: String(hostname),
    port: Number(port),
    username: String(username),
    password: String(password ?? ""),
    database: String(database),
    ...(wantTls ? { tls: wantTls } : {}),
  };
}
