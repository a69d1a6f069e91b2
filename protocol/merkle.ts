import { createHash } from "node:crypto";

/**
 * RFC 6962 Merkle tree hashing and proofs (RFC 9162 §2.1 restates the same algorithms).
 *
 * Leaves are hashed as SHA-256(0x00 ‖ data), interior nodes as SHA-256(0x01 ‖ left ‖ right). A tree
 * of n leaves splits at k, the largest power of two below n. Proofs are planned here as lists of
 * perfect subtrees (`NodeId`: `level` above the leaves, `index` from the left) so a store can fetch
 * every node a proof needs in one read; `assemble` turns the fetched hashes into the proof.
 */

/** A perfect subtree: leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  level: number;
  index: number;
}

/** The empty tree's root: SHA-256 of nothing. */
export const EMPTY_ROOT = createHash("sha256").digest();

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

/** SHA-256(0x00 ‖ data): the hash of one leaf. */
export function leafHash(data: Uint8Array): Buffer {
  return createHash("sha256").update(LEAF_PREFIX).update(data).digest();
}

/** SHA-256(0x01 ‖ left ‖ right): the hash of an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();
}

/** Thrown for a proof request or proof that cannot be right for the sizes given. */
export class MerkleProofError extends Error {
  override name = "MerkleProofError";
}

/** Largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new MerkleProofError(`${what} must be a whole number ≥ 0, not ${n}`);
}

/**
 * The perfect subtrees whose hashes, folded from the right, give MTH(D[lo:hi]). In every range the
 * RFC's recursion reaches, lo is a multiple of a power of two ≥ hi − lo, so the range splits into
 * one perfect subtree per set bit of its size, largest first.
 */
export function rangeNodes(lo: number, hi: number): NodeId[] {
  const out: NodeId[] = [];
  let start = lo;
  let rest = hi - lo;
  while (rest > 0) {
    let size = 1;
    let level = 0;
    while (size * 2 <= rest) {
      size *= 2;
      level++;
    }
    out.push({ level, index: start / size });
    start += size;
    rest -= size;
  }
  return out;
}

/** Plan of the inclusion proof of leaf m in a tree of n leaves: one entry per proof hash, leaf side first. */
export function inclusionPlan(m: number, n: number): NodeId[][] {
  checkSize(m, "leaf index");
  checkSize(n, "tree size");
  if (m >= n) throw new MerkleProofError(`leaf index ${m} is outside a tree of ${n} leaves`);
  const out: NodeId[][] = [];
  // PATH(m, D[lo:hi]), unrolled: the sibling range is pushed at each level from the root down, and
  // the proof lists them from the leaf up.
  let lo = 0;
  let hi = n;
  let rel = m;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (rel < k) {
      out.push(rangeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      out.push(rangeNodes(lo, lo + k));
      lo += k;
      rel -= k;
    }
  }
  return out.reverse();
}

/** Plan of the consistency proof between tree sizes m and n (0 < m ≤ n; empty when m = n). */
export function consistencyPlan(m: number, n: number): NodeId[][] {
  checkSize(m, "first size");
  checkSize(n, "second size");
  if (m > n) throw new MerkleProofError(`first size ${m} is larger than second size ${n}`);
  if (m === 0 || m === n) return [];
  const out: NodeId[][] = [];
  // SUBPROOF(m, D[lo:hi], b), unrolled the same way.
  let lo = 0;
  let hi = n;
  let rel = m;
  let whole = true;
  while (rel !== hi - lo) {
    const k = splitPoint(hi - lo);
    if (rel <= k) {
      out.push(rangeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      out.push(rangeNodes(lo, lo + k));
      lo += k;
      rel -= k;
      whole = false;
    }
  }
  if (!whole) out.push(rangeNodes(lo, hi));
  return out.reverse();
}

/** Every distinct node a plan needs, for one read from a store. */
export function planNodes(plan: NodeId[][]): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const entry of plan) for (const id of entry) seen.set(`${id.level}/${id.index}`, id);
  return [...seen.values()];
}

/** Key of a node in the map `assemble` reads. */
export function nodeKey(id: NodeId): string {
  return `${id.level}/${id.index}`;
}

