/** Evidence retention tiers and their default retain-until periods (days). */
export const TIERS = ["essential", "professional", "enterprise"] as const;
export type Tier = (typeof TIERS)[number];

/** HIPAA's documentation retention: 6 years, the longest a tier may be configured to. */
export const MAX_RETENTION_DAYS = 6 * 365 + 2;

/** A fixed-window rate limit. */
export interface RatePolicy {
  limit: number;
  windowSec: number;
}

/** Tunables of one cloud instance (defaults in defaultCloudConfig; env parsing in main.ts). */
export interface CloudConfig {
  /** Base URL appliances use to reach this cloud (written into provisioning records). */
  publicUrl: string;
  retentionDays: Record<Tier, number>;
  rateLimits: {
    /** Every agent request, per appliance. */
    agent: RatePolicy;
    /** Remediation orders (run_runbook), per site. */
    remediationOrders: RatePolicy;
    /** Every admin API request, per token. */
    admin: RatePolicy;
    /** Privileged admin actions (key rotation, delete-appliance, tokens, approvals), per token. */
    privileged: RatePolicy;
    /** Failed sign-ins, per client address and per secret prefix (a right secret is never refused). */
    login: RatePolicy;
    /** Magic-link requests, per address (used by the web area). */
    magicLink: RatePolicy;
    /** Enrolments by one-time code, per code. */
    provisioning: RatePolicy;
    /** Unauthenticated enrolment requests (claims and codes), per source address. */
    provisioningPerAddress: RatePolicy;
    /** Unauthenticated enrolment requests (claims and codes), all callers together. */
    provisioningGlobal: RatePolicy;
    /** Whole-chain verifications (CPU-heavy), per token. */
    chainVerify: RatePolicy;
    /** Auditor's kit downloads (each reads the site's whole log), per caller. */
    kitDownload: RatePolicy;
  };
  /**
   * Reverse proxies (CIDR ranges) whose X-Forwarded-For is believed when counting per-address
   * limits; empty: the header is ignored and the connection's peer is the client.
   */
  trustedProxies: string[];
  /** Lifetime of orders unless the creator says otherwise. */
  orderTtlSec: number;
  /** Appliances silent for longer than this are "stale" for clear-stale. */
  staleAfterSec: number;
  /** Lifetime of an unused provisioning record. */
  provisionTtlSec: number;
  /** A site's log gets a new signed checkpoint this often (when it grew since the last one). */
  checkpointEveryMin: number;
  /** /health turns not-ok when an evidence object has waited longer than this for the store. */
  outboxMaxAgeSec: number;
  /** An alert nobody acknowledged within this long is escalated to the second contact. */
  alertSlaSec: number;
  /** How often appliances check in, and how many missed check-ins make one "silent". */
  checkinIntervalSec: number;
  silentAfterIntervals: number;
}

/** Defaults: agents poll every ~60 s, so 600/min per appliance is ≥ 10× any healthy cadence. */
export function defaultCloudConfig(overrides: Partial<CloudConfig> = {}): CloudConfig {
  return {
    publicUrl: "http://127.0.0.1:8080",
    retentionDays: { essential: 30, professional: 90, enterprise: 730 },
    rateLimits: {
      agent: { limit: 600, windowSec: 60 },
      remediationOrders: { limit: 10, windowSec: 300 },
      admin: { limit: 1200, windowSec: 60 },
      privileged: { limit: 30, windowSec: 3600 },
      login: { limit: 5, windowSec: 300 },
      magicLink: { limit: 3, windowSec: 900 },
      provisioning: { limit: 30, windowSec: 300 },
      // An appliance waiting for approval asks every `provisioning.retrySec` (nix/module.nix,
      // 30 s by default): 10 per 5 min. A whole fleet coming up at once stays under the global cap.
      provisioningPerAddress: { limit: 60, windowSec: 300 },
      provisioningGlobal: { limit: 3000, windowSec: 300 },
      chainVerify: { limit: 30, windowSec: 3600 },
      kitDownload: { limit: 20, windowSec: 3600 },
    },
    trustedProxies: [],
    orderTtlSec: 24 * 3600,
    staleAfterSec: 7 * 24 * 3600,
    provisionTtlSec: 30 * 24 * 3600,
    outboxMaxAgeSec: 900,
    alertSlaSec: 3600,
    checkinIntervalSec: 60,
    silentAfterIntervals: 2,
    checkpointEveryMin: 10,
    ...overrides,
  };
}
