import type { Database } from "bun:sqlite";
import * as v from "valibot";
import { describeIssues, Timestamp } from "../../../protocol/common.ts";
import { type ChainHead, EvidenceBundle, STATE_KINDS } from "../../../protocol/evidence.ts";
import { Finding } from "../../../protocol/finding.ts";
import {
  applyStateBundle,
  type FindingState,
  StateMismatch,
  stateDigest,
  stateKey,
} from "../../../protocol/state.ts";
import { type ChangeEncoderState, newEncoderState } from "./change-encoder.ts";

/**
 * The change encoder's state kept in the state database (migration 8): one `encoder_state` row
 * (the chain and the last state bundle it reflects, the last snapshot's time, the quiet cycles not
 * yet in a bundle) and one `encoder_finding` row per check and host. `saveEncoderState` runs in the
 * transaction that appends the cycle's bundles, so after kill -9 the saved state and the chain
 * agree; `loadEncoderState` checks that they do and otherwise rebuilds the state from the chain.
 */

const StateRow = v.object({
  appliance_id: v.string(),
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  last_snapshot_at: v.nullable(Timestamp),
  quiet: v.string(),
});
const Quiet = v.array(Timestamp);

/** Where the saved state came from at start. */
export type EncoderOrigin =
  | { from: "saved" }
  /** The saved rows were missing or disagreed with the chain (`why`); the chain's state was taken. */
  | { from: "chain"; why: string; seq: number }
  /** Neither gave a state (`why`): the next cycle writes a snapshot. */
  | { from: "fresh"; why: string };

/**
 * The encoder's state for `applianceId`'s chain: the saved one when it agrees with the chain (its
 * last state bundle is the chain's last, with the same hash, digest and count), else the state
 * rebuilt from the archived chain (last snapshot and every state bundle after it, each digest
 * checked) and saved in its place, else a fresh state.
 */
export function loadEncoderState(
  db: Database,
  applianceId: string,
): { state: ChangeEncoderState; origin: EncoderOrigin } {
  const saved = readSaved(db, applianceId);
  if (saved.ok) return { state: saved.state, origin: { from: "saved" } };
  return db
    .transaction(() => {
      const rebuilt = rebuildFromChain(db, applianceId);
      if (!rebuilt.ok) {
        clearSaved(db);
        return {
          state: newEncoderState(),
          origin: { from: "fresh" as const, why: `${saved.why}; ${rebuilt.why}` },
        };
      }
      writeWhole(db, applianceId, rebuilt.state, rebuilt.through);
      return {
        state: rebuilt.state,
        origin: { from: "chain" as const, why: saved.why, seq: rebuilt.through.seq },
      };
    })
    .immediate();
}

/**
 * Save the encoder's move from `prev` to `next` inside the caller's transaction: the findings that
 * are not the same objects are written, keys gone are deleted. `through` is the chain head after
 * the cycle's state bundles, when it appended any.
 */
export function saveEncoderState(
  db: Database,
  applianceId: string,
  prev: ChangeEncoderState,
  next: ChangeEncoderState,
  through: ChainHead | undefined,
): void {
  if (next.state !== prev.state) {
    const upsert = db.query(
      "INSERT INTO encoder_finding (check_id, host, finding) VALUES (?, ?, ?) ON CONFLICT (check_id, host) DO UPDATE SET finding = excluded.finding",
    );
    for (const [k, f] of next.state)
      if (prev.state.get(k) !== f) upsert.run(f.checkId, f.host, JSON.stringify(f));
    const remove = db.query("DELETE FROM encoder_finding WHERE check_id = ? AND host = ?");
    for (const [k, f] of prev.state) if (!next.state.has(k)) remove.run(f.checkId, f.host);
  }
  if (through) {
    db.query(
      `INSERT INTO encoder_state (id, appliance_id, seq, hash, last_snapshot_at, quiet) VALUES (1, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET appliance_id = excluded.appliance_id, seq = excluded.seq, hash = excluded.hash,
         last_snapshot_at = excluded.last_snapshot_at, quiet = excluded.quiet`,
    ).run(applianceId, through.seq, through.hash, next.lastSnapshotAt, JSON.stringify(next.quiet));
  } else {
    // A cycle that appended nothing only moved the quiet cycles (the first cycle always appends).
    db.query("UPDATE encoder_state SET quiet = ? WHERE id = 1").run(JSON.stringify(next.quiet));
  }
}

type Read<T> = ({ ok: true } & T) | { ok: false; why: string };

