import type { Database } from "bun:sqlite";
import type { Checkpoint } from "../../../protocol/checkpoint.ts";
import type { EvidenceEvent } from "../../../protocol/evidence.ts";
import type { Finding } from "../../../protocol/finding.ts";
import type { LogView } from "../../../protocol/transparency.ts";
import { checkConsistency, openCheckpoint, ProofBroken } from "./log-consistency.ts";

/** The checkpoint of the site's log this appliance last verified. */
export interface KeptCheckpoint {
  origin: string;
  size: number;
  root: string;
  note: string;
  seenAt: string;
}

/** A standing alarm: the cloud's log stopped extending the kept checkpoint. */
export interface LogAlarm {
  id: number;
  /** bad-checkpoint (bad or missing signature, foreign log), rolled-back, forked, checkpoint-mismatch. */
  kind: string;
  message: string;
  keptSize: number;
  keptRoot: string;
  raisedAt: string;
}

/** What one look at the cloud's log found. */
export type LogCheck =
  | { outcome: "no-checkpoint" | "unchanged" }
  | { outcome: "first" | "advanced"; size: number }
  | { outcome: "alarm"; alarm: LogAlarm; event: EvidenceEvent }
  | { outcome: "alarm-stands"; alarm: LogAlarm };

/** The action a technician can take while an alarm stands; nothing here deletes evidence. */
export const ALARM_ACTION =
  "the cloud's evidence log no longer extends what this appliance saw: do not delete anything on the appliance; " +
  "keep its own copy (`malachor evidence export --out <file>`), tell the MSP's security contact, and clear the alarm " +
  "with `malachor evidence alarm clear` only once the cause is known";

type AlarmRow = {
  id: number;
  kind: string;
  message: string;
  kept_size: number;
  kept_root: string;
  raised_at: string;
};

/** The alarm that stands, if any, read straight from the state database (the chain store asks too). */
export function standingLogAlarm(db: Database): LogAlarm | undefined {
  const r = db
    .query<AlarmRow, []>(
      "SELECT id, kind, message, kept_size, kept_root, raised_at FROM tlog_alarm WHERE cleared_at IS NULL ORDER BY id LIMIT 1",
    )
    .get();
  return r
    ? {
        id: r.id,
        kind: r.kind,
        message: r.message,
        keptSize: r.kept_size,
        keptRoot: r.kept_root,
        raisedAt: r.raised_at,
      }
    : undefined;
}

/**
 * Clear every standing alarm (a technician's decision, once the cause is known) and forget the kept
 * checkpoint, so the next look pins the cloud's log afresh; the alarm events stay in the chain. How
 * many alarms were cleared.
 */
export function clearLogAlarms(db: Database, now: Date): number {
  return db.transaction(() => {
    db.query("DELETE FROM tlog_checkpoint").run();
    return db.query("UPDATE tlog_alarm SET cleared_at = ? WHERE cleared_at IS NULL").run(now.toISOString())
      .changes;
  })();
}

/**
 * Watches the cloud's transparency log of this appliance's site (issue #20 item 3): at each cloud
 * step it fetches the newest signed checkpoint and the consistency proof from the size it kept,
 * checks the signature against the cloud keys it trusts and the proof with the code `malachor
 * evidence verify-proof` uses (log-consistency.ts), and keeps the checkpoint when it extends the
 * kept one. When it does not (rolled back, forked, badly signed), it raises an alarm that stands
 * until a technician clears it: a status warning, a failing critical finding in every bundle, and no
 * pruning of the local evidence archive (chain-store.ts). The kept checkpoint stays the last good one.
 */
export class LogWatch {
  constructor(
    private readonly db: Database,
    private readonly siteId: string,
  ) {}

  /** The kept checkpoint, or null before the first. */
  kept(): KeptCheckpoint | null {
    const r = this.db
      .query<{ origin: string; size: number; root: string; note: string; seen_at: string }, []>(
        "SELECT origin, size, root, note, seen_at FROM tlog_checkpoint WHERE id = 1",
      )
      .get();
    return r ? { origin: r.origin, size: r.size, root: r.root, note: r.note, seenAt: r.seen_at } : null;
  }

  alarm(): LogAlarm | undefined {
    return standingLogAlarm(this.db);
  }

