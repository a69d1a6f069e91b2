import * as v from "valibot";
import { Hex64, Id, ShortText } from "../../../protocol/common.ts";

/** POST /api/sites/:siteId/appliances: register an appliance whose identity key is already known. */
export const ApplianceCreate = v.strictObject({
  id: v.optional(Id),
  name: v.pipe(ShortText, v.minLength(1)),
  publicKey: Hex64,
  hostname: v.optional(ShortText),
});
export type ApplianceCreate = v.InferOutput<typeof ApplianceCreate>;

/** An appliance as the admin API shows it. */
export const ApplianceView = v.strictObject({
  id: Id,
  siteId: Id,
  name: v.string(),
  hostname: v.nullable(v.string()),
  mac: v.nullable(v.string()),
  publicKey: Hex64,
  keyId: v.string(),
  agentVersion: v.nullable(v.string()),
  lastCheckinAt: v.nullable(v.string()),
  chainSeq: v.number(),
  createdAt: v.string(),
});
export type ApplianceView = v.InferOutput<typeof ApplianceView>;

export const ApplianceList = v.strictObject({ appliances: v.array(ApplianceView) });

/** POST /api/appliances/:applianceId/keys answer: the new API key, shown once. */
export const ApiKeyIssued = v.strictObject({ applianceId: Id, apiKeyId: v.string(), apiKey: v.string() });
