import { expect, test } from "bun:test";
import type { LinuxCheck } from "./check.ts";
import { FixtureHost } from "./fixture-host.ts";
import { runCheck, runChecks, selectChecks } from "./run.ts";

const settings = {
  ntpServers: [],
  ntpMaxOffsetMs: 500,
  allowedPorts: [],
  expectedServices: [],
  diskMaxPercent: 90,
};
const opts = { host: new FixtureHost({}), settings, hostName: "appliance", timeoutMs: 100 };
const make = (id: string, detect: LinuxCheck["detect"]): LinuxCheck => ({
  id,
  title: id,
  citations: ["§164.312(b)"],
  severity: "low",
  detect,
});
const hung = make("linux.hung", () => new Promise(() => {}));
const throws = make("linux.throws", async () => {
  throw new Error("boom");
});
const ok = make("linux.ok", async () => ({
  status: "pass",
  expected: "x",
  actual: "y".repeat(900),
  details: { n: 1 },
}));
const junk = make("linux.junk", async () => ({ status: "pass", details: { bad: Number.NaN } }));

test("a hung check is an error after its timeout and does not stall the others", async () => {
  const started = performance.now();
  const progress: string[] = [];
  const findings = await runChecks([hung, ok, hung, ok], {
    ...opts,
    concurrency: 2,
    onProgress: (d, t, id) => progress.push(`${d}/${t} ${id}`),
  });
  expect(performance.now() - started).toBeLessThan(1_000);
  expect(findings.map((f) => f.status)).toEqual(["error", "pass", "error", "pass"]);
  expect(findings[0]!.actual).toMatch(/timed out after 100 ms/);
  expect(progress).toHaveLength(4);
});

test.each([
  [throws, "error", /check failed: boom/],
  [ok, "pass", /^y{497}\.\.\.$/],
  [junk, "error", /malformed result/],
] as const)("%#: outcomes become valid findings", async (check, status, actual) => {
  const f = await runCheck(check, opts);
  expect(f.status).toBe(status);
  expect(f.actual).toMatch(actual);
  expect(f.host).toBe("appliance");
  expect(f.citations).toEqual(["§164.312(b)"]);
});

test("selection: only, disabled, unknown ids", () => {
  const all = [ok, throws];
  expect(selectChecks(all, [], ["linux.ok"]).map((c) => c.id)).toEqual(["linux.throws"]);
  expect(selectChecks(all, ["linux.ok"], ["linux.ok"]).map((c) => c.id)).toEqual(["linux.ok"]);
  expect(() => selectChecks(all, ["linux.nope"], [])).toThrow(/unknown check "linux.nope"; known: linux.ok/);
});
