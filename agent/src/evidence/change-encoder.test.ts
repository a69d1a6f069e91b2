import { describe, expect, test } from "bun:test";
import { prng } from "../../../lib/testing/prng.ts";
import { verifyChain } from "../../../protocol/chain.ts";
import { buildBundle, bundleHash, type EvidenceBundle } from "../../../protocol/evidence.ts";
import type { Finding } from "../../../protocol/finding.ts";
import { computeScore } from "../../../protocol/score.ts";
import { generateKeyPair } from "../../../protocol/sign.ts";
import {
  applyStateBundle,
  rebuildStateAt,
  stateDigest,
  stateOf,
  verifyStateChain,
} from "../../../protocol/state.ts";
import { encodeCycle, newEncoderState } from "./change-encoder.ts";
import { simulatedClinic } from "./clinic-sim.fixture.ts";

const ids = { siteId: "clinic", applianceId: "app-1" };
const key = generateKeyPair();

/** Score fields an auditor compares: the number, and each control's status and the findings behind it. */
const scoreView = (fs: Finding[]) => {
  const s = computeScore(fs);
  return {
    score: s.score,
    assessed: s.assessed,
    controls: s.controls.map((c) => [
      c.control.citation,
      c.status,
      c.evidence.map((e) => `${e.checkId}@${e.host}=${e.status}`),
    ]),
  };
};

// A simulated month at a 30-minute cadence: the full findings of each cycle beside the chain the
// change encoder writes for them.
function simulateMonth(cadenceMin = 30, days = 30) {
  const perDay = (24 * 60) / cadenceMin;
  const clinic = simulatedClinic(24, perDay);
  const start = Date.UTC(2026, 10, 1);
  const cycles: { at: string; findings: Finding[] }[] = [];
  const chain: EvidenceBundle[] = [];
  let enc = newEncoderState();
  let head = { seq: 0, hash: "" };
  for (let i = 0; i < perDay * days; i++) {
    const at = new Date(start + i * cadenceMin * 60_000);
    const findings = clinic.cycle(at);
    cycles.push({ at: at.toISOString(), findings });
    const r = encodeCycle(enc, findings, at.toISOString());
    enc = r.next;
    for (const content of r.contents) {
      const b = buildBundle(ids, head, content, key.secretKey);
      chain.push(b);
      head = { seq: b.seq, hash: bundleHash(b) };
    }
  }
  return { cycles, chain };
}

