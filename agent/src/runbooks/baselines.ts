/** Per-host baselines of the Windows baseline checks, in the agent's SQLite state database. */
import type { Database } from "bun:sqlite";
import type { BaselineStore } from "./windows-checks.ts";

/** A BaselineStore over the `windows_baseline` table (agent/src/queue/db.ts). */
export function sqliteBaselines(db: Database, now: () => number = Date.now): BaselineStore {
  const get = db.query<{ items: string }, [string, string]>(
    "SELECT items FROM windows_baseline WHERE host = ? AND check_id = ?",
  );
  const put = db.query(
    `INSERT INTO windows_baseline (host, check_id, items, recorded_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(host, check_id) DO UPDATE SET items = excluded.items, recorded_at = excluded.recorded_at`,
  );
  return {
    get(host, checkId) {
      const row = get.get(host.toLowerCase(), checkId);
      return row ? (JSON.parse(row.items) as string[]) : undefined;
    },
    set(host, checkId, items) {
      put.run(host.toLowerCase(), checkId, JSON.stringify([...items]), now());
    },
  };
}

/** One host's recorded baseline of one check. */
export interface BaselineRow {
  host: string;
  checkId: string;
  items: string[];
  recordedAt: string;
}

/** The recorded baselines, of one host or all. */
export function baselineRows(db: Database, host?: string): BaselineRow[] {
  const rows = db
    .query<
      { host: string; check_id: string; items: string; recorded_at: number },
      [string | null, string | null]
    >(
      "SELECT host, check_id, items, recorded_at FROM windows_baseline WHERE ? IS NULL OR host = ? ORDER BY host, check_id",
    )
    .all(host?.toLowerCase() ?? null, host?.toLowerCase() ?? null);
  return rows.map((r) => ({
    host: r.host,
    checkId: r.check_id,
    items: JSON.parse(r.items) as string[],
    recordedAt: new Date(r.recorded_at).toISOString(),
  }));
}