/** Fold a range's perfect subtrees from the right into MTH of the range. */
export function foldRange(hashes: Uint8Array[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc: Buffer = Buffer.from(hashes[hashes.length - 1]!);
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

/** Turn a plan into proof hashes, given the planned nodes' hashes keyed by `nodeKey`. */
export function assemble(plan: NodeId[][], nodes: Map<string, Uint8Array>): Buffer[] {
  return plan.map((entry) =>
    foldRange(
      entry.map((id) => {
        const h = nodes.get(nodeKey(id));
        if (!h) throw new MerkleProofError(`node ${nodeKey(id)} is missing from the store`);
        return h;
      }),
    ),
  );
}

/** The root hash of a tree of n leaves, from its perfect subtrees. */
export function rootPlan(n: number): NodeId[] {
  checkSize(n, "tree size");
  return rangeNodes(0, n);
}

/** MTH of a list of leaf hashes, computed whole (tests, small trees, the auditor's re-computation). */
export function rootOfLeafHashes(leafHashes: Uint8Array[]): Buffer {
  const frontier = new Frontier();
  for (const h of leafHashes) frontier.push(h);
  return frontier.root();
}

/**
 * The right edge of a tree (one perfect subtree hash per set bit of its size, largest first): all
 * it takes to append a leaf and to compute the root, so a log grows without reading old nodes.
 * `push` reports the perfect subtrees each append completes, for the store to keep.
 */
export class Frontier {
  size: number;
  hashes: Buffer[];

  constructor(size = 0, hashes: Uint8Array[] = []) {
    checkSize(size, "tree size");
    if (hashes.length !== popCount(size)) {
      throw new MerkleProofError(
        `a tree of ${size} leaves has ${popCount(size)} edge hashes, not ${hashes.length}`,
      );
    }
    this.size = size;
    this.hashes = hashes.map((h) => Buffer.from(h));
  }

  /** Append a leaf hash; returns the interior nodes it completed (level ≥ 1). */
  push(leaf: Uint8Array, completed?: (id: NodeId, hash: Buffer) => void): void {
    let hash: Buffer = Buffer.from(leaf);
    let index = this.size;
    let level = 0;
    // Each trailing 1 bit of the old size is a perfect subtree the new leaf's subtree now pairs with.
    while (index % 2 === 1) {
      hash = nodeHash(this.hashes.pop()!, hash);
      index = (index - 1) / 2;
      level++;
      completed?.({ level, index }, hash);
    }
    this.hashes.push(hash);
    this.size++;
  }

  /** MTH of the tree so far. */
  root(): Buffer {
    return foldRange(this.hashes);
  }
}

function popCount(n: number): number {
  let c = 0;
  for (let x = n; x > 0; x = Math.floor(x / 2)) c += x % 2;
  return c;
}

const half = (x: number) => Math.floor(x / 2);
const odd = (x: number) => x % 2 === 1;

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * The walk up the tree that inclusion (RFC 9162 §2.1.3.2) and consistency (§2.1.4.2) verification
 * share: each proof hash with whether it is the left sibling of the running hash (`fn`, `sn` as the
 * RFC names them); an error when a hash is not 32 bytes or the proof is longer or shorter than the
 * tree is deep.
 */
function* proofWalk(
  fn: number,
  sn: number,
  proof: readonly Uint8Array[],
  what: "inclusion" | "consistency",
): Generator<[Uint8Array, boolean]> {
  for (const p of proof) {
    if (p.length !== 32) throw new MerkleProofError("a proof hash is not 32 bytes");
    if (sn === 0) throw new MerkleProofError(`the ${what} proof is longer than the tree is deep`);
    const left = odd(fn) || fn === sn;
    yield [p, left];
    while (left && !odd(fn) && fn !== 0) {
      fn = half(fn);
      sn = half(sn);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new MerkleProofError(`the ${what} proof is shorter than the tree is deep`);
}

/** The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or an error naming why it cannot. */
export function rootFromInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
): Buffer {
  checkSize(index, "leaf index");
  checkSize(size, "tree size");
  if (index >= size) throw new MerkleProofError(`leaf index ${index} is outside a tree of ${size} leaves`);
  if (leaf.length !== 32) throw new MerkleProofError("the leaf hash is not 32 bytes");
  let r: Buffer = Buffer.from(leaf);
  for (const [p, left] of proofWalk(index, size - 1, proof, "inclusion"))
    r = left ? nodeHash(p, r) : nodeHash(r, p);
  return r;
}

/** Check an inclusion proof against a root; throws naming what does not hold. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
  root: Uint8Array,
): void {
  const got = rootFromInclusion(index, size, leaf, proof);
  if (!sameHash(got, root)) {
    throw new MerkleProofError(
      `leaf ${index} with this proof leads to root ${got.toString("hex")}, not the one given`,
    );
  }
}

/**
 * Check that the tree of size2 with root2 extends the tree of size1 with root1 (RFC 9162
 * §2.1.4.2); throws naming what does not hold.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: Uint8Array[],
): void {
  checkSize(size1, "first size");
  checkSize(size2, "second size");
  if (size2 < size1) throw new MerkleProofError(`the tree shrank from ${size1} to ${size2} leaves`);
  if (size1 === size2) {
    if (proof.length > 0) throw new MerkleProofError("equal sizes need an empty proof");
    if (!sameHash(root1, root2)) throw new MerkleProofError(`two different roots for the same size ${size1}`);
    return;
  }
  if (size1 === 0) {
    if (proof.length > 0) throw new MerkleProofError("an empty first tree needs an empty proof");
    return;
  }
  if (proof.length === 0) throw new MerkleProofError(`an empty proof cannot show ${size1} → ${size2}`);
  for (const p of proof) if (p.length !== 32) throw new MerkleProofError("a proof hash is not 32 bytes");
  let path = proof;
  // A first tree that is one perfect subtree is its own first proof node.
  if (popCount(size1) === 1) path = [root1, ...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const [c, left] of proofWalk(fn, sn, path.slice(1), "consistency")) {
    if (left) fr = nodeHash(c, fr);
    sr = left ? nodeHash(c, sr) : nodeHash(sr, c);
  }
  if (!sameHash(fr, root1)) {
    throw new MerkleProofError(
      `the proof does not lead to the first root: the ${size1}-leaf tree is not a prefix`,
    );
  }
  if (!sameHash(sr, root2)) {
    throw new MerkleProofError(`the proof does not lead to the second root: the ${size2}-leaf tree forks`);
  }
}
