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
