import type { Database } from "bun:sqlite";
import type { Finding } from "../../../protocol/finding.ts";
import { CloudError } from "../cloud-client/errors.ts";
import type { DrainResult } from "../cloud-client/uploader.ts";
import { getMeta, setMeta } from "../queue/db.ts";

/** Cloud steps in a row that refuse the same thing before the upload counts as stuck. */
export const STUCK_AFTER = 3;

const META = "upload.stuck";

/** What keeps evidence from being stored, seen `steps` cloud steps in a row since `since`. */
export interface StuckUpload {
  /** "unauthorized" (the cloud refuses the API key) or the refusal kind (wrong-appliance, sequence-gap…). */
  kind: string;
  applianceId: string | null;
  seq: number | null;
  reason: string;
  since: string;
  steps: number;
}

// What a technician can do about each cause; nothing here deletes evidence.
const ACTIONS: Record<string, string> = {
  unauthorized:
    "the cloud no longer accepts this appliance's API key (appliance deleted or key revoked): re-enrol with `malachor provision enroll` (a technician approves the claim in the dashboard); the queued chain is handed over to the new identity",
  "wrong-appliance":
    "the queued chain names another appliance than this API key's: re-enrol with `malachor provision enroll`, which hands the chain over, or restore the config this chain was made with",
  "unknown-key":
    "the cloud does not hold the key that signed this bundle: restore the identity key file if it was replaced by hand, or run `malachor provision rekey`",
  "bad-signature":
    "the cloud found a signature that does not match: do not delete anything; send `malachor status --json` to support",
  "future-dated":
    "the appliance's clock is ahead of the cloud's: fix time synchronisation on the appliance; the bundle is accepted once its time has come",
  "sequence-gap":
    "the cloud's copy of this chain differs from the appliance's archive: do not delete anything; compare the evidence alerts for this appliance in the dashboard with `malachor status --json` and contact support",
};
ACTIONS["broken-link"] = ACTIONS["sequence-gap"]!;
ACTIONS.fork = ACTIONS["sequence-gap"]!;

/** The next step for a technician, by cause. */
export function stuckAction(kind: string): string {
  return (
    ACTIONS[kind] ??
    "the cloud refuses this bundle: do not delete anything; send `malachor status --json` to support (the bundle stays queued)"
  );
}

/**
 * Watches uploads across cloud steps: when the cloud answers but refuses the same bundle (or the
 * API key) STUCK_AFTER steps in a row, the upload is stuck. The daemon reports that as a status
 * warning and as a failing finding in the next bundle, with the action a technician can take. An
 * unreachable cloud is not "stuck" (the daemon reports it on its own); any stored bundle clears it.
 * Kept in the state database so a restart does not forget it.
 */
export class UploadWatch {
  constructor(private readonly db: Database) {}

  /** The current streak of refusals, stuck or not yet. */
  private streak(): StuckUpload | undefined {
    const raw = getMeta(this.db, META);
    return raw ? (JSON.parse(raw) as StuckUpload) : undefined;
  }

  /** The stuck upload, once the same refusal has lasted STUCK_AFTER steps. */
  stuck(): StuckUpload | undefined {
    const s = this.streak();
    return s && s.steps >= STUCK_AFTER ? s : undefined;
  }

  /**
   * Record one cloud step: the drain's result, or the error that stopped the step before it (a
   * failed check-in). `queuedEvidence` is how much evidence is still waiting afterwards.
   */
  observe(outcome: DrainResult | Error | undefined, queuedEvidence: number, now: Date): void {
    let seen: Omit<StuckUpload, "since" | "steps"> | undefined;
    const stoppedBy = outcome instanceof Error ? outcome : outcome?.stoppedBy;
    if (outcome && !(outcome instanceof Error) && outcome.refused) {
      const r = outcome.refused;
      seen = {
        kind: r.reason.split(":")[0]!.trim(),
        applianceId: r.applianceId,
        seq: r.seq,
        reason: r.reason,
      };
    } else if (stoppedBy instanceof CloudError && stoppedBy.kind === "unauthorized") {
      seen = { kind: "unauthorized", applianceId: null, seq: null, reason: stoppedBy.message };
    }
    const delivered = outcome && !(outcome instanceof Error) ? (outcome.delivered.evidence ?? 0) : 0;
    if (!seen) {
      // Progress (or nothing left to send) ends a streak; an unreachable cloud leaves it as it is.
      if (delivered > 0 || queuedEvidence === 0 || (outcome && !stoppedBy)) {
        this.db.query("DELETE FROM meta WHERE name = ?").run(META);
      }
      return;
    }
    const prev = this.streak();
    const same =
      prev && prev.kind === seen.kind && prev.applianceId === seen.applianceId && prev.seq === seen.seq;
    const next: StuckUpload = same
      ? { ...prev, reason: seen.reason, steps: prev.steps + 1 }
      : { ...seen, since: now.toISOString(), steps: 1 };
    setMeta(this.db, META, JSON.stringify(next));
  }

  /** The status warning, when stuck. */
  warning(): string | undefined {
    const s = this.stuck();
    if (!s) return undefined;
    const what = s.applianceId ? `bundle ${s.applianceId}#${s.seq}` : "every upload";
    return `evidence upload stuck since ${s.since}: the cloud refused ${what} ${s.steps} times (${s.reason}); nothing is lost, it stays queued. Action: ${stuckAction(s.kind)}`;
  }

  /** This cycle's finding on the upload: failing while stuck, passing otherwise. */
  finding(host: string, observedAt: string): Finding {
    const s = this.stuck();
    return {
      checkId: "agent.evidence-upload",
      host,
      status: s ? "fail" : "pass",
      severity: "high",
      title: "The cloud stores this appliance's evidence",
      citations: ["§164.312(b)", "§164.312(c)(1)"],
      expected: "every queued bundle stored by the cloud",
      actual: s
        ? `refused ${s.steps} times since ${s.since}: ${s.reason}`.slice(0, 500)
        : "no refusal outstanding",
      details: s
        ? {
            kind: s.kind,
            applianceId: s.applianceId,
            seq: s.seq,
            since: s.since,
            steps: s.steps,
            action: stuckAction(s.kind),
          }
        : {},
      observedAt,
    };
  }
}
