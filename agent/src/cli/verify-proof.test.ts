import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatCheckpoint, noteVerifierKey, signNote } from "../../../protocol/checkpoint.ts";
import { bundleHash } from "../../../protocol/evidence.ts";
import {
  assemble,
  consistencyPlan,
  Frontier,
  inclusionPlan,
  leafHash,
  nodeKey,
} from "../../../protocol/merkle.ts";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { sampleChain } from "../../../protocol/testkit.ts";
import type { ConsistencyProof, InclusionProof } from "../../../protocol/transparency.ts";
import { evidenceCommand } from "./evidence.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-proof-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

const ORIGIN = "cloud.example/tlog/clinic-1";
const logKey = generateKeyPair();
const vkey = noteVerifierKey(ORIGIN, logKey.publicKey);
const { bundles } = sampleChain(12, { siteId: "clinic-1", applianceId: "app-1" });

/** A log over `hashes` as a store holds it, its roots by size, and signed checkpoints. */
function logOf(hashes: string[]) {
  const nodes = new Map<string, Buffer>();
  const roots: string[] = [new Frontier().root().toString("hex")];
  const f = new Frontier();
  hashes.forEach((h, i) => {
    const leaf = leafHash(Buffer.from(h, "hex"));
    nodes.set(nodeKey({ level: 0, index: i }), leaf);
    f.push(leaf, (id, hash) => nodes.set(nodeKey(id), hash));
    roots.push(f.root().toString("hex"));
  });
  const checkpoint = (size: number, key = logKey) =>
    file(
      `cp-${size}-${Math.random()}.note`,
      signNote(
        formatCheckpoint({ origin: ORIGIN, size, root: roots[size]!, extensions: [] }),
        ORIGIN,
        key.secretKey,
        key.publicKey,
      ),
    );
  const inclusion = (i: number, size: number): InclusionProof => ({
    siteId: "clinic-1",
    applianceId: "app-1",
    seq: i + 1,
    bundleHash: hashes[i]!,
    leafIndex: i,
    treeSize: size,
    root: roots[size]!,
    proof: assemble(inclusionPlan(i, size), nodes).map((h) => h.toString("hex")),
  });
  const consistency = (s1: number, s2: number): ConsistencyProof => ({
    siteId: "clinic-1",
    size1: s1,
    root1: roots[s1]!,
    size2: s2,
    root2: roots[s2]!,
    proof: assemble(consistencyPlan(s1, s2), nodes).map((h) => h.toString("hex")),
  });
  return { checkpoint, inclusion, consistency };
}

const hashes = bundles.map(bundleHash);
const log = logOf(hashes);

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await evidenceCommand.run(["verify-proof", ...args], {
    out: (s: string) => {
      out.push(s);
    },
    err: (s: string) => {
      err.push(s);
    },
    interactive: false,
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

test("an inclusion proof of the bundle, against a signed checkpoint, holds", async () => {
  const r = await run(
    file("incl.json", JSON.stringify(log.inclusion(4, 12))),
    "--checkpoint",
    log.checkpoint(12),
    "--key",
    vkey,
    "--bundle",
    file("b4.json", JSON.stringify(bundles[4])),
  );
  expect(r).toEqual({
    code: 0,
    out: expect.stringMatching(
      /^OK: bundle #5 of app-1 .* is leaf 4 of cloud.example\/tlog\/clinic-1, size 12/,
    ),
    err: "",
  });
});

test("a tampered bundle is named", async () => {
  const altered = { ...bundles[4]!, createdAt: "2026-01-01T00:00:00.000Z" };
  const r = await run(
    file("incl2.json", JSON.stringify(log.inclusion(4, 12))),
    "--checkpoint",
    log.checkpoint(12),
    "--key",
    vkey,
    "--bundle",
    file("b4x.json", JSON.stringify(altered)),
  );
  expect(r.code).toBe(1);
  expect(r.err).toMatch(
    /^BROKEN \(tampered-leaf\): .*b4x.json hashes to [0-9a-f]{64}, but the log.s leaf 4 is/,
  );
});

test("a checkpoint not signed by the pinned key is named", async () => {
  const r = await run(
    file("incl3.json", JSON.stringify(log.inclusion(4, 12))),
    "--checkpoint",
    log.checkpoint(12, generateKeyPair()),
    "--key",
    vkey,
  );
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/^BROKEN \(bad-checkpoint\): .*no signature by cloud.example\/tlog\/clinic-1/);
});

test("consistency between a kept checkpoint and a newer one holds", async () => {
  const r = await run(
    file("cons.json", JSON.stringify(log.consistency(5, 12))),
    "--checkpoint",
    log.checkpoint(12),
    "--old",
    log.checkpoint(5),
    "--key",
    vkey,
  );
  expect(r).toEqual({
    code: 0,
    out: expect.stringMatching(/^OK: .* at 12 leaves extends the checkpoint of 5 leaves/),
    err: "",
  });
});

test("a forked history is named", async () => {
  // The cloud rewrote leaf 3 and signed the new tree: it does not extend the checkpoint kept at 5.
  const forkedHashes = [...hashes];
  forkedHashes[3] = "ab".repeat(32);
  const forked = logOf(forkedHashes);
  const proof = { ...forked.consistency(5, 12), root1: log.consistency(5, 12).root1 };
  const r = await run(
    file("fork.json", JSON.stringify(proof)),
    "--checkpoint",
    forked.checkpoint(12),
    "--old",
    log.checkpoint(5),
    "--key",
    vkey,
  );
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/^BROKEN \(forked\): .*not a prefix/);
});

test("a rolled-back checkpoint is named", async () => {
  const r = await run(
    file("back.json", JSON.stringify(log.consistency(5, 12))),
    "--checkpoint",
    log.checkpoint(5),
    "--old",
    log.checkpoint(12),
    "--key",
    vkey,
  );
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/^BROKEN \(rolled-back\): the log went back from 12 leaves .* to 5/);
});

test("after a key rotation: a checkpoint signed by the old key and one by the new verify with a file of both keys", async () => {
  const rotated = generateKeyPair();
  const older = log.checkpoint(5);
  const newer = log.checkpoint(12, rotated);
  const proof = file("rot.json", JSON.stringify(log.consistency(5, 12)));
  const keys = file("keys.txt", `${vkey}\n${noteVerifierKey(ORIGIN, rotated.publicKey)}\n`);
  const r = await run(proof, "--checkpoint", newer, "--old", older, "--key", keys);
  expect(r).toEqual({
    code: 0,
    out: "OK: cloud.example/tlog/clinic-1 at 12 leaves extends the checkpoint of 5 leaves (both signed)",
    err: "",
  });
  // Pinned to the old key alone, the newer checkpoint is not the log's.
  const old = await run(proof, "--checkpoint", newer, "--old", older, "--key", vkey);
  expect(old.code).toBe(1);
  expect(old.err).toMatch(/^BROKEN \(bad-checkpoint\): .*no signature by/);
});
