/**
 * Every PowerShell script under runbooks/ passes the grammar gate (runbooks/testing/ps-grammar.ts):
 * no syntax error outside the listed grammar gaps, no alias, no Invoke-Expression on input, and only
 * in-box Windows PowerShell 5.1 commands.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Glob } from "bun";
import type { Parser } from "web-tree-sitter";
import { parseScript } from "../../test/winrm-server/ps/parser.ts";
import { RUNBOOKS, WINDOWS_CHECKS } from "../index.ts";
import { GRAMMAR_GAPS, lintScript, powerShellParser, syntaxErrors } from "../testing/ps-grammar.ts";

const root = join(import.meta.dir, "..");
const scripts = [...new Glob("**/*.ps1").scanSync(root)].sort();
let p: Parser;

beforeAll(async () => {
  p = await powerShellParser();
});

describe("PowerShell grammar gate", () => {
  test("finds the scripts", () => {
    expect(scripts.length).toBeGreaterThanOrEqual(50);
  });

  test.each(scripts)("%s parses and passes the lint", (file) => {
    const text = readFileSync(join(root, file), "utf8");
    const problems = [...syntaxErrors(p, text), ...lintScript(p, text)].map(
      (x) => `${relative(".", join("runbooks", file))}:${x.line}: ${x.message}`,
    );
    expect(problems).toEqual([]);
  });

  // Generated scripts (registry and service runbooks, baseline checks' detect with its shared
  // result line) exist whole only in the catalogue, not as files.
  const generated = [
    ...RUNBOOKS.filter((r) => r.spec.platform === "windows").flatMap((r) =>
      Object.entries(r.scripts).map(([step, text]) => [`${r.spec.id} ${step}`, text as string] as const),
    ),
    ...WINDOWS_CHECKS.filter((c) => c.baseline).map((c) => [`${c.id} detect`, c.detect] as const),
  ];
  test.each(generated)("catalogue script %s parses and passes the lint", (_name, text) => {
    expect([...syntaxErrors(p, text), ...lintScript(p, text)]).toEqual([]);
  });

  test.each(GRAMMAR_GAPS.map((g) => [g.name, g] as const))(
    "grammar gap %s: still rejected as written, clean once rewritten, valid in the test host",
    (_name, gap) => {
      const tree = p.parse(gap.example);
      expect(tree?.rootNode.hasError).toBe(true);
      // Valid PowerShell: the test host's parser reads it.
      expect(() => parseScript(gap.example)).not.toThrow();
      expect(syntaxErrors(p, gap.example)).toEqual([]);
      // Only the gap is rewritten: a real error on the next line still shows.
      expect(syntaxErrors(p, `${gap.example}\n$x = (`).length).toBeGreaterThan(0);
    },
  );

  test.each([
    ["Get-Service | ? { $_.Status -eq 'Running' }", /alias "\?"/],
    ["gci C:\\", /alias "gci"/],
    ["Invoke-Expression $Params.command", /Invoke-Expression on a computed value/],
    ['Invoke-Expression "Get-Service $name"', /Invoke-Expression on a computed value/],
    ["& $cmd", /dynamic invocation/],
    ["Get-ADReplicationFailure -Target dc1", /not in the allowed in-box/],
    ["Install-Module PSWindowsUpdate", /not in the allowed in-box/],
    ["choco install firefox", /not in the allowed in-box/],
  ] as const)("the lint refuses %s", (script, message) => {
    const found = lintScript(p, script).map((x) => x.message);
    expect(found.some((m) => message.test(m))).toBe(true);
  });

  test("the lint accepts in-box cmdlets, native tools and literal script blocks", () => {
    const ok =
      "$s = Get-Service -Name WinDefend\n$r = & { auditpol /get /category:* /r }\nWrite-Output $s.Status";
    expect(lintScript(p, ok)).toEqual([]);
    expect(syntaxErrors(p, ok)).toEqual([]);
  });
});
