import { describe, expect, test } from "bun:test";
import { parseCatalogue, parseRunbook } from "./catalogue.ts";
import { type RunbookFiles, readRunbookFiles } from "./files.ts";
import { RUNBOOKS } from "./index.ts";

const TOML = `id = "windows.example"
title = "Example"
platform = "windows"
checkId = "windows.example"
description = "d"
detects = "d"
remediates = "r"
verifies = "v"
citations = ["§164.312(b)"]
severity = "low"
blastRadius = "low"
rollback = true
params = []
`;
const good = (): RunbookFiles => ({
  path: "runbooks/windows/windows.example",
  platform: "windows",
  toml: TOML,
  checkToml: "",
  scripts: { "detect.ps1": "d", "remediate.ps1": "r", "verify.ps1": "v", "rollback.ps1": "b" },
});

describe("runbook catalogue", () => {
  test("the embedded catalogue equals what is on disk", () => {
    expect(RUNBOOKS).toEqual(parseCatalogue(readRunbookFiles()));
    expect(RUNBOOKS.filter((r) => r.spec.platform === "windows").length).toBeGreaterThanOrEqual(12);
  });

  test("a well-formed folder loads", () => {
    expect(parseRunbook(good()).scripts).toEqual({ detect: "d", remediate: "r", verify: "v", rollback: "b" });
    const noVerify = good();
    const { "verify.ps1": _v, ...rest } = noVerify.scripts;
    expect(parseRunbook({ ...noVerify, scripts: rest }).scripts.verify).toBe("d");
  });

  const bad: [string, (f: RunbookFiles) => RunbookFiles, string][] = [
    ["missing runbook.toml", (f) => ({ ...f, toml: "" }), "runbook.toml: missing"],
    ["not TOML", (f) => ({ ...f, toml: "id = =" }), "runbook.toml: not valid TOML"],
    [
      "bad citation format",
      (f) => ({ ...f, toml: f.toml.replace("§164.312(b)", "164.312b") }),
      "key citations.0: must look like §164.312(b)",
    ],
    [
      "unknown citation",
      (f) => ({ ...f, toml: f.toml.replace("§164.312(b)", "§164.312(z)") }),
      "key citations[0]: §164.312(z) is not in the HIPAA control catalogue",
    ],
    ["unknown key", (f) => ({ ...f, toml: `${f.toml}extra = "x"\n` }), "key extra"],
    [
      "id differs from folder",
      (f) => ({ ...f, path: "runbooks/windows/windows.other" }),
      'key id: "windows.example" must equal its folder name "windows.other"',
    ],
    [
      "wrong platform folder",
      (f) => ({ ...f, platform: "linux" }),
      'key platform: "windows" but the folder is under runbooks/linux',
    ],
    [
      "missing remediate script",
      (f) => ({ ...f, scripts: { "detect.ps1": "d", "verify.ps1": "v", "rollback.ps1": "b" } }),
      "remediate.ps1 is missing beside it",
    ],
    [
      "rollback script without rollback",
      (f) => ({ ...f, toml: f.toml.replace("rollback = true", "rollback = false") }),
      "key rollback: false but rollback.ps1 exists",
    ],
  ];
  test.each(bad)("%s is an error naming the file and key", (_name, mutate, message) => {
    const f = mutate(good());
    expect(() => parseRunbook(f)).toThrow(`runbooks/windows/`);
    expect(() => parseRunbook(f)).toThrow(message);
  });

  test("duplicate ids are refused", () => {
    expect(() => parseCatalogue([good(), good()])).toThrow("runbook id windows.example is defined twice");
  });
});
