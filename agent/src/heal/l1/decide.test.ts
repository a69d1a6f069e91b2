import { describe, expect, test } from "bun:test";
import { compileRules } from "../../../../lib/rules/compile.ts";
import { testRule } from "../../../../lib/rules/testing.ts";
import { sampleFinding } from "../../../../protocol/testkit.ts";
import { decideL1, type HostAttributes } from "./decide.ts";
import { afterAttempt, entryOf, type HealHistory, historyKey } from "./history.ts";

const win: HostAttributes = { platform: "windows", role: "workstation" };
const drift = sampleFinding({
  checkId: "windows.firewall",
  host: "FRONTDESK-02",
  status: "fail",
  severity: "high",
  details: { profile: "Public", enabled: false },
});
const T0 = Date.parse("2026-11-25T10:00:00Z");
const rules = (...rs: Parameters<typeof testRule>[0][]) =>
  compileRules({ version: 1, rules: rs.map(testRule) });
const none: HealHistory = new Map();

function historyAfter(ruleId: string, host: string, attempts: Array<[number, boolean]>, windowSec = 3600) {
  let e = entryOf(none, ruleId, host);
  for (const [at, fixed] of attempts) e = afterAttempt(e, at, fixed, windowSec);
  return new Map([[historyKey(ruleId, host), e]]);
}

describe("decideL1", () => {
  test("a matching runbook rule acts", () => {
    const d = decideL1(drift, win, rules({ id: "fw" }), none, T0);
    expect(d).toMatchObject({ type: "runbook", runbookId: "windows.firewall", rule: { id: "fw" } });
  });

  test("no rule: a failing finding goes on (to L2), a passing one is left alone", () => {
    expect(
      decideL1(
        drift,
        win,
        rules({ id: "other", match: { checks: ["x"], statuses: ["fail"], conditions: [] } }),
        none,
        T0,
      ),
    ).toEqual({ type: "none", reason: "no-rule" });
    expect(decideL1({ ...drift, status: "pass" }, win, rules({ id: "fw" }), none, T0)).toEqual({
      type: "none",
      reason: "passing",
    });
  });

  const filters: Array<[string, Parameters<typeof testRule>[0], boolean]> = [
    [
      "platform mismatch",
      {
        id: "r",
        match: { checks: ["windows.firewall"], statuses: ["fail"], platforms: ["linux"], conditions: [] },
      },
      false,
    ],
    [
      "platform match",
      {
        id: "r",
        match: { checks: ["windows.firewall"], statuses: ["fail"], platforms: ["windows"], conditions: [] },
      },
      true,
    ],
    [
      "severity below minimum",
      {
        id: "r",
        match: { checks: ["windows.firewall"], statuses: ["fail"], minSeverity: "critical", conditions: [] },
      },
      false,
    ],
    [
      "status not listed",
      { id: "r", match: { checks: ["windows.firewall"], statuses: ["warn"], conditions: [] } },
      false,
    ],
    ["wildcard check", { id: "r", match: { checks: ["*"], statuses: ["fail"], conditions: [] } }, true],
    [
      "condition on details",
      {
        id: "r",
        match: {
          checks: ["*"],
          statuses: ["fail"],
          conditions: [{ field: "details.profile", op: "eq", value: "Public" }],
        },
      },
      true,
    ],
    [
      "condition on host attributes",
      {
        id: "r",
        match: {
          checks: ["*"],
          statuses: ["fail"],
          conditions: [{ field: "attrs.role", op: "eq", value: "server" }],
        },
      },
      false,
    ],
    ["disabled rule", { id: "r", enabled: false }, false],
  ];
  test.each(filters)("%s", (_name, rule, acts) => {
    expect(decideL1(drift, win, rules(rule), none, T0).type).toBe(acts ? "runbook" : "none");
  });

  test("highest priority wins, wildcard included", () => {
    const rs = rules(
      { id: "low", priority: 1 },
      {
        id: "high",
        priority: 50,
        action: { type: "runbook", runbookId: "windows.firewall.strict", params: { level: 2 } },
      },
      { id: "any", priority: 10, match: { checks: ["*"], statuses: ["fail"], conditions: [] } },
    );
    expect(decideL1(drift, win, rs, none, T0)).toMatchObject({
      type: "runbook",
      rule: { id: "high" },
      params: { level: 2 },
    });
    const rs2 = rules(
      { id: "low", priority: 1 },
      { id: "any", priority: 10, match: { checks: ["*"], statuses: ["fail"], conditions: [] } },
    );
    expect(decideL1(drift, win, rs2, none, T0)).toMatchObject({ rule: { id: "any" } });
  });

  test("an escalate rule escalates with its reason", () => {
    const d = decideL1(
      drift,
      win,
      rules({ id: "esc", action: { type: "escalate", reason: "needs a person" } }),
      none,
      T0,
    );
    expect(d).toMatchObject({ type: "escalate", reason: "needs a person" });
  });

  test("cooldown per rule and host (default 300 s)", () => {
    const h = historyAfter("fw", drift.host, [[T0, true]]);
    expect(decideL1(drift, win, rules({ id: "fw" }), h, T0 + 299_000)).toMatchObject({
      type: "none",
      reason: "cooldown",
    });
    expect(decideL1(drift, win, rules({ id: "fw" }), h, T0 + 300_000).type).toBe("runbook");
    // Another host is not cooling down.
    expect(decideL1({ ...drift, host: "EXAM-3" }, win, rules({ id: "fw" }), h, T0 + 1000).type).toBe(
      "runbook",
    );
  });

  test("max attempts: consecutive failures open the circuit and escalate", () => {
    const h = historyAfter("fw", drift.host, [
      [T0, false],
      [T0 + 400_000, false],
      [T0 + 800_000, false],
    ]);
    const d = decideL1(drift, win, rules({ id: "fw" }), h, T0 + 10_000_000);
    expect(d).toMatchObject({ type: "escalate" });
    expect(d.type === "escalate" && d.reason).toContain("circuit open");
    // A success resets the count.
    const h2 = historyAfter("fw", drift.host, [
      [T0, false],
      [T0 + 400_000, false],
      [T0 + 800_000, true],
    ]);
    expect(decideL1(drift, win, rules({ id: "fw" }), h2, T0 + 10_000_000).type).toBe("runbook");
  });

  test("flapping: drift fixed maxFixes times within the window escalates instead of looping", () => {
    const fixes: Array<[number, boolean]> = [
      [T0, true],
      [T0 + 600_000, true],
      [T0 + 1_200_000, true],
    ];
    const h = historyAfter("fw", drift.host, fixes);
    const d = decideL1(drift, win, rules({ id: "fw" }), h, T0 + 1_800_000);
    expect(d.type === "escalate" && d.reason).toContain("flapping");
    // Outside the window the old fixes no longer count.
    expect(decideL1(drift, win, rules({ id: "fw" }), h, T0 + 1_200_000 + 3_600_000).type).toBe("runbook");
  });
});