  /**
   * One look: `fetch(from)` asks the cloud for its log view (`from`: the kept size), `trustedKeys`
   * are the cloud public keys (hex) a checkpoint may be signed by. Network errors propagate; they
   * are not the log's fault.
   */
  async check(
    fetch: (from?: number) => Promise<LogView>,
    trustedKeys: string[],
    now: Date,
  ): Promise<LogCheck> {
    const kept = this.kept();
    const view = await fetch(kept?.size);
    const standing = this.alarm();
    if (!view.checkpoint) {
      if (!kept) return { outcome: "no-checkpoint" };
      return this.raise(
        new ProofBroken(
          "rolled-back",
          `the cloud shows no checkpoint at all; this appliance kept one of ${kept.size} leaves`,
        ),
        kept,
        null,
        now,
        standing,
      );
    }
    let cp: Checkpoint;
    try {
      cp = this.open(view.checkpoint, trustedKeys, kept);
      if (kept) {
        if (cp.size === kept.size && cp.root === kept.root)
          return standing ? { outcome: "alarm-stands", alarm: standing } : { outcome: "unchanged" };
        const older = { origin: kept.origin, size: kept.size, root: kept.root, extensions: [] };
        const p = view.consistency;
        if (p && cp.size >= kept.size && p.size1 === kept.size && p.root1 !== kept.root) {
          throw new ProofBroken(
            "forked",
            `the cloud's log at ${kept.size} leaves has root ${p.root1}, not the root ${kept.root} this appliance kept: its history forked`,
          );
        }
        if (cp.size > kept.size && !p)
          throw new ProofBroken(
            "forked",
            `the cloud gave no consistency proof from ${kept.size} to ${cp.size} leaves`,
          );
        checkConsistency(
          view.consistency ?? {
            siteId: this.siteId,
            size1: kept.size,
            root1: kept.root,
            size2: cp.size,
            root2: cp.root,
            proof: [],
          },
          cp,
          older,
        );
      }
    } catch (e) {
      if (!(e instanceof ProofBroken)) throw e;
      return this.raise(e, kept, view.checkpoint, now, standing);
    }
    // While an alarm stands the kept checkpoint stays the last one before it, the evidence of the break.
    if (standing) return { outcome: "alarm-stands", alarm: standing };
    this.db
      .query(
        `INSERT INTO tlog_checkpoint (id, origin, size, root, note, seen_at) VALUES (1, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET origin = excluded.origin, size = excluded.size, root = excluded.root,
           note = excluded.note, seen_at = excluded.seen_at`,
      )
      .run(cp.origin, cp.size, cp.root, view.checkpoint, now.toISOString());
    return { outcome: kept ? "advanced" : "first", size: cp.size };
  }

  /** The note opened with a trusted key under the site's log name (the one kept, once there is one). */
  private open(note: string, trustedKeys: string[], kept: KeptCheckpoint | null): Checkpoint {
    const origin = note.slice(0, Math.max(0, note.indexOf("\n")));
    if (kept ? origin !== kept.origin : !origin.endsWith(`/tlog/${this.siteId}`)) {
      throw new ProofBroken(
        "bad-checkpoint",
        `the checkpoint is of log "${origin.slice(0, 100)}", not this site's ${kept?.origin ?? `…/tlog/${this.siteId}`}`,
      );
    }
    return openCheckpoint(
      note,
      trustedKeys.map((publicKey) => ({ name: origin, publicKey })),
      "the cloud's checkpoint",
    );
  }

  private raise(
    broken: ProofBroken,
    kept: KeptCheckpoint | null,
    seenNote: string | null,
    now: Date,
    standing: LogAlarm | undefined,
  ): LogCheck {
    // One alarm for one break: the same kind seen again at the next step adds nothing.
    if (standing && standing.kind === broken.kind) return { outcome: "alarm-stands", alarm: standing };
    const at = now.toISOString();
    const keptSize = kept?.size ?? 0;
    const keptRoot = kept?.root ?? "";
    const id = Number(
      this.db
        .query(
          "INSERT INTO tlog_alarm (kind, message, kept_size, kept_root, seen_note, raised_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .run(broken.kind, broken.message.slice(0, 1000), keptSize, keptRoot, seenNote, at).lastInsertRowid,
    );
    const alarm: LogAlarm = {
      id,
      kind: broken.kind,
      message: broken.message,
      keptSize,
      keptRoot,
      raisedAt: at,
    };
    const event: EvidenceEvent = {
      type: "cloud-log-broken",
      at,
      summary: `cloud evidence log ${broken.kind}: ${broken.message}`.slice(0, 200),
      details: {
        kind: broken.kind,
        message: broken.message.slice(0, 1000),
        keptSize,
        keptRoot,
        keptNote: kept?.note ?? null,
        seenNote: seenNote?.slice(0, 8192) ?? null,
      },
    };
    return { outcome: "alarm", alarm, event };
  }

  /** The status warning while an alarm stands. */
  warning(): string | undefined {
    const a = this.alarm();
    if (!a) return undefined;
    return `cloud evidence log ${a.kind} since ${a.raisedAt}: ${a.message}. The appliance keeps every bundle it signed. Action: ${ALARM_ACTION}`;
  }

  /** This cycle's finding on the cloud's log: failing (critical) while an alarm stands. */
  finding(host: string, observedAt: string): Finding {
    const a = this.alarm();
    const kept = this.kept();
    return {
      checkId: "agent.cloud-log",
      host,
      status: a ? "fail" : "pass",
      severity: "critical",
      title: "The cloud's evidence log extends what this appliance saw",
      citations: ["§164.312(b)", "§164.312(c)(1)"],
      expected: "every signed checkpoint of the site's log extends the one this appliance kept",
      actual: a
        ? `${a.kind} since ${a.raisedAt}: ${a.message}`.slice(0, 500)
        : kept
          ? `extends the kept checkpoint of ${kept.size} leaves`
          : "no checkpoint seen yet",
      details: a
        ? {
            kind: a.kind,
            since: a.raisedAt,
            keptSize: a.keptSize,
            keptRoot: a.keptRoot,
            action: ALARM_ACTION,
          }
        : kept
          ? { keptSize: kept.size, keptRoot: kept.root, seenAt: kept.seenAt }
          : {},
      observedAt,
    };
  }
}
