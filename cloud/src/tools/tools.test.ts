import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import type { RunbookParam, RunbookSpec } from "../../../protocol/runbook.ts";
import { mcpJsonSchema } from "../mcp/json-schema.ts";
import { remediationAllowList, siteAllowsRunbook } from "./allowlist.ts";
import { catalogueOf } from "./catalogue.ts";
import { proposeRemediationTool } from "./propose-remediation.ts";
import { RUNBOOK_CATALOGUE } from "./runbook-catalogue.ts";
import { describeParam, runbookDocumentation } from "./runbook-doc.ts";

const spec: RunbookSpec = {
  id: "windows.backup",
  title: "Run a backup",
  platform: "windows",
  checkId: "windows.backup",
  description: "Starts a Windows Server Backup job.",
  detects: "Last successful backup older than max_age_days.",
  remediates: "wbadmin start backup.",
  verifies: "A backup finished after the remediation started.",
  citations: ["§164.308(a)(7)(ii)(A)"],
  severity: "high",
  blastRadius: "medium",
  rollback: false,
  params: [
    { name: "max_age_days", type: "integer", description: "Oldest backup", min: 1, max: 30, default: 7 },
    { name: "mode", type: "enum", description: "Kind", values: ["full", "incremental"], default: "full" },
  ],
};

describe("runbook documentation", () => {
  test("names what it detects, remediates and verifies, the controls, bounds and scripts", () => {
    const doc = runbookDocumentation(spec, { "detect.ps1": "Get-WBSummary\n" });
    for (const part of [
      "# Run a backup (`windows.backup`)",
      "## Detects\nLast successful backup",
      "## Remediates\nwbadmin",
      "## Verifies\nA backup finished",
      "- §164.308(a)(7)(ii)(A) Data backup plan",
      "- max_age_days: integer 1–30 (default 7). Oldest backup",
      "Blast radius: medium; rollback: no",
      "## detect.ps1\n\n```powershell\nGet-WBSummary\n```",
    ]) {
      expect(doc).toContain(part);
    }
  });

  test.each([
    [
      { name: "n", type: "integer", description: "", min: 1, max: 5, default: 2 },
      "n: integer 1–5 (default 2)",
    ],
    [{ name: "b", type: "boolean", description: "", default: true }, "b: true/false (default true)"],
    [
      { name: "e", type: "enum", description: "", values: ["x", "y"], default: "x" },
      "e: one of x, y (default x)",
    ],
    [
      { name: "s", type: "string", description: "", pattern: "[a-z]+", maxLength: 9, default: "a" },
      's: string matching [a-z]+, ≤ 9 chars (default "a")',
    ],
  ] as [RunbookParam, string][])("describeParam %#", (p, text) => {
    expect(describeParam(p)).toBe(text);
  });

  test("every catalogued runbook has documentation with its scripts", () => {
    for (const r of RUNBOOK_CATALOGUE.all()) {
      const doc = RUNBOOK_CATALOGUE.documentation(r.id)!;
      expect(doc).toContain(`(\`${r.id}\`)`);
      expect(doc).toContain(r.platform === "windows" ? "## remediate.ps1" : "## remediate.sh");
    }
  });
});

describe("allow-list", () => {
  test("is every catalogued runbook, sorted, and nothing else", () => {
    const ids = RUNBOOK_CATALOGUE.all().map((r) => r.id);
    expect(remediationAllowList(RUNBOOK_CATALOGUE)).toEqual([...ids].sort());
    expect(remediationAllowList(catalogueOf([]))).toEqual([]);
  });

  test.each([
    [[], "linux.services", true],
    [["linux.services"], "linux.services", true],
    [["linux.time-sync"], "linux.services", false],
  ] as const)("site enabledRunbooks %p allows %s: %p", (enabled, id, ok) => {
    expect(
      siteAllowsRunbook({ healing: { paused: false, dryRun: false, enabledRunbooks: [...enabled] } }, id),
    ).toBe(ok);
  });

  test("propose_remediation's runbookId is exactly the allow-list, in its JSON Schema and when parsing", () => {
    const tool = proposeRemediationTool(catalogueOf([{ spec, doc: "" }]));
    const props = mcpJsonSchema(tool.input).properties as Record<string, { enum?: string[] }>;
    expect(props.runbookId!.enum).toEqual(["windows.backup"]);
    const base = { siteId: "s", applianceId: "a", host: "h", reason: "r" };
    expect(v.safeParse(tool.input, { ...base, runbookId: "windows.backup" }).success).toBe(true);
    const bad = v.safeParse(tool.input, { ...base, runbookId: "windows.firewall" });
    expect(bad.success).toBe(false);
    expect(v.getDotPath(bad.issues![0])).toBe("runbookId");
  });
});

describe("MCP JSON Schema", () => {
  test("object schemas convert; anything else is refused", () => {
    expect(mcpJsonSchema(v.strictObject({ a: v.string() }))).toMatchObject({
      type: "object",
      required: ["a"],
      additionalProperties: false,
    });
    expect(() => mcpJsonSchema(v.string())).toThrow(/must be an object schema/);
  });
});
