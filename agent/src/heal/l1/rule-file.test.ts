import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { checkRunbookParams } from "../../../../protocol/runbook.ts";
import { runbookById } from "../../../../runbooks/index.ts";
import { BUILTIN_RULES, RULE_FILES } from "../../../../runbooks/rules/index.ts";
import { parseRuleFile, RuleFileError, ruleSetFromFiles } from "./rule-file.ts";

const dir = join(import.meta.dir, "../../../../runbooks/rules");

describe("builtin rules", () => {
  test("every rules file in runbooks/rules is embedded", () => {
    const onDisk = readdirSync(dir)
      .filter((f) => f.endsWith(".rules.toml"))
      .map((f) => `runbooks/rules/${f}`);
    expect(RULE_FILES.map((f) => f.name).sort()).toEqual(onDisk.sort());
  });

  test("every runbook rule names a catalogued runbook for its check and platform, with bounded params", () => {
    for (const rule of BUILTIN_RULES.rules) {
      if (rule.action.type !== "runbook") continue;
      const rb = runbookById(rule.action.runbookId);
      expect(rb, `${rule.id} → ${rule.action.runbookId}`).toBeDefined();
      expect(rule.match.checks).toEqual([rb!.spec.checkId]);
      expect(rule.match.platforms).toEqual([rb!.spec.platform]);
      expect(checkRunbookParams(rb!.spec, rule.action.params)).toMatchObject({ ok: true });
    }
  });

  test("load as a valid rule set with defaults filled", () => {
    expect(BUILTIN_RULES.rules.length).toBeGreaterThanOrEqual(5);
    const fw = BUILTIN_RULES.rules.find((r) => r.id === "l1-windows-firewall")!;
    expect(fw).toMatchObject({ enabled: true, version: 1, cooldownSec: 300, source: "builtin" });
    expect(fw.action).toEqual({ type: "runbook", runbookId: "windows.firewall", params: {} });
  });
});

describe("parseRuleFile", () => {
  const ok = `[[rules]]
id = "r1"
description = "d"
citations = ["§164.312(b)"]
match = { checks = ["linux.x"], statuses = ["fail"] }
action = { type = "runbook", runbookId = "linux.x" }
`;
  test("fills defaults", () => {
    expect(parseRuleFile(ok, "f.toml")[0]).toMatchObject({
      id: "r1",
      maxAttempts: 3,
      match: { conditions: [] },
    });
  });

  const bad: Array<[string, string, string]> = [
    ["not toml", "[[rules]\nid=", "f.toml: not valid TOML"],
    ["unknown top key", `x = 1\n${ok}`, 'unknown top-level key "x"'],
    ["no rules", "", "no [[rules]] tables"],
    ["bad key", ok.replace('id = "r1"', 'id = "r1"\ncooldown = 5'), 'f.toml: rule "r1": cooldown'],
    [
      "bad op",
      ok.replace(
        'statuses = ["fail"] }',
        'statuses = ["fail"], conditions = [{ field = "a", op = "like", value = 1 }] }',
      ),
      'rule "r1": match.conditions.0.op',
    ],
    [
      "unknown citation",
      ok.replace("§164.312(b)", "§164.312(z)"),
      "citation §164.312(z) is not in the HIPAA catalogue",
    ],
  ];
  test.each(bad)("%s", (_n, text, message) => {
    expect(() => parseRuleFile(text, "f.toml")).toThrow(RuleFileError);
    expect(() => parseRuleFile(text, "f.toml")).toThrow(message);
  });

  test("duplicate ids across files and bad regexes are refused", () => {
    expect(() =>
      ruleSetFromFiles([
        { name: "a", text: ok },
        { name: "b", text: ok },
      ]),
    ).toThrow('rule "r1" is also defined in a');
    const badRe = ok.replace(
      'statuses = ["fail"] }',
      'statuses = ["fail"], conditions = [{ field = "a", op = "regex", value = "(" }] }',
    );
    expect(() => ruleSetFromFiles([{ name: "a", text: badRe }])).toThrow(
      "rule r1 condition 1: invalid regex",
    );
  });
});
