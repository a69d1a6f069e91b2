/** L1 decision latency: p50/p99 of decideL1 over a 500-rule set (target p99 ≤ 50 µs). */

import { decideL1 } from "../agent/src/heal/l1/decide.ts";
import { afterAttempt, entryOf, historyKey, type RuleHostHistory } from "../agent/src/heal/l1/history.ts";
import { compileRules } from "../lib/rules/compile.ts";
import { testRule } from "../lib/rules/testing.ts";
import type { Finding } from "../protocol/finding.ts";
import type { L1Rule, RuleCondition } from "../protocol/rules.ts";
import { sampleFinding } from "../protocol/testkit.ts";

const CHECKS = 60;
const ops: RuleCondition[] = [
  { field: "details.port", op: "gt", value: 1024 },
  { field: "details.profile", op: "in", value: ["Public", "Private"] },
  { field: "details.name", op: "regex", value: "^(Allow|Block) [A-Z]+" },
  { field: "attrs.role", op: "ne", value: "server" },
  { field: "details.enabled", op: "exists" },
  { field: "details.name", op: "contains", value: "RDP" },
];
const rules: L1Rule[] = [];
for (let i = 0; i < 500; i++) {
  const wildcard = i % 50 === 0;
  rules.push(
    testRule({
      id: `rule-${i}`,
      priority: i % 17,
      match: {
        checks: wildcard ? ["*"] : [`windows.check-${i % CHECKS}`],
        statuses: ["fail", "warn"],
        platforms: ["windows"],
        conditions: [ops[i % ops.length]!, ops[(i + 2) % ops.length]!].slice(0, 1 + (i % 2)),
      },
    }),
  );
}
const compiled = compileRules({ version: 1, rules });
const history = new Map<string, RuleHostHistory>();
const T0 = Date.parse("2026-11-25T10:00:00Z");
for (let i = 0; i < 500; i += 3) {
  history.set(
    historyKey(`rule-${i}`, "HOST-1"),
    afterAttempt(entryOf(history, `rule-${i}`, "HOST-1"), T0, true, 3600),
  );
}
const findings: Finding[] = Array.from({ length: 1000 }, (_, i) =>
  sampleFinding({
    checkId: `windows.check-${i % (CHECKS + 5)}`,
    host: `HOST-${i % 4}`,
    status: i % 7 === 0 ? "pass" : "fail",
    details: { port: 3000 + i, profile: i % 2 ? "Public" : "Domain", name: "Allow RDP in", enabled: true },
  }),
);
const attrs = { platform: "windows" as const, role: "workstation" };

let sink = 0;
for (let r = 0; r < 20; r++)
  for (const f of findings) sink += decideL1(f, attrs, compiled, history, T0 + 1000).type.length;
const samples: number[] = [];
for (let r = 0; r < 100; r++) {
  for (const f of findings) {
    const t = Bun.nanoseconds();
    sink += decideL1(f, attrs, compiled, history, T0 + 1000).type.length;
    samples.push(Bun.nanoseconds() - t);
  }
}
samples.sort((a, b) => a - b);
const q = (p: number) => (samples[Math.floor(p * (samples.length - 1))]! / 1000).toFixed(2);
const t = performance.now();
const compiledAgain = compileRules({ version: 2, rules });
console.log(
  `L1 decide over ${compiledAgain.size} rules, ${samples.length} decisions: p50 ${q(0.5)} µs, p99 ${q(0.99)} µs (target p99 ≤ 50 µs); compile ${(performance.now() - t).toFixed(2)} ms${sink < 0 ? "" : ""}`,
);
