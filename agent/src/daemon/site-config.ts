import * as v from "valibot";
import { describeIssues } from "../../../protocol/common.ts";
import { type SignedEnvelope, verifyEnvelope } from "../../../protocol/signed.ts";
import { SiteConfig } from "../../../protocol/sync.ts";

/** Accept a synced site config only if the cloud's key signed it and it is well-formed. */
export function acceptSiteConfig(
  signed: SignedEnvelope<unknown>,
  cloudPublicKey: string | undefined,
): { ok: true; config: SiteConfig } | { ok: false; reason: string } {
  if (!cloudPublicKey) return { ok: false, reason: "no [cloud] public_key configured to verify it" };
  const check = verifyEnvelope(signed, cloudPublicKey);
  if (!check.ok) return { ok: false, reason: check.reason };
  const r = v.safeParse(SiteConfig, signed.payload);
  if (!r.success) return { ok: false, reason: `malformed: ${describeIssues(r.issues)}` };
  return { ok: true, config: r.output };
}
