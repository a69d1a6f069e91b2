import * as v from "valibot";
import { Id, ShortText } from "../../../protocol/common.ts";
import { ROLES } from "../actor.ts";

/** POST /api/tokens body. */
export const TokenCreate = v.strictObject({
  name: v.pipe(ShortText, v.minLength(1)),
  role: v.picklist(ROLES),
  /** Confine the token to one site. */
  siteId: v.optional(v.nullable(Id)),
  expiresInSec: v.optional(v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(400 * 86_400))),
});
export type TokenCreate = v.InferOutput<typeof TokenCreate>;

/** The new token, shown once. */
export const TokenIssued = v.strictObject({
  id: v.string(),
  token: v.string(),
  name: v.string(),
  role: v.picklist(ROLES),
  siteId: v.nullable(Id),
  expiresAt: v.nullable(v.string()),
});
export type TokenIssued = v.InferOutput<typeof TokenIssued>;
