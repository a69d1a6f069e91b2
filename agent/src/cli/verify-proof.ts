import { existsSync, readFileSync } from "node:fs";
import * as v from "valibot";
import { type Checkpoint, type NoteKey, parseVerifierKey } from "../../../protocol/checkpoint.ts";
import { bundleHash, EvidenceBundle } from "../../../protocol/evidence.ts";
import { leafHash, verifyInclusion } from "../../../protocol/merkle.ts";
import { ConsistencyProof, InclusionProof } from "../../../protocol/transparency.ts";
import { checkConsistency, openCheckpoint, ProofBroken } from "../evidence/log-consistency.ts";
import { parseCommandArgs } from "./args.ts";
import { CliError, type Command, EXIT } from "./command.ts";

export const verifyProofUsage =
  "malachor evidence verify-proof <proof.json> --checkpoint <note> --key <verifier key|file of keys> [--old <note>] [--bundle <bundle.json>]";

function readText(path: string, what: string): string {
  if (!existsSync(path)) throw new CliError(`${what} ${path}: no such file`, EXIT.environment);
  return readFileSync(path, "utf8");
}

/** A checkpoint note, opened with a pinned key: signature first, then its content. */
function signedCheckpoint(path: string, keys: NoteKey[]): Checkpoint {
  return openCheckpoint(readText(path, "checkpoint"), keys, path);
}

const unhex = (h: string) => Buffer.from(h, "hex");

function checkInclusion(p: InclusionProof, cp: Checkpoint, bundlePath: string | undefined): string {
  if (bundlePath !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(readText(bundlePath, "bundle"));
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`${bundlePath}: not JSON`, EXIT.failed);
    }
    const b = v.safeParse(EvidenceBundle, raw);
    if (!b.success) throw new ProofBroken("malformed", `${bundlePath} is not an evidence bundle`);
    const h = bundleHash(b.output);
    if (h !== p.bundleHash) {
      throw new ProofBroken(
        "tampered-leaf",
        `${bundlePath} hashes to ${h}, but the log's leaf ${p.leafIndex} is ${p.bundleHash}: the bundle was altered`,
      );
    }
  }
  if (cp.size !== p.treeSize || cp.root !== p.root) {
    throw new ProofBroken(
      "checkpoint-mismatch",
      `the proof is for ${p.treeSize} leaves with root ${p.root}; the signed checkpoint says ${cp.size} with ${cp.root}`,
    );
  }
  verifyInclusion(p.leafIndex, p.treeSize, leafHash(unhex(p.bundleHash)), p.proof.map(unhex), unhex(p.root));
  return `OK: bundle #${p.seq} of ${p.applianceId} (${p.bundleHash.slice(0, 16)}…) is leaf ${p.leafIndex} of ${cp.origin}, size ${cp.size}, signed`;
}

/**
 * `malachor evidence verify-proof`: check an inclusion or consistency proof (as the cloud, its MCP
 * tools or `evidence prove` give it) against checkpoints signed by the pinned log key, offline.
 */
export async function verifyProofCommand(args: string[], io: Parameters<Command["run"]>[1]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      checkpoint: { type: "string" },
      key: { type: "string" },
      old: { type: "string" },
      bundle: { type: "string" },
    },
    verifyProofUsage,
  );
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0)
    throw new CliError(`expected exactly one proof file\nusage: ${verifyProofUsage}`);
  if (!values.checkpoint || !values.key) {
    throw new CliError(`--checkpoint and --key are required\nusage: ${verifyProofUsage}`);
  }
  // A file may list several verifier keys, one a line: every key the log was signed with across rotations.
  let keys: NoteKey[];
  try {
    const text = existsSync(values.key) ? readFileSync(values.key, "utf8") : values.key;
    keys = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .map(parseVerifierKey);
    if (keys.length === 0) throw new Error("no verifier key given");
  } catch (e) {
    throw new CliError(`--key: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readText(file, "proof"));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${file}: not JSON`, EXIT.failed);
  }
  try {
    const newer = signedCheckpoint(values.checkpoint, keys);
    const inclusion = v.safeParse(InclusionProof, json);
    const consistency = v.safeParse(ConsistencyProof, json);
    let line: string;
    if (inclusion.success) line = checkInclusion(inclusion.output, newer, values.bundle);
    else if (consistency.success) {
      if (!values.old) throw new CliError(`a consistency proof needs --old <the checkpoint you kept>`);
      line = checkConsistency(consistency.output, newer, signedCheckpoint(values.old, keys));
    } else throw new CliError(`${file}: neither an inclusion nor a consistency proof`, EXIT.failed);
    io.out(line);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CliError) throw e;
    const kind = e instanceof ProofBroken ? e.kind : "bad-proof";
    io.err(`BROKEN (${kind}): ${(e as Error).message}`);
    return EXIT.failed;
  }
}
