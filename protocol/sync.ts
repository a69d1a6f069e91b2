import * as v from "valibot";
import { Id, NonNegInt, PosInt, Slug } from "./common.ts";
import { SignedKeyRotation } from "./key-rotation.ts";
import { IsoDate } from "./program.ts";
import { RuleSet } from "./rules.ts";
import { Signed } from "./signed.ts";
import { TargetSet } from "./targets.ts";

/** Site-wide settings the cloud pushes to appliances. */
export const SiteConfig = v.strictObject({
  version: NonNegInt,
  checkIntervalSec: v.pipe(PosInt, v.minValue(10), v.maxValue(86_400)),
  disabledChecks: v.array(Slug),
  healing: v.strictObject({
    paused: v.boolean(),
    dryRun: v.boolean(),
    /** Runbooks healing may use; empty means every runbook in the catalogue. */
    enabledRunbooks: v.array(Slug),
  }),
  /** Local-time window (HH:MM–HH:MM) in which disruptive remediations may run; null means any time. */
  /**
   * Checks whose failure the clinic accepted (an exception in force, program.ts): healing leaves
   * them alone until the end of `until` (a UTC date), then heals them again.
   */
  waivers: v.optional(v.array(v.strictObject({ checkId: Slug, exceptionId: Id, until: IsoDate }))),
  maintenanceWindow: v.nullable(
    v.strictObject({
      start: v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/)),
      end: v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/)),
    }),
  ),
});
export type SiteConfig = v.InferOutput<typeof SiteConfig>;

/** GET /agent/sync: config and the L1 rule set, each signed by the cloud. */
export const SyncResponse = v.strictObject({
  config: Signed(SiteConfig),
  rules: Signed(RuleSet),
  /** Targets entered in the cloud, credentials sealed to this appliance. */
  targets: v.optional(Signed(TargetSet)),
  /** Every rotation of the cloud's signing key, oldest first, each signed by the key it replaces. */
  cloudKeys: v.optional(v.pipe(v.array(SignedKeyRotation), v.maxLength(1000))),
});
export type SyncResponse = v.InferOutput<typeof SyncResponse>;

/** Default site config used until the first sync. */
export const DEFAULT_SITE_CONFIG: SiteConfig = {
  version: 0,
  checkIntervalSec: 60,
  disabledChecks: [],
  healing: { paused: false, dryRun: false, enabledRunbooks: [] },
  maintenanceWindow: null,
};

export const SyncConfigVersion = PosInt;
