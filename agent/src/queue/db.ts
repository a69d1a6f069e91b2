import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

// Migrations by PRAGMA user_version; append only, never edit a released step.
const MIGRATIONS: string[] = [
  `CREATE TABLE queue (
     id INTEGER PRIMARY KEY, -- rowid: always max+1, so id order is enqueue order
     stream TEXT NOT NULL,
     key TEXT NOT NULL UNIQUE,
     payload TEXT NOT NULL,
     bytes INTEGER NOT NULL,
     shed_rank INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     dead INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX queue_stream ON queue (stream, id);
   CREATE INDEX queue_shed ON queue (shed_rank, id) WHERE shed_rank > 0;
   CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // Local copy of every bundle this appliance signed, so it can resend when the cloud is behind.
  `CREATE TABLE evidence (
     seq INTEGER PRIMARY KEY,
     hash TEXT NOT NULL,
     bundle TEXT NOT NULL,
     created_at TEXT NOT NULL
   );`,
  // Several chains: the current one and those handed over at re-enrolment (agent/src/provision/
  // README.md), each archived under its appliance id. The current chain's owner is what its
  // newest bundle names, so an existing chain keeps its identity.
  `CREATE TABLE evidence_by_chain (
     appliance_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     hash TEXT NOT NULL,
     bundle TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (appliance_id, seq)
   );
   INSERT INTO evidence_by_chain
     SELECT json_extract(bundle, '$.applianceId'), seq, hash, bundle, created_at FROM evidence;
   DROP TABLE evidence;
   ALTER TABLE evidence_by_chain RENAME TO evidence;
   INSERT INTO meta (name, value)
     SELECT 'chain.owner', json_object('siteId', json_extract(bundle, '$.siteId'),
                                       'applianceId', json_extract(bundle, '$.applianceId'))
     FROM evidence ORDER BY seq DESC LIMIT 1;
   CREATE TABLE handed_over (
     appliance_id TEXT PRIMARY KEY,
     site_id TEXT NOT NULL,
     public_key TEXT NOT NULL,
     head_seq INTEGER NOT NULL,
     head_hash TEXT NOT NULL,
     successor_id TEXT NOT NULL,
     cloud_seq INTEGER NOT NULL DEFAULT 0,
     handed_over_at TEXT NOT NULL
   );`,
  // Windows: per-host baselines of the persistence and privileged-group checks; event-log
  // bookmarks (last record id read per host and log) and the threat events read, keyed by record
  // so none is counted twice, written in one transaction with the bookmark that passed them.
  `CREATE TABLE windows_baseline (
     host TEXT NOT NULL,
     check_id TEXT NOT NULL,
     items TEXT NOT NULL,
     recorded_at INTEGER NOT NULL,
     PRIMARY KEY (host, check_id)
   );
   CREATE TABLE winevt_bookmark (
     host TEXT NOT NULL,
     log TEXT NOT NULL,
     record_id INTEGER NOT NULL,
     PRIMARY KEY (host, log)
   );
   CREATE TABLE winevt_event (
     host TEXT NOT NULL,
     log TEXT NOT NULL,
     record_id INTEGER NOT NULL,
     event_id INTEGER NOT NULL,
     at INTEGER NOT NULL,
     data TEXT NOT NULL,
     PRIMARY KEY (host, log, record_id)
   );
   CREATE INDEX winevt_event_at ON winevt_event (event_id, at);`,
  // Events stored but not yet in a signed bundle's findings (reported = 0), and log gaps (wraps,
  // clears) found but not yet reported: the threat rules judge them until the bundle that reports
  // them commits, so a kill -9 between the two repeats and loses none.
  `ALTER TABLE winevt_event ADD COLUMN reported INTEGER NOT NULL DEFAULT 1;
   CREATE INDEX winevt_event_unreported ON winevt_event (host, reported);
   CREATE TABLE winevt_gap (
     id INTEGER PRIMARY KEY,
     host TEXT NOT NULL,
     log TEXT NOT NULL,
     lost INTEGER,
     reset INTEGER NOT NULL DEFAULT 0
   );`,
  // SSH: the host key pinned per host:port (first use, or as configured); a different key later
  // is refused (agent/src/ssh/pins.ts).
  `CREATE TABLE ssh_host_key (
     target TEXT PRIMARY KEY,
     fingerprint TEXT NOT NULL,
     key_type TEXT NOT NULL,
     pinned_at TEXT NOT NULL
   );`,
  // The site log's newest checkpoint this appliance verified (one row), and alarms raised when the
  // cloud's log stopped extending it; an alarm stands until a technician clears it
  // (agent/src/evidence/log-watch.ts). The cloud keys this appliance trusts, the first from
  // enrolment ([cloud] public_key), each later one accepted through a rotation signed by the key
  // before it (agent/src/trust/cloud-keys.ts).
  `CREATE TABLE tlog_checkpoint (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     origin TEXT NOT NULL,
     size INTEGER NOT NULL,
     root TEXT NOT NULL,
     note TEXT NOT NULL,
     seen_at TEXT NOT NULL
   );
   CREATE TABLE tlog_alarm (
     id INTEGER PRIMARY KEY,
     kind TEXT NOT NULL,
     message TEXT NOT NULL,
     kept_size INTEGER NOT NULL,
     kept_root TEXT NOT NULL,
     seen_note TEXT,
     raised_at TEXT NOT NULL,
     cleared_at TEXT
   );
   CREATE TABLE cloud_key (
     key_id TEXT PRIMARY KEY,
     public_key TEXT NOT NULL,
     valid_from TEXT NOT NULL,
     valid_until TEXT,
     rotation TEXT,
     accepted_at TEXT NOT NULL
   );`,
  // The change encoder's state (agent/src/evidence/encoder-store.ts): the chain and last state
  // bundle it follows, the last snapshot's time and the quiet cycles not yet in a bundle (one row),
  // and the latest finding per check and host as the chain records it. Written in the transaction
  // that appends the cycle's bundles.
  `CREATE TABLE encoder_state (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     appliance_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     hash TEXT NOT NULL,
     last_snapshot_at TEXT,
     quiet TEXT NOT NULL
   );
   CREATE TABLE encoder_finding (
     check_id TEXT NOT NULL,
     host TEXT NOT NULL,
     finding TEXT NOT NULL,
     PRIMARY KEY (check_id, host)
   );`,
];

/**
 * Open (creating if needed) the agent's state database: WAL with synchronous=FULL, so a commit
 * that returned survives power loss and kill -9. The queue and the evidence chain head share it,
 * which lets a bundle's enqueue and the head move in one transaction.
 */
export function openStateDb(path: string): Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path, { create: true, strict: true });
  db.run("PRAGMA busy_timeout = 5000");
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = FULL");
  db.run("PRAGMA foreign_keys = ON");
  // BEGIN IMMEDIATE takes the write lock before reading the version, so two processes opening a
  // fresh database at once (the daemon starting, `malachor status` peeking) never both migrate.
  db.transaction(() => {
    const row = db.query<{ user_version: number }, []>("PRAGMA user_version").get();
    for (let i = row?.user_version ?? 0; i < MIGRATIONS.length; i++) {
      db.run(MIGRATIONS[i]!);
      db.run(`PRAGMA user_version = ${i + 1}`);
    }
  }).immediate();
  return db;
}

/** Read a value from the meta table. */
export function getMeta(db: Database, name: string): string | undefined {
  return db.query<{ value: string }, [string]>("SELECT value FROM meta WHERE name = ?").get(name)?.value;
}

/** Write a value to the meta table (call inside the caller's transaction where atomicity matters). */
export function setMeta(db: Database, name: string, value: string): void {
  db.query(
    "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
  ).run(name, value);
}
