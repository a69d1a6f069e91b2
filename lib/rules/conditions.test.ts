import { describe, expect, test } from "bun:test";
import type { RuleCondition } from "../../protocol/rules.ts";
import { compileCondition, RuleConditionError } from "./conditions.ts";

const subject = {
  check: "windows.firewall",
  status: "fail",
  details: {
    port: "3389",
    profiles: ["Domain", "Public"],
    name: "Allow RDP",
    enabled: true,
    count: 12,
    none: null,
  },
};

describe("compileCondition", () => {
  const cases: Array<[RuleCondition["op"], string, unknown, boolean]> = [
    ["eq", "status", "fail", true],
    ["eq", "status", "pass", false],
    ["eq", "details.port", 3389, true],
    ["eq", "details.enabled", true, true],
    ["ne", "status", "pass", true],
    ["ne", "details.port", 3389, false],
    ["contains", "details.name", "RDP", true],
    ["contains", "details.profiles", "Public", true],
    ["contains", "details.profiles", "Private", false],
    ["contains", "details.count", "1", false],
    ["regex", "check", "^windows\\.", true],
    ["regex", "details.port", "^33", true],
    ["regex", "details.profiles", "Dom", false],
    ["gt", "details.count", 10, true],
    ["gt", "details.port", 5000, false],
    ["lt", "details.port", 5000, true],
    ["lt", "details.missing", 5, false],
    ["in", "status", ["fail", "warn"], true],
    ["in", "details.port", [22, 3389], true],
    ["not_in", "status", ["pass"], true],
    ["not_in", "details.port", ["3389"], false],
    ["exists", "details.port", undefined, true],
    ["exists", "details.none", true, false],
    ["exists", "details.missing", false, true],
    ["exists", "details.port.deeper", true, false],
  ];
  test.each(cases)("%s %s %p → %p", (op, field, value, want) => {
    const c = compileCondition({ field, op, value } as RuleCondition, "t");
    expect(c(subject)).toBe(want);
  });

  const bad: Array<[RuleCondition, string]> = [
    [{ field: "status", op: "regex", value: "(" }, "invalid regex"],
    [{ field: "status", op: "regex", value: 3 }, "regex needs a string"],
    [{ field: "details.count", op: "gt", value: "many" }, "gt needs a numeric value"],
    [{ field: "status", op: "in", value: "fail" }, "in needs a list"],
    [{ field: "status", op: "exists", value: "yes" }, "exists takes true, false"],
  ];
  test.each(bad)("refuses %p", (cond, message) => {
    expect(() => compileCondition(cond, "rule x condition 1")).toThrow(RuleConditionError);
    expect(() => compileCondition(cond, "rule x condition 1")).toThrow(message);
  });
});
