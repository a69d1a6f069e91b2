import { describe, expect, test } from "bun:test";
import {
  assemble,
  consistencyPlan,
  EMPTY_ROOT,
  Frontier,
  inclusionPlan,
  leafHash,
  MerkleProofError,
  type NodeId,
  nodeHash,
  nodeKey,
  planNodes,
  rootOfLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from "./merkle.ts";

// The RFC 6962 reference vectors the certificate-transparency implementations share (as published
// with transparency-dev/merkle's proof tests): eight leaves, the root of every prefix, and proofs.
const LEAVES = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
].map((h) => Buffer.from(h, "hex"));
const ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
// [leaf (1-based), tree size, proof]
const INCLUSION: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  ],
  [
    6,
    8,
    [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  ],
  [3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]],
  [
    2,
    5,
    [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  ],
];
// [size1, size2, proof]
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  ],
  [
    6,
    8,
    [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  ],
  [
    2,
    5,
    [
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  ],
  [
    6,
    7,
    [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  ],
];

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const unhex = (h: string) => Buffer.from(h, "hex");
const leafHashes = LEAVES.map(leafHash);

/** Every perfect subtree of the reference leaves, as a store would hold them. */
function storeOf(hashes: Buffer[]): Map<string, Buffer> {
  const nodes = new Map<string, Buffer>();
  const f = new Frontier();
  hashes.forEach((h, i) => {
    nodes.set(nodeKey({ level: 0, index: i }), h);
    f.push(h, (id, hash) => nodes.set(nodeKey(id), hash));
  });
  return nodes;
}

function prove(plan: NodeId[][], nodes: Map<string, Buffer>): string[] {
  for (const id of planNodes(plan)) expect(nodes.has(nodeKey(id))).toBe(true);
  return assemble(plan, nodes).map(hex);
}

describe("RFC 6962 reference vectors", () => {
  test("the empty tree's root is SHA-256 of nothing", () => {
    expect(hex(EMPTY_ROOT)).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(hex(rootOfLeafHashes([]))).toBe(hex(EMPTY_ROOT));
  });

  test.each(ROOTS.map((r, i) => [i + 1, r] as const))("root of the first %d leaves", (n, root) => {
    expect(hex(rootOfLeafHashes(leafHashes.slice(0, n)))).toBe(root);
    // Appending leaf by leaf reaches every published root on the way.
    const f = new Frontier();
    for (const h of leafHashes.slice(0, n)) f.push(h);
    expect(hex(f.root())).toBe(root);
  });

  test.each(INCLUSION)("inclusion proof of leaf %d in %d", (leaf, size, proof) => {
    const nodes = storeOf(leafHashes.slice(0, size));
    expect(prove(inclusionPlan(leaf - 1, size), nodes)).toEqual(proof);
    verifyInclusion(leaf - 1, size, leafHashes[leaf - 1]!, proof.map(unhex), unhex(ROOTS[size - 1]!));
  });

  test.each(CONSISTENCY)("consistency proof %d → %d", (size1, size2, proof) => {
    const nodes = storeOf(leafHashes.slice(0, size2));
    expect(prove(consistencyPlan(size1, size2), nodes)).toEqual(proof);
    verifyConsistency(size1, size2, unhex(ROOTS[size1 - 1]!), unhex(ROOTS[size2 - 1]!), proof.map(unhex));
  });
});

describe("refusals", () => {
  const root8 = unhex(ROOTS[7]!);
  const [, , proof68] = INCLUSION[2]!;
  const good = proof68.map(unhex);
  const flip = (p: Buffer[], i: number) =>
    p.map((h, j) => (j === i ? Buffer.from(h.map((b, k) => (k === 0 ? b ^ 8 : b))) : h));

  test.each([
    ["wrong index", 4, 8, leafHashes[5]!, good, root8],
    ["index past the tree", 8, 8, leafHashes[5]!, good, root8],
    ["wrong size", 5, 16, leafHashes[5]!, good, root8],
    ["wrong leaf", 5, 8, leafHashes[4]!, good, root8],
    ["empty root", 5, 8, leafHashes[5]!, good, EMPTY_ROOT],
    ["trailing hash", 5, 8, leafHashes[5]!, [...good, root8], root8],
    ["preceding hash", 5, 8, leafHashes[5]!, [root8, ...good], root8],
    ["removed hash", 5, 8, leafHashes[5]!, good.slice(0, 2), root8],
    ["flipped bit", 5, 8, leafHashes[5]!, flip(good, 1), root8],
  ] as const)("inclusion: %s is refused", (_, index, size, leaf, proof, root) => {
    expect(() => verifyInclusion(index, size, leaf, [...proof], root)).toThrow(MerkleProofError);
  });

  const [, , proof68c] = CONSISTENCY[2]!;
  const cgood = proof68c.map(unhex);
  const r6 = unhex(ROOTS[5]!);
  test.each([
    ["size1 − 1", 5, 8, r6, root8, cgood],
    ["size1 + 1", 7, 8, r6, root8, cgood],
    ["size2 × 2", 6, 16, r6, root8, cgood],
    ["swapped roots", 6, 8, root8, r6, cgood],
    ["empty proof", 6, 8, r6, root8, []],
    ["truncated proof", 6, 8, r6, root8, cgood.slice(0, 2)],
    ["trailing hash", 6, 8, r6, root8, [...cgood, root8]],
    ["flipped bit", 6, 8, r6, root8, flip(cgood, 0)],
    ["shrinking tree", 8, 6, root8, r6, []],
    ["same size, other root", 8, 8, root8, r6, []],
  ] as const)("consistency: %s is refused", (_, s1, s2, a, b, proof) => {
    expect(() => verifyConsistency(s1, s2, a, b, [...proof])).toThrow(MerkleProofError);
  });

  test("a forked history names the fork", () => {
    // A tree of 8 whose 7th leaf was replaced does not extend the published tree of 7.
    const forked = [...leafHashes];
    forked[6] = leafHash(Buffer.from("rewritten"));
    const nodes = storeOf(forked);
    const proof = assemble(consistencyPlan(7, 8), nodes);
    expect(() => verifyConsistency(7, 8, unhex(ROOTS[6]!), rootOfLeafHashes(forked), proof)).toThrow(
      /not a prefix/,
    );
  });
});

describe("larger trees", () => {
  test("every proof of every size up to 70 verifies against roots computed whole", () => {
    const hashes = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
    const nodes = storeOf(hashes);
    const roots = hashes.map((_, i) => rootOfLeafHashes(hashes.slice(0, i + 1)));
    for (let n = 1; n <= 70; n++) {
      for (let m = 0; m < n; m++) {
        verifyInclusion(m, n, hashes[m]!, assemble(inclusionPlan(m, n), nodes), roots[n - 1]!);
        verifyConsistency(m + 1, n, roots[m]!, roots[n - 1]!, assemble(consistencyPlan(m + 1, n), nodes));
      }
    }
  });

  test("interior nodes reported by the frontier are the hashes of their two children", () => {
    const hashes = Array.from({ length: 8 }, (_, i) => leafHash(Buffer.from([i])));
    const nodes = storeOf(hashes);
    expect(hex(nodes.get("1/3")!)).toBe(hex(nodeHash(hashes[6]!, hashes[7]!)));
    expect(hex(nodes.get("3/0")!)).toBe(hex(rootOfLeafHashes(hashes)));
  });
});
