import { parse as parseToml } from "smol-toml";
import * as v from "valibot";
import { describeIssues } from "../../protocol/common.ts";
import { isKnownCitation } from "../../protocol/hipaa.ts";
import { L1Rule, RuleSet } from "../../protocol/rules.ts";
import { compileRules } from "./compile.ts";

/** Thrown when a rules file is not valid TOML or a rule in it does not match protocol L1Rule. */
export class RuleFileError extends Error {
  override name = "RuleFileError";
}

// Defaults so rule files only spell out what is particular to a rule.
const DEFAULTS = {
  enabled: true,
  version: 1,
  priority: 0,
  cooldownSec: 300,
  maxAttempts: 3,
  flap: { windowSec: 3600, maxFixes: 3 },
  source: "builtin",
} as const;

/**
 * Parse one rules file (`[[rules]]` tables, keys as in protocol L1Rule) into validated rules.
 * Errors name the file, the rule and the key.
 */
export function parseRuleFile(text: string, file: string): L1Rule[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    throw new RuleFileError(`${file}: not valid TOML (${(e as Error).message.split("\n")[0]})`);
  }
  const extra = Object.keys(doc).filter((k) => k !== "rules");
  if (extra.length > 0)
    throw new RuleFileError(`${file}: unknown top-level key "${extra[0]}" (expected [[rules]])`);
  if (!Array.isArray(doc.rules)) throw new RuleFileError(`${file}: no [[rules]] tables`);
  return doc.rules.map((raw: Record<string, unknown>, i: number) => {
    const name = typeof raw.id === "string" ? `rule "${raw.id}"` : `rule #${i + 1}`;
    const match = raw.match as Record<string, unknown> | undefined;
    const action = raw.action as Record<string, unknown> | undefined;
    const input = {
      ...DEFAULTS,
      ...raw,
      match: match && { conditions: [], ...match },
      action: action?.type === "runbook" ? { params: {}, ...action } : action,
    };
    const r = v.safeParse(L1Rule, input);
    if (!r.success) throw new RuleFileError(`${file}: ${name}: ${describeIssues(r.issues)}`);
    const unknown = r.output.citations.find((c) => !isKnownCitation(c));
    if (unknown)
      throw new RuleFileError(`${file}: ${name}: citation ${unknown} is not in the HIPAA catalogue`);
    return r.output;
  });
}

/**
 * Build a rule set from rule files: ids must be unique and every condition must compile (so a
 * bad regex is found when loading, not when a finding first meets it).
 */
export function ruleSetFromFiles(files: ReadonlyArray<{ name: string; text: string }>, version = 0): RuleSet {
  const rules: L1Rule[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    for (const rule of parseRuleFile(f.text, f.name)) {
      const other = seen.get(rule.id);
      if (other) throw new RuleFileError(`${f.name}: rule "${rule.id}" is also defined in ${other}`);
      seen.set(rule.id, f.name);
      rules.push(rule);
    }
  }
  const set = v.parse(RuleSet, { version, rules });
  compileRules(set);
  return set;
}
