/**
 * What the appliance's local status API reports (GET /api/status on the LAN bind address) and the
 * status page renders. Built from the wire contract's own pieces (CheckinRequest, Finding) so the
 * page shows exactly what the appliance tells the cloud, plus the latest findings and sync state.
 */
import * as v from "valibot";
import { CheckinRequest } from "../../../protocol/checkin.ts";
import { Id, PosInt, ShortText, Timestamp } from "../../../protocol/common.ts";
import { Finding } from "../../../protocol/finding.ts";

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
  queue,
  chain,
  lastSync: v.nullable(CloudContact),
  lastUpload: v.nullable(CloudContact),
  healing: v.strictObject({ paused: v.boolean(), dryRun: v.boolean() }),
  warnings,
});
export type StatusSnapshot = v.InferOutput<typeof StatusSnapshot>;
