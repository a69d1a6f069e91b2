import * as v from "valibot";
import { type CompiledRules, compileRules } from "../../../../lib/rules/compile.ts";
import { RuleConditionError } from "../../../../lib/rules/conditions.ts";
import { describeIssues } from "../../../../protocol/common.ts";
import { RuleSet } from "../../../../protocol/rules.ts";
import { type SignedEnvelope, type TrustedKeys, verifyTrusted } from "../../../../protocol/signed.ts";

/** The outcome of offering a signed rule set from a sync. */
export type RuleSetUpdate =
  | { ok: true; set: RuleSet; compiled: CompiledRules }
  | { ok: false; reason: string; unchanged?: true };

/**
 * Accept a rule set the cloud signed, if it verifies against the cloud's key, is well-formed, its
 * conditions compile, and its version is newer than the one in use (a replayed older set is
 * refused; the same version is "unchanged"). Pure: the caller swaps the active rules on ok.
 */
export function acceptRuleSet(
  signed: SignedEnvelope<unknown>,
  cloudPublicKey: TrustedKeys,
  currentVersion: number,
): RuleSetUpdate {
  const sig = verifyTrusted(signed, cloudPublicKey);
  if (!sig.ok) return { ok: false, reason: `rule set refused: ${sig.reason}` };
  const parsed = v.safeParse(RuleSet, signed.payload);
  if (!parsed.success) return { ok: false, reason: `rule set refused: ${describeIssues(parsed.issues)}` };
  const set = parsed.output;
  if (set.version === currentVersion)
    return { ok: false, reason: `rule set ${set.version} already in use`, unchanged: true };
  if (set.version < currentVersion) {
    return {
      ok: false,
      reason: `rule set refused: version ${set.version} is older than ${currentVersion} in use`,
    };
  }
  try {
    return { ok: true, set, compiled: compileRules(set) };
  } catch (e) {
    if (e instanceof RuleConditionError) return { ok: false, reason: `rule set refused: ${e.message}` };
    throw e;
  }
}
