import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BundleContent, buildBundle, bundleHash } from "../../../protocol/evidence.ts";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { stateDigest } from "../../../protocol/state.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { runCli } from "./testing.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-verify-at-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = generateKeyPair();
const at = (m: number) => new Date(Date.UTC(2026, 10, 25, 10, m)).toISOString();
const pass = sampleFinding({ observedAt: at(0) });
const fail = sampleFinding({ observedAt: at(5), status: "fail", actual: "PermitRootLogin yes" });
const contents: BundleContent[] = [
  {
    kind: "state-snapshot",
    createdAt: at(0),
    findings: [pass],
    state: { digest: stateDigest([pass]), count: 1, removed: [] },
  },
  {
    kind: "state-delta",
    createdAt: at(5),
    findings: [fail],
    state: {
      digest: stateDigest([fail]),
      count: 1,
      removed: [],
      quiet: { digest: stateDigest([pass]), at: [at(1)] },
    },
  },
];
let head = { seq: 0, hash: "" };
const bundles = contents.map((c) => {
  const b = buildBundle({ siteId: "s", applianceId: "app-1" }, head, c, key.secretKey);
  head = { seq: b.seq, hash: bundleHash(b) };
  return b;
});
const file = join(dir, "chain.jsonl");
writeFileSync(file, bundles.map((b) => JSON.stringify(b)).join("\n"));
/** `malachor evidence verify` of the chain file as of `when`. */
const verifyAt = (when: string, ...more: string[]) =>
  runCli(["evidence", "verify", file, "--pubkey", key.publicKey, "--at", when, ...more]);

test("--at rebuilds each appliance's state at a past moment from snapshots and changes", async () => {
  const before = await verifyAt(at(3));
  expect(before.code).toBe(0);
  expect(before.out).toContain(`app-1 at ${at(3)}: 1 findings as of #1`);
  const after = await verifyAt(at(9), "--json");
  const r = JSON.parse(after.out);
  expect(r.states[0]).toMatchObject({ ok: true, seq: 2, digest: stateDigest([fail]), score: 0 });
  const early = await verifyAt("2026-01-01T00:00:00Z");
  expect([early.code, early.err]).toEqual([
    0,
    "app-1: no state snapshot at or before 2026-01-01T00:00:00.000Z",
  ]);
  expect((await verifyAt("soon")).code).not.toBe(0);
});

test("--at refuses a validly signed delta whose digest the rebuilt state does not match", async () => {
  const forged = buildBundle(
    { siteId: "s", applianceId: "app-1" },
    { seq: 1, hash: bundleHash(bundles[0]!) },
    { ...contents[1]!, findings: [{ ...fail, status: "warn" }] },
    key.secretKey,
  );
  const bad = join(dir, "forged.jsonl");
  writeFileSync(bad, [bundles[0], forged].map((b) => JSON.stringify(b)).join("\n"));
  const plain = await runCli(["evidence", "verify", bad, "--pubkey", key.publicKey]);
  expect(plain.code).toBe(0);
  const r = await runCli(["evidence", "verify", bad, "--pubkey", key.publicKey, "--at", at(9)]);
  expect(r.code).not.toBe(0);
  expect(r.err).toContain("app-1#2");
});
