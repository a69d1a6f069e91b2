/**
 * What the appliance's local status API reports (GET /api/status on the LAN bind address) and the
 * status page renders. Built from the wire contract's own pieces (CheckinRequest, Finding) so the
 * page shows exactly what the appliance tells the cloud, plus the latest findings and sync state.
 */
import * as v from "valibot";
import { CheckinRequest } from "../../../protocol/checkin.ts";
import { Id, KeyId, PosInt, ShortText, Timestamp } from "../../../protocol/common.ts";
import { Finding } from "../../../protocol/finding.ts";
import { RemediationReceipt } from "../../../protocol/receipt.ts";
import { HostNames } from "../discovery/names.ts";
import { PendingClaim } from "../provision/pending.ts";

const { agentVersion, hostname, uptimeSec, lastCycle, queue, chain, warnings } = CheckinRequest.entries;

/** Outcome of the last exchange of one kind with the cloud (sync, checkin, evidence upload). */
export const CloudContact = v.strictObject({
  at: Timestamp,
  ok: v.boolean(),
  /** Why it failed, in words a technician can act on. */
  error: v.optional(ShortText),
});
export type CloudContact = v.InferOutput<typeof CloudContact>;

/** The local status API's snapshot of the daemon. */
export const StatusSnapshot = v.strictObject({
  generatedAt: Timestamp,
  siteId: Id,
  applianceId: Id,
  agentVersion,
  hostname,
  uptimeSec,
  /** Seconds between check cycles, to tell a stalled daemon from a quiet one. */
  checkIntervalSec: PosInt,
  lastCycle,
  /** Latest finding per (check, host) from the last cycles. */
  findings: v.pipe(v.array(Finding), v.maxLength(5_000)),
  /** The latest verified fixes, newest first (absent in snapshots saved before they were kept). */
  recentFixes: v.optional(v.pipe(v.array(RemediationReceipt), v.maxLength(50))),
  /** Address → the name discovery found for it, so the page names the computers checks reach by address. */
  hostNames: v.optional(HostNames),
  queue,
  chain,
  lastSync: v.nullable(CloudContact),
  lastUpload: v.nullable(CloudContact),
  healing: v.strictObject({ paused: v.boolean(), dryRun: v.boolean() }),
  warnings,
  /** The identity key, as a person compares it with the dashboard (protocol/provision.ts keyFingerprint). */
  identity: v.optional(v.strictObject({ keyId: KeyId, fingerprint: v.string() })),
  /** A re-enrolment claim waiting for a technician's approval (`malachor provision enroll`). */
  pendingClaim: v.optional(PendingClaim),
});
export type StatusSnapshot = v.InferOutput<typeof StatusSnapshot>;
