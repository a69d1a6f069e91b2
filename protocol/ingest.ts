import * as v from "valibot";
import { NonNegInt, ShortText } from "./common.ts";

/**
 * POST /agent/evidence: a batch of bundles in chain order. The body is
 * `{"bundles":[…]}`; each bundle is validated against EvidenceBundle by the cloud,
 * which answers per bundle so the agent knows exactly what it may drop from its queue.
 */
export const EvidenceUpload = v.strictObject({
  bundles: v.pipe(v.array(v.unknown()), v.minLength(1), v.maxLength(500)),
});
export type EvidenceUpload = v.InferOutput<typeof EvidenceUpload>;

export const EvidenceUploadResult = v.strictObject({
  /** Highest sequence number the cloud now holds for this appliance. */
  headSeq: NonNegInt,
  results: v.array(
    v.strictObject({
      seq: NonNegInt,
      status: v.picklist(["stored", "already-stored", "rejected"]),
      reason: v.optional(ShortText),
    }),
  ),
});
export type EvidenceUploadResult = v.InferOutput<typeof EvidenceUploadResult>;

/** POST /agent/escrow: a BitLocker recovery key, stored encrypted at rest by the cloud. */
export const KeyEscrow = v.strictObject({
  host: ShortText,
  volume: v.pipe(v.string(), v.regex(/^[A-Z]:$/, "must be a drive letter like C:")),
  protectorId: v.pipe(v.string(), v.regex(/^\{[0-9A-Fa-f-]{36}\}$/, "must be a GUID in braces")),
  recoveryPassword: v.pipe(v.string(), v.regex(/^(\d{6}-){7}\d{6}$/, "must be 8 groups of 6 digits")),
});
export type KeyEscrow = v.InferOutput<typeof KeyEscrow>;

/**
 * The answer when the cloud refuses a bundle of an upload (403 wrong appliance, 409 sequence gap /
 * fork / broken link, 422 malformed / bad signature / unknown key / future-dated / backdated): the cloud's
 * error envelope, whose `details.result` still says what happened to every bundle (bundles before
 * the refused one are stored; `headSeq` is where the agent resends from after a gap).
 */
export const EvidenceRefusal = v.object({
  error: v.object({
    code: v.string(),
    message: v.string(),
    details: v.object({ result: EvidenceUploadResult }),
  }),
});
export type EvidenceRefusal = v.InferOutput<typeof EvidenceRefusal>;
