import type { Database } from "bun:sqlite";
import * as v from "valibot";
import { Incident } from "../../../protocol/incident.ts";
import type { HealHistory, RuleHostHistory } from "./l1/history.ts";
import { historyKey } from "./l1/history.ts";

// Healing keeps its own tables in the agent's state database (created if missing, so this module
// never touches the queue's migration sequence).
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS heal_history (
     rule_id TEXT NOT NULL, host TEXT NOT NULL, failures INTEGER NOT NULL,
     last_attempt_at INTEGER NOT NULL, fixes TEXT NOT NULL, PRIMARY KEY (rule_id, host))`,
  `CREATE TABLE IF NOT EXISTS heal_incidents (
     id TEXT PRIMARY KEY, check_id TEXT NOT NULL, host TEXT NOT NULL, status TEXT NOT NULL,
     opened_at TEXT NOT NULL, body TEXT NOT NULL)`,
  "CREATE INDEX IF NOT EXISTS heal_incidents_open ON heal_incidents (check_id, host) WHERE status = 'open'",
  "CREATE TABLE IF NOT EXISTS heal_state (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

/**
 * Durable healing state: L1 history per (rule, host), the appliance's incidents (open until a
 * person resolves them) and small named values (the active signed rule set, pending L2 outcomes).
 */
export class HealStore {
  constructor(private readonly db: Database) {
    for (const s of SCHEMA) db.run(s);
  }

  /** The whole L1 history (small: one row per rule and host that ever acted). */
  history(): HealHistory {
    const rows = this.db
      .query<{ rule_id: string; host: string; failures: number; last_attempt_at: number; fixes: string }, []>(
        "SELECT * FROM heal_history",
      )
      .all();
    return new Map(
      rows.map((r) => [
        historyKey(r.rule_id, r.host),
        { failures: r.failures, lastAttemptAt: r.last_attempt_at, fixes: JSON.parse(r.fixes) as number[] },
      ]),
    );
  }

  /** Store a rule's history entry for a host. */
  saveHistory(ruleId: string, host: string, h: RuleHostHistory): void {
    this.db
      .query(
        `INSERT INTO heal_history (rule_id, host, failures, last_attempt_at, fixes) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (rule_id, host) DO UPDATE SET failures = excluded.failures,
           last_attempt_at = excluded.last_attempt_at, fixes = excluded.fixes`,
      )
      .run(ruleId, host, h.failures, h.lastAttemptAt, JSON.stringify(h.fixes));
  }

  /** The open incident for a check on a host, if any. */
  openIncident(checkId: string, host: string): Incident | undefined {
    const row = this.db
      .query<{ body: string }, [string, string]>(
        "SELECT body FROM heal_incidents WHERE check_id = ? AND host = ? AND status = 'open' ORDER BY opened_at LIMIT 1",
      )
      .get(checkId, host);
    return row ? v.parse(Incident, JSON.parse(row.body)) : undefined;
  }

  /** An incident by id. */
  incident(id: string): Incident | undefined {
    const row = this.db
      .query<{ body: string }, [string]>("SELECT body FROM heal_incidents WHERE id = ?")
      .get(id);
    return row ? v.parse(Incident, JSON.parse(row.body)) : undefined;
  }

  /** Incidents, newest first, optionally only open or resolved ones. */
  incidents(status?: Incident["status"]): Incident[] {
    const rows = status
      ? this.db
          .query<{ body: string }, [string]>(
            "SELECT body FROM heal_incidents WHERE status = ? ORDER BY opened_at DESC, id",
          )
          .all(status)
      : this.db
          .query<{ body: string }, []>("SELECT body FROM heal_incidents ORDER BY opened_at DESC, id")
          .all();
    return rows.map((r) => v.parse(Incident, JSON.parse(r.body)));
  }

  /** Insert or replace an incident. */
  saveIncident(i: Incident): void {
    this.db
      .query(
        `INSERT INTO heal_incidents (id, check_id, host, status, opened_at, body) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, body = excluded.body`,
      )
      .run(i.id, i.checkId, i.host, i.status, i.openedAt, JSON.stringify(i));
  }

  /** A named JSON value. */
  get<T>(name: string): T | undefined {
    const row = this.db
      .query<{ value: string }, [string]>("SELECT value FROM heal_state WHERE name = ?")
      .get(name);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  /** Store a named JSON value (undefined deletes it). */
  set(name: string, value: unknown): void {
    if (value === undefined) {
      this.db.query("DELETE FROM heal_state WHERE name = ?").run(name);
      return;
    }
    this.db
      .query(
        "INSERT INTO heal_state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      )
      .run(name, JSON.stringify(value));
  }
}
