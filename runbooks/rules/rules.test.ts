import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { checkRunbookParams } from "../../protocol/runbook.ts";
import { runbookById } from "../index.ts";
import { BUILTIN_RULES, RULE_FILES } from "./index.ts";

const dir = import.meta.dir;

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
