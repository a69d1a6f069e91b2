import * as v from "valibot";
import { describeIssues } from "../../../protocol/common.ts";
import { type TrustedKeys, verifyTrusted } from "../../../protocol/signed.ts";
import { compareVersions, SignedUpdate, type UpdateMetadata } from "../../../protocol/update.ts";

/** Why published update metadata is not installed. */
export type UpdateSkipCode = "malformed" | "bad-signature" | "expired" | "not-newer";

/** What to do about the update metadata the cloud published. */
export type UpdateDecision =
  | { action: "install"; meta: UpdateMetadata }
  | { action: "skip"; code: UpdateSkipCode; reason: string; meta?: UpdateMetadata };

/** What the agent trusts and runs when judging update metadata. */
export interface UpdateContext {
  /** The cloud's release-signing public key (hex). */
  trustedKey: TrustedKeys;
  currentVersion: string;
  now: Date;
}

/**
 * Judge signed update metadata: well-formed, signed by the trusted key, not expired, and strictly
 * newer than the running version (rollback protection: an older or equal version is never
 * installed, whatever the cloud says). Pure.
 */
export function decideUpdate(raw: unknown, ctx: UpdateContext): UpdateDecision {
  const parsed = v.safeParse(SignedUpdate, raw);
  if (!parsed.success) {
    return {
      action: "skip",
      code: "malformed",
      reason: `update metadata is malformed: ${describeIssues(parsed.issues)}`,
    };
  }
  const env = parsed.output;
  const sig = verifyTrusted(env, ctx.trustedKey);
  if (!sig.ok)
    return {
      action: "skip",
      code: "bad-signature",
      reason: `update metadata signature rejected: ${sig.reason}`,
    };
  const meta = env.payload;
  if (Date.parse(meta.expiresAt) <= ctx.now.getTime()) {
    return {
      action: "skip",
      code: "expired",
      reason: `update metadata for ${meta.version} expired at ${meta.expiresAt}; staying on ${ctx.currentVersion} until the cloud re-signs it`,
      meta,
    };
  }
  if (compareVersions(meta.version, ctx.currentVersion) <= 0) {
    return {
      action: "skip",
      code: "not-newer",
      reason: `release ${meta.version} is not newer than the running ${ctx.currentVersion}; never downgrading`,
      meta,
    };
  }
  return { action: "install", meta };
}
