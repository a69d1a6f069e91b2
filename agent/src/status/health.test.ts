import { expect, test } from "bun:test";
import { SAMPLE_NOW, sampleStatus } from "./fixture.ts";
import { assessHealth } from "./health.ts";

const allPass = sampleStatus().findings.map((f) => ({ ...f, status: "pass" as const }));

test.each([
  ["healthy", { findings: allPass }, "ok", 0],
  ["a failing check", {}, "attention", 1],
  ["first cycle pending", { findings: [], lastCycle: null }, "attention", 1],
  [
    "stalled cycles",
    {
      findings: allPass,
      lastCycle: {
        at: "2026-11-25T09:00:00.000Z",
        durationMs: 1,
        summary: { pass: 1, fail: 0, warn: 0, error: 0 },
      },
    },
    "problem",
    1,
  ],
  [
    "cloud unreachable",
    {
      findings: allPass,
      lastSync: { at: "2026-11-25T10:00:00.000Z", ok: false, error: "connect ECONNREFUSED" },
    },
    "attention",
    1,
  ],
  ["old queue", { findings: allPass, queue: { depth: 40, bytes: 4000, oldestAgeSec: 7200 } }, "attention", 1],
  ["healing paused", { findings: allPass, healing: { paused: true, dryRun: false } }, "attention", 1],
  [
    "agent warning",
    { findings: allPass, warnings: [{ code: "queue-near-bound", message: "Queue is 91% full" }] },
    "attention",
    1,
  ],
] as const)("%s", (_name, overrides, level, items) => {
  const h = assessHealth(sampleStatus(overrides as never), SAMPLE_NOW);
  expect(h.level).toBe(level);
  expect(h.items.length).toBe(items);
});

test("messages name the failure reason", () => {
  const h = assessHealth(
    sampleStatus({
      lastSync: { at: "2026-11-25T10:00:00.000Z", ok: false, error: "TLS certificate expired" },
    }),
    SAMPLE_NOW,
  );
  expect(h.items.map((i) => i.message).join(" ")).toContain("TLS certificate expired");
});

test("failing checks say which are fixed automatically and which wait for a person", () => {
  const f = allPass[0]!;
  const h = assessHealth(
    sampleStatus({
      findings: [
        { ...f, checkId: "linux.ssh-hardening", status: "fail" },
        { ...f, checkId: "linux.disk-encryption", status: "fail" },
        { ...f, checkId: "linux.firewall", status: "fail" },
      ],
    }),
    SAMPLE_NOW,
  );
  expect(h.items.map((i) => i.message)).toContain(
    "3 checks found a problem: 1 is fixed automatically; 2 need your IT provider, who has been alerted.",
  );
});
