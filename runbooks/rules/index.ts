/**
 * The builtin L1 rules, embedded at build time (one import per file; rules.test.ts checks that every
 * *.rules.toml here is listed). The cloud serves these plus promoted rules as the signed rule set;
 * an appliance uses them until its first sync.
 */

import { ruleSetFromFiles } from "../../lib/rules/rule-file.ts";
import type { RuleSet } from "../../protocol/rules.ts";
import linux from "./linux.rules.toml" with { type: "text" };
import macos from "./macos.rules.toml" with { type: "text" };
import windows from "./windows.rules.toml" with { type: "text" };

/** The rule files, by file name. */
export const RULE_FILES: ReadonlyArray<{ name: string; text: string }> = [
  { name: "runbooks/rules/linux.rules.toml", text: linux },
  { name: "runbooks/rules/macos.rules.toml", text: macos },
  { name: "runbooks/rules/windows.rules.toml", text: windows },
];

/** The builtin rule set (version 0: any synced set supersedes it). */
export const BUILTIN_RULES: RuleSet = ruleSetFromFiles(RULE_FILES, 0);
