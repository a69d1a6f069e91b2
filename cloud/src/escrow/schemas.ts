import * as v from "valibot";

/** Answer to POST /agent/escrow. */
export const EscrowStored = v.strictObject({ id: v.string() });
export type EscrowStored = v.InferOutput<typeof EscrowStored>;

/** An escrowed key without its secret (listing). */
export const EscrowEntry = v.strictObject({
  id: v.string(),
  siteId: v.string(),
  applianceId: v.string(),
  host: v.string(),
  volume: v.string(),
  protectorId: v.string(),
  createdAt: v.string(),
  updatedAt: v.string(),
});
export type EscrowEntry = v.InferOutput<typeof EscrowEntry>;

export const EscrowList = v.strictObject({ keys: v.array(EscrowEntry) });
export type EscrowList = v.InferOutput<typeof EscrowList>;

/** One escrowed key with its recovery password (msp-admin only; every view is audited). */
export const EscrowSecret = v.strictObject({ ...EscrowEntry.entries, recoveryPassword: v.string() });
export type EscrowSecret = v.InferOutput<typeof EscrowSecret>;
