import * as v from "valibot";
import { SignedChainHead } from "./chain-heads.ts";
import { HostName, KeyId, NonNegInt, PosInt, ShortText, Timestamp } from "./common.ts";
import { BundleSummary } from "./evidence.ts";
import { SealKeyAnnouncement } from "./targets.ts";

/** POST /agent/checkin: the appliance reports health every cycle. */
export const CheckinRequest = v.strictObject({
  protocolVersion: PosInt,
  agentVersion: v.pipe(
    v.string(),
    v.regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, "must be a semantic version"),
  ),
  hostname: HostName,
  uptimeSec: NonNegInt,
  lastCycle: v.nullable(
    v.strictObject({ at: Timestamp, durationMs: v.pipe(v.number(), v.minValue(0)), summary: BundleSummary }),
  ),
  queue: v.strictObject({ depth: NonNegInt, bytes: NonNegInt, oldestAgeSec: NonNegInt }),
  chain: v.strictObject({ seq: NonNegInt, head: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)) }),
  configVersion: NonNegInt,
  rulesVersion: NonNegInt,
  /** Problems the appliance wants a technician to see (queue near bound, update metadata expired…). */
  warnings: v.pipe(
    v.array(v.strictObject({ code: v.pipe(v.string(), v.maxLength(64)), message: ShortText })),
    v.maxLength(50),
  ),
  /** The appliance's X25519 key credentials are sealed to (protocol/targets.ts). */
  sealKey: v.optional(SealKeyAnnouncement),
  /** The chain head signed with the identity key: the cloud keeps it to prove exports complete. */
  signedHead: v.optional(SignedChainHead),
});
export type CheckinRequest = v.InferOutput<typeof CheckinRequest>;

export const CheckinResponse = v.strictObject({
  serverTime: Timestamp,
  protocolVersion: PosInt,
  configVersion: NonNegInt,
  rulesVersion: NonNegInt,
  pendingOrders: NonNegInt,
  /** The highest chain sequence the cloud holds for this appliance (the agent resends from there). */
  chainSeq: NonNegInt,
  /** Version of the site's targets; the appliance syncs when it moved. */
  targetsVersion: v.optional(NonNegInt),
  /** The key the cloud signs with now; an appliance trusting another syncs to receive the rotation. */
  cloudKeyId: v.optional(KeyId),
});
export type CheckinResponse = v.InferOutput<typeof CheckinResponse>;
