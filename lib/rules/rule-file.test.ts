import { describe, expect, test } from "bun:test";
import { parseRuleFile, RuleFileError, ruleSetFromFiles } from "./rule-file.ts";

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