describe("change-based evidence over a simulated month", () => {
  const { cycles, chain } = simulateMonth();

  test("the chain verifies with the verdict of record and every state digest holds", () => {
    expect(verifyChain(chain, [key.publicKey])).toMatchObject({ ok: true, count: chain.length });
    expect(verifyStateChain(chain)).toEqual({ ok: true });
    // Fewer bundles than cycles (at this cadence a quiet hour is two cycles), one snapshot a day.
    expect(chain.length).toBeLessThan(cycles.length);
    expect(chain.filter((b) => b.kind === "state-snapshot").length).toBe(30);
  });

  test("every cycle is in the chain with the digest of its complete state", () => {
    const proven = new Map<string, string>();
    for (const b of chain) {
      if (b.v !== 2 || !b.state) continue;
      proven.set(b.createdAt, b.state.digest);
      for (const at of b.state.quiet?.at ?? []) proven.set(at, b.state.quiet!.digest);
    }
    // Cycles after the last bundle are still pending: they go into the next one.
    const written = cycles.filter((c) => c.at <= chain.at(-1)!.createdAt);
    expect(written.length).toBeGreaterThan(cycles.length - 3);
    for (const c of written)
      expect([c.at, proven.get(c.at)]).toEqual([c.at, stateDigest(stateOf(c.findings).values())]);
  });

  test("the score from snapshots + changes equals the score from full bundles at every cycle", () => {
    const state = new Map<string, Finding>();
    let next = 0;
    let compared = 0;
    for (const c of cycles) {
      while (next < chain.length && chain[next]!.createdAt <= c.at) applyStateBundle(state, chain[next++]!);
      expect(scoreView([...state.values()])).toEqual(scoreView(c.findings));
      compared++;
    }
    expect(compared).toBe(30 * 48);
    // The month had drift: the score was not the same throughout.
    expect(new Set(cycles.map((c) => computeScore(c.findings).score)).size).toBeGreaterThan(1);
  });

  test("state rebuilt at 10 random past moments matches the full-bundle history", () => {
    const rand = prng(7);
    const first = Date.parse(cycles[0]!.at);
    const span = Date.parse(cycles.at(-1)!.at) - first;
    for (let i = 0; i < 10; i++) {
      const moment = new Date(first + Math.floor(rand() * span)).toISOString();
      const full = cycles.filter((c) => c.at <= moment).at(-1)!;
      const rebuilt = rebuildStateAt(chain, moment);
      expect(rebuilt).not.toBeNull();
      expect(rebuilt!.digest).toBe(stateDigest(stateOf(full.findings).values()));
      expect(scoreView([...rebuilt!.state.values()])).toEqual(scoreView(full.findings));
    }
  });

  test("a delta that does not match the state before it is caught, even when validly signed", () => {
    const i = chain.findIndex((b) => b.kind === "state-delta" && b.findings.length > 0);
    const forged = chain.slice(0, i + 1);
    const bad = forged[i]!;
    const altered = {
      ...bad.findings[0]!,
      status: bad.findings[0]!.status === "fail" ? "pass" : "fail",
    } as Finding;
    const prevHead =
      i === 0 ? { seq: 0, hash: "" } : { seq: forged[i - 1]!.seq, hash: bundleHash(forged[i - 1]!) };
    forged[i] = buildBundle(
      ids,
      prevHead,
      {
        kind: "state-delta",
        createdAt: bad.createdAt,
        findings: [altered, ...bad.findings.slice(1)],
        state: bad.v === 2 ? bad.state : undefined,
      },
      key.secretKey,
    );
    expect(verifyChain(forged, [key.publicKey]).ok).toBe(true);
    const r = verifyStateChain(forged);
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.message).toContain(`#${bad.seq}`);
  });
});

describe("encodeCycle", () => {
  const f = (over: Partial<Finding> = {}): Finding => ({
    checkId: "windows.firewall",
    host: "win-01",
    status: "pass",
    severity: "high",
    title: "Firewall on",
    citations: ["§164.312(b)"],
    details: {},
    observedAt: "2026-11-01T00:00:00.000Z",
    ...over,
  });
  const at = (min: number) => new Date(Date.UTC(2026, 10, 1, 0, min)).toISOString();

  test("a change is written in the cycle that sees it, carrying the quiet cycles before it", () => {
    let r = encodeCycle(newEncoderState(), [f()], at(0));
    expect(r.contents.map((c) => c.kind)).toEqual(["state-snapshot"]);
    r = encodeCycle(r.next, [f({ observedAt: at(1), details: { x: 1 } })], at(1));
    expect(r.contents).toEqual([]);
    r = encodeCycle(r.next, [f({ status: "fail", observedAt: at(2) })], at(2));
    expect(r.contents).toHaveLength(1);
    expect(r.contents[0]!.findings!.map((x) => x.status)).toEqual(["fail"]);
    expect(r.contents[0]!.state!.quiet).toEqual({ digest: stateDigest([f()]), at: [at(1)] });
  });

  test("quiet cycles are one bundle per hour; a removed host is recorded; a snapshot on demand", () => {
    let r = encodeCycle(newEncoderState(), [f(), f({ host: "win-02" })], at(0));
    const written = [];
    for (let m = 1; m <= 61; m++) {
      r = encodeCycle(r.next, [f(), f({ host: "win-02" })], at(m));
      written.push(...r.contents);
    }
    expect(written).toHaveLength(1);
    expect(written[0]!.createdAt).toBe(at(61));
    expect(written[0]!.state!.quiet!.at).toHaveLength(60);
    r = encodeCycle(r.next, [f()], at(62));
    expect(r.contents[0]!.state!.removed).toEqual([{ checkId: "windows.firewall", host: "win-02" }]);
    r = encodeCycle(r.next, [f()], at(63), { snapshot: true });
    expect(r.contents.map((c) => c.kind)).toEqual(["state-snapshot"]);
  });
});
