/**
 * The daemon's plug points, as types only (this module imports no feature, so every feature may
 * import it without a cycle): check providers (the Linux checks, the Windows hosts, the updater),
 * the three-tier healer, signed orders. start.ts wires the implementations explicitly.
 */
import type { Finding } from "../../../protocol/finding.ts";
import type { RemediationReceipt } from "../../../protocol/receipt.ts";
import type { SignedEnvelope } from "../../../protocol/signed.ts";
import type { SiteConfig } from "../../../protocol/sync.ts";

/** What a provider knows about the current cycle. */
export interface CycleContext {
  /** The site config in force (defaults until the first verified sync). */
  siteConfig: SiteConfig;
  /** Check ids not to run (site config plus the local [checks] disabled list). */
  disabled: ReadonlySet<string>;
  /** Per-check time limit. */
  timeoutMs: number;
  /** Aborted when the daemon is stopping; long work should give up. */
  signal: AbortSignal;
  /**
   * A person asked for these results now (a run_check order), outside the cycle: run every check
   * regardless of cadence, and consume nothing the next cycle needs (event-log bookmarks).
   */
  onDemand?: boolean;
}

/** Produces findings each cycle for the hosts it manages. Errors become one "error" finding. */
export interface CheckProvider {
  name: string;
  /** Longest one collect may take before it is reported as an error (default 3 × the check timeout). */
  timeoutMs?: number;
  collect(ctx: CycleContext): Promise<Finding[]>;
  /**
   * Called inside the transaction that signs the cycle's bundles, after a collect that finished
   * (never for on-demand runs): what the provider consumed this cycle (event-log events) is
   * marked reported with the evidence that reports it, so a kill -9 neither repeats nor loses it.
   */
  committed?(): void;
}

/**
 * Heals a cycle's findings. It records its receipts and incidents itself (ChainStore, Queue);
 * the daemon only calls it after each cycle and hands it the signed rule set from each sync.
 */
export interface Healer {
  /** Returns the receipts it wrote, so the status page can show verified fixes. */
  heal(
    findings: readonly Finding[],
    siteConfig: SiteConfig,
  ): Promise<{ receipts?: readonly RemediationReceipt[] } | undefined>;
  /** Offer the signed L1 rule set from /agent/sync (the healer verifies and applies it). */
  updateRules?(signed: SignedEnvelope<unknown>): RuleSetOffer;
  /** Version of the rule set in force, reported at checkin. */
  readonly rulesVersion?: number;
}

/** What became of a rule set offered to the healer. */
export type RuleSetOffer = { ok: true } | { ok: false; reason: string; unchanged?: true } | undefined;

/** Polls and runs the cloud's signed orders, once per cycle while the cloud is reachable. */
export interface OrderHandler {
  poll(): Promise<unknown>;
}