// The saved state, if it is there, well formed and the state of the chain's last state bundle.
function readSaved(db: Database, applianceId: string): Read<{ state: ChangeEncoderState }> {
  const raw = db.query("SELECT * FROM encoder_state WHERE id = 1").get();
  if (!raw) return { ok: false, why: "no saved encoder state" };
  const row = v.safeParse(StateRow, raw);
  if (!row.success) return { ok: false, why: `saved encoder state malformed: ${describeIssues(row.issues)}` };
  const h = row.output;
  if (h.appliance_id !== applianceId)
    return { ok: false, why: `saved encoder state is of chain ${h.appliance_id}, not ${applianceId}` };
  const last = lastStateBundle(db, applianceId);
  if (!last || last.seq !== h.seq || last.hash !== h.hash)
    return {
      ok: false,
      why: `saved encoder state follows #${h.seq}, but the chain's last state bundle is ${last ? `#${last.seq}` : "none"}${last && last.seq === h.seq ? " with another hash" : ""}`,
    };
  let quiet: string[];
  try {
    const q = v.safeParse(Quiet, JSON.parse(h.quiet));
    if (!q.success) return { ok: false, why: `saved quiet cycles malformed: ${describeIssues(q.issues)}` };
    quiet = q.output;
  } catch {
    return { ok: false, why: "saved quiet cycles are not JSON" };
  }
  const state: FindingState = new Map();
  for (const r of db
    .query<{ check_id: string; host: string; finding: string }, []>("SELECT * FROM encoder_finding")
    .all()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(r.finding);
    } catch {
      return { ok: false, why: `saved finding ${r.check_id} on ${r.host} is not JSON` };
    }
    const f = v.safeParse(Finding, parsed);
    if (!f.success || f.output.checkId !== r.check_id || f.output.host !== r.host)
      return { ok: false, why: `saved finding ${r.check_id} on ${r.host} malformed` };
    state.set(stateKey(f.output), f.output);
  }
  const proof = last.bundle.v === 2 ? last.bundle.state : undefined;
  if (!proof || state.size !== proof.count || stateDigest(state.values()) !== proof.digest)
    return { ok: false, why: `saved findings do not match the digest bundle #${h.seq} signed` };
  return { ok: true, state: { state, lastSnapshotAt: h.last_snapshot_at, quiet } };
}

// The chain's newest state bundle (its kind decided by SQLite without parsing the others).
function lastStateBundle(db: Database, applianceId: string) {
  const r = db
    .query<{ seq: number; hash: string; bundle: string }, [string, string, string]>(
      `SELECT seq, hash, bundle FROM evidence WHERE appliance_id = ?
       AND json_extract(bundle, '$.kind') IN (?, ?) ORDER BY seq DESC LIMIT 1`,
    )
    .get(applianceId, ...STATE_KINDS);
  return r ? { seq: r.seq, hash: r.hash, bundle: parseBundle(r.bundle, r.seq) } : undefined;
}

function parseBundle(text: string, seq: number): EvidenceBundle {
  const r = v.safeParse(EvidenceBundle, JSON.parse(text));
  if (!r.success) throw new StateMismatch(`archived bundle #${seq} malformed: ${describeIssues(r.issues)}`);
  return r.output;
}

// The state through the chain's last state bundle, from the last snapshot at or before it.
function rebuildFromChain(
  db: Database,
  applianceId: string,
): Read<{ state: ChangeEncoderState; through: ChainHead }> {
  const snap = db
    .query<{ seq: number }, [string]>(
      `SELECT seq FROM evidence WHERE appliance_id = ? AND json_extract(bundle, '$.kind') = 'state-snapshot'
       ORDER BY seq DESC LIMIT 1`,
    )
    .get(applianceId);
  if (!snap) return { ok: false, why: "the archived chain holds no state snapshot" };
  const state: FindingState = new Map();
  let through: ChainHead | undefined;
  let lastSnapshotAt = "";
  try {
    for (const r of db
      .query<{ seq: number; hash: string; bundle: string }, [string, number]>(
        "SELECT seq, hash, bundle FROM evidence WHERE appliance_id = ? AND seq >= ? ORDER BY seq",
      )
      .iterate(applianceId, snap.seq)) {
      const b = parseBundle(r.bundle, r.seq);
      if (b.v !== 2) continue;
      applyStateBundle(state, b);
      if (b.kind === "state-snapshot") lastSnapshotAt = b.createdAt;
      through = { seq: r.seq, hash: r.hash };
    }
  } catch (e) {
    if (e instanceof StateMismatch) return { ok: false, why: e.message };
    throw e;
  }
  return { ok: true, state: { state, lastSnapshotAt, quiet: [] }, through: through! };
}

function clearSaved(db: Database): void {
  db.run("DELETE FROM encoder_finding");
  db.run("DELETE FROM encoder_state");
}

function writeWhole(db: Database, applianceId: string, state: ChangeEncoderState, through: ChainHead): void {
  clearSaved(db);
  saveEncoderState(db, applianceId, newEncoderState(), state, through);
}
