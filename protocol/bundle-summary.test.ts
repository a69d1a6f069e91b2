import { expect, test } from "bun:test";
import * as v from "valibot";
import { buildBundle, EvidenceBundle } from "./evidence.ts";
import { generateKeyPair } from "./sign.ts";
import { sampleFinding } from "./testkit.ts";

test("the summary counts unreachable hosts only when there are some (v1 bundles keep their shape)", () => {
  const { secretKey } = generateKeyPair();
  const ids = { siteId: "site-a", applianceId: "app-1" };
  const at = "2026-12-04T10:00:00.000Z";
  const plain = buildBundle(
    ids,
    { seq: 0, hash: "" },
    { kind: "check-cycle", findings: [sampleFinding()], createdAt: at },
    secretKey,
  );
  expect(Object.keys(plain.summary).sort()).toEqual(["error", "fail", "pass", "warn"]);
  const off = sampleFinding({
    checkId: "windows.reachable",
    host: "EXAM-PC3",
    status: "unreachable",
    citations: [],
  });
  const withOff = buildBundle(
    ids,
    { seq: 0, hash: "" },
    { kind: "check-cycle", findings: [sampleFinding(), off], createdAt: at },
    secretKey,
  );
  expect(withOff.summary.unreachable).toBe(1);
  expect(v.safeParse(EvidenceBundle, withOff).success).toBe(true);
});
