import type { Database } from "bun:sqlite";
import { join } from "node:path";
import { openStateDb } from "../queue/db.ts";
import { Queue } from "../queue/queue.ts";

/** What opening the state needs of a config: the whole one, or `malachor status`'s view of it. */
export interface StateConfig {
  appliance: { state_dir: string };
  queue: { max_bytes: number };
}

/** The state database of a config: <state_dir>/state.db. */
export const stateDbPath = (config: Pick<StateConfig, "appliance">) =>
  join(config.appliance.state_dir, "state.db");

/** Meta key of the daemon's last status snapshot, read by `malachor status` when it is down. */
export const SNAPSHOT_META = "status.snapshot";

/** The durable pieces every command that touches state needs. */
export interface AgentState {
  db: Database;
  queue: Queue;
}

/** Open the state database and queue of a config. */
export function openState(config: StateConfig): AgentState {
  const db = openStateDb(stateDbPath(config));
  return { db, queue: new Queue(db, { maxBytes: config.queue.max_bytes }) };
}
