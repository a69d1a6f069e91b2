import type { Database } from "bun:sqlite";
import { join } from "node:path";
import type { Config } from "../config/schema.ts";
import { openStateDb } from "../queue/db.ts";
import { Queue } from "../queue/queue.ts";

/** The state database of a config: <state_dir>/state.db. */
export const stateDbPath = (config: Config) => join(config.appliance.state_dir, "state.db");

/** Meta key of the daemon's last status snapshot, read by `malachor status` when it is down. */
export const SNAPSHOT_META = "status.snapshot";

/** The durable pieces every command that touches state needs. */
export interface AgentState {
  db: Database;
  queue: Queue;
}

/** Open the state database and queue of a config. */
export function openState(config: Config): AgentState {
  const db = openStateDb(stateDbPath(config));
  return { db, queue: new Queue(db, { maxBytes: config.queue.max_bytes }) };
}
