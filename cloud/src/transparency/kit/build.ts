import { createHash } from "node:crypto";
import { and, asc, between, desc, eq, lt, lte } from "drizzle-orm";
import { canonicalize } from "../../../../protocol/canonical.ts";
import { noteVerifierKey } from "../../../../protocol/checkpoint.ts";
import { assemble, inclusionPlan, planNodes, rootPlan } from "../../../../protocol/merkle.ts";
import type { Db } from "../../db/client.ts";
import { checkpointAnchors } from "../../db/schema/anchoring.ts";
import { chainHeads } from "../../db/schema/chain-heads.ts";
import { evidenceChain } from "../../db/schema/evidence.ts";
import { tlogCheckpoints, tlogLeaves } from "../../db/schema/transparency.ts";
import type { CloudDeps } from "../../deps.ts";
import { chainIndexRows } from "../../evidence/bodies.ts";
import { siteRetentionFloors } from "../../evidence/retention-floors.ts";
import { siteKeyRows } from "../../evidence/site-keys.ts";
import { notFound } from "../../http/errors.ts";
import { cloudKeyHistory } from "../../keys/keyring.ts";
import { checkpointKey } from "../checkpoints.ts";
import { readNodes } from "../proofs.ts";
import readme from "./README.kit.md" with { type: "text" };
import { type TarEntry, tarArchive } from "./tar.ts";
import verifier from "./verify_kit.py" with { type: "text" };

/** The period a kit covers: bundles created in [from, to), both ISO instants. */
export interface KitPeriod {
  from: string;
  to: string;
}

/** A built kit: the archive's bytes and the name to save it under. */
export interface Kit {
  fileName: string;
  bytes: Uint8Array<ArrayBuffer>;
}

interface Leaf {
  idx: number;
  applianceId: string;
  seq: number;
  bundleHash: string;
}

const enc = new TextEncoder();
const json = (value: unknown) => enc.encode(`${JSON.stringify(value, null, 2)}\n`);
const jsonl = (rows: unknown[]) => enc.encode(rows.map((r) => `${JSON.stringify(r)}\n`).join(""));

/**
 * Each appliance's run of bundles the kit shows: those created in the period plus the one on either
 * side of them (or the pair straddling the period when none falls in it), so the verifier can see
 * from the signed leaves that nothing at the period's edges was left out.
 */
function runOf(created: string[], period: KitPeriod): [number, number] {
  let first = created.length;
  let last = -1;
  created.forEach((at, i) => {
    if (at >= period.from && first === created.length) first = i;
    if (at < period.to) last = i;
  });
  return [
    Math.max(0, Math.min(first, last + 1) - 1),
    Math.min(created.length - 1, Math.max(last, first - 1) + 1),
  ];
}

/** Inclusion proofs of leaves against the tree of `size`, node reads batched. */
async function inclusionProofs(db: Db, siteId: string, leaves: Leaf[], size: number) {
  const roots = rootPlan(size);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < leaves.length; i += 200) {
    const batch = leaves.slice(i, i + 200);
    const plans = batch.map((l) => inclusionPlan(l.idx, size));
    const nodes = await readNodes(db, siteId, planNodes([...plans.flat(), roots]));
    batch.forEach((l, k) => {
      out.push({
        applianceId: l.applianceId,
        seq: l.seq,
        bundleHash: l.bundleHash,
        leafIndex: l.idx,
        treeSize: size,
        proof: assemble(plans[k]!, nodes).map((h) => h.toString("hex")),
      });
    });
  }
  return out;
}

/**
 * The newest external time anchor of each kind for each checkpoint in the kit (an upgraded `.ots`
 * supersedes its pending one), as files beside the notes they stamp, and their list.
 */
async function anchorFiles(db: Db, siteId: string, notePaths: Map<number, string>): Promise<TarEntry[]> {
  const rows = await db
    .select()
    .from(checkpointAnchors)
    .where(eq(checkpointAnchors.siteId, siteId))
    .orderBy(asc(checkpointAnchors.id));
  const newest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (notePaths.has(r.checkpointId)) newest.set(`${r.checkpointId}:${r.kind}`, r);
  const anchors = [...newest.values()].sort((a, b) => a.id - b.id);
  if (anchors.length === 0) return [];
  const fileOf = (a: (typeof anchors)[number]) =>
    `anchors/${notePaths
      .get(a.checkpointId)!
      .replace(/^checkpoints\//, "")
      .replace(/\.note$/, "")}.${a.kind === "rfc3161" ? "tst" : "ots"}`;
  return [
    ...anchors.map((a) => ({ path: fileOf(a), data: Buffer.from(a.proof, "base64") })),
    {
      path: "anchors.json",
      data: json(
        anchors.map((a) => ({
          file: fileOf(a),
          note: notePaths.get(a.checkpointId)!,
          kind: a.kind,
          source: a.source,
          complete: a.complete,
          stampedAt: a.stampedAt?.toISOString() ?? null,
        })),
      ),
    },
  ];
}

/** Each appliance key with the window it signed in: from its registration to the next key's. */
async function keysFile(
  db: Db,
  deps: Pick<CloudDeps, "config" | "keys">,
  siteId: string,
  firstCheckpoint: Date,
) {
  const rows = await siteKeyRows(db, siteId);
  const appliances = rows.map((r, i) => {
    const next = rows[i + 1];
    return {
      applianceId: r.applianceId,
      keyId: r.keyId,
      publicKey: r.publicKey,
      validFrom: r.createdAt.toISOString(),
      validUntil: next && next.applianceId === r.applianceId ? next.createdAt.toISOString() : null,
    };
  });
  const origin = checkpointKey(deps, siteId).name;
  // Every key the cloud has signed with, each with its window (keys/keyring.ts), so checkpoints
  // signed before a rotation keep verifying.
  const history = await cloudKeyHistory(db);
  const cloud = (
    history.length > 0
      ? history
      : [
          {
            keyId: deps.keys.keyId,
            publicKey: deps.keys.publicKey,
            validFrom: firstCheckpoint.toISOString(),
            validUntil: null,
          },
        ]
  ).map((k) => ({
    keyId: k.keyId,
    publicKey: k.publicKey,
    noteVerifierKey: noteVerifierKey(origin, k.publicKey),
    validFrom: k.validFrom,
    validUntil: k.validUntil,
  }));
  return { cloud, appliances };
}

/**
 * The auditor's kit of one site and period: a tar whose every byte follows from the stored log and
 * its newest checkpoint (fixed entry order and headers, the checkpoint's time as every mtime), so two
 * downloads of the same kit are identical. Layout and checks: README.kit.md.
 */
export async function buildKit(
  db: Db,
  deps: Pick<CloudDeps, "config" | "keys" | "bodies">,
  siteId: string,
  period: KitPeriod,
): Promise<Kit> {
  const checkpoints = await db
    .select()
    .from(tlogCheckpoints)
    .where(eq(tlogCheckpoints.siteId, siteId))
    .orderBy(asc(tlogCheckpoints.id));
  const latest = checkpoints.at(-1);
  if (!latest) throw notFound(`site ${siteId}'s log has no checkpoint yet: sign one before making a kit`);
  const size = Number(latest.size);
  const leaves: Leaf[] = (
    await db
      .select({
        idx: tlogLeaves.idx,
        applianceId: tlogLeaves.applianceId,
        seq: tlogLeaves.seq,
        bundleHash: tlogLeaves.bundleHash,
      })
      .from(tlogLeaves)
      .where(and(eq(tlogLeaves.siteId, siteId), lt(tlogLeaves.idx, size)))
      .orderBy(asc(tlogLeaves.idx))
  ).map((l) => ({ ...l, idx: Number(l.idx), seq: Number(l.seq) }));

  const byAppliance = new Map<string, Leaf[]>();
  for (const l of leaves) {
    const list = byAppliance.get(l.applianceId);
    if (list) list.push(l);
    else byAppliance.set(l.applianceId, [l]);
  }
  // Bundles below an appliance's retention floor were dropped: its logged run starts at the floor.
  const floors = await siteRetentionFloors(db, siteId);
  const floorOf = new Map(floors.map((f) => [f.applianceId, f.seq]));
  const heads: unknown[] = [];
  const inPeriod: string[] = [];
  const context: string[] = [];
  const periodLeaves: Leaf[] = [];
  for (const applianceId of [...byAppliance.keys()].sort()) {
    const logged = byAppliance
      .get(applianceId)!
      .filter((l) => l.seq >= (floorOf.get(applianceId) ?? 1))
      .sort((a, b) => a.seq - b.seq);
    if (logged.length === 0) continue;
    // Creation times of the whole logged chain (to find the period's run), bodies of the run only.
    const inRange = (lo: number, hi: number) =>
      and(eq(evidenceChain.applianceId, applianceId), between(evidenceChain.seq, lo, hi));
    const rows = await db
      .select({ seq: evidenceChain.seq, createdAt: evidenceChain.createdAt })
      .from(evidenceChain)
      .where(inRange(logged[0]!.seq, logged.at(-1)!.seq));
    // The appliance's newest signed chain head the kit's leaves cover: its own completeness claim.
    const [head] = await db
      .select({ envelope: chainHeads.envelope })
      .from(chainHeads)
      .where(and(eq(chainHeads.applianceId, applianceId), lte(chainHeads.seq, logged.at(-1)!.seq)))
      .orderBy(desc(chainHeads.seq))
      .limit(1);
    if (head) heads.push(head.envelope);
    const created = new Map(rows.map((r) => [Number(r.seq), r]));
    const times = logged.map((l) => created.get(l.seq)!.createdAt.toISOString());
    const [lo, hi] = runOf(times, period);
    const run = await chainIndexRows(db, inRange(logged[lo]!.seq, logged[hi]!.seq));
    const texts = await deps.bodies.texts(run);
    const bodies = new Map(run.map((r, i) => [Number(r.seq), texts[i]!]));
    for (let i = lo; i <= hi; i++) {
      const body = bodies.get(logged[i]!.seq)!;
      if (times[i]! >= period.from && times[i]! < period.to) {
        inPeriod.push(body);
        periodLeaves.push(logged[i]!);
      } else context.push(body);
    }
  }

  const notePaths = new Map(
    checkpoints.map((cp, i) => [
      cp.id,
      cp === latest
        ? "checkpoint.note"
        : `checkpoints/${String(i + 1).padStart(6, "0")}-size-${cp.size}.note`,
    ]),
  );
  const day = (iso: string) => iso.slice(0, 10);
  const dir = `${siteId}-${day(period.from)}-${day(period.to)}`;
  const files: TarEntry[] = [
    { path: "README.md", data: enc.encode(readme) },
    { path: "verify_kit.py", data: enc.encode(verifier), mode: 0o755 },
    {
      path: "manifest.json",
      data: json({
        format: "malachor-auditor-kit/1",
        siteId,
        origin: checkpointKey(deps, siteId).name,
        period,
        checkpoint: { size, root: latest.root, signedAt: latest.createdAt.toISOString() },
        bundles: inPeriod.length,
        contextBundles: context.length,
      }),
    },
    { path: "checkpoint.note", data: enc.encode(latest.note) },
    ...checkpoints.slice(0, -1).map((cp) => ({ path: notePaths.get(cp.id)!, data: enc.encode(cp.note) })),
    ...(await anchorFiles(db, siteId, notePaths)),
    {
      path: "leaves.tsv",
      data: enc.encode(leaves.map((l) => `${l.idx}\t${l.applianceId}\t${l.seq}\t${l.bundleHash}\n`).join("")),
    },
    { path: "bundles.jsonl", data: enc.encode(inPeriod.map((b) => `${b}\n`).join("")) },
    { path: "context.jsonl", data: enc.encode(context.map((b) => `${b}\n`).join("")) },
    ...(floors.length
      ? [{ path: "floors.jsonl", data: enc.encode(floors.map((f) => `${canonicalize(f)}\n`).join("")) }]
      : []),
    { path: "heads.jsonl", data: jsonl(heads) },
    { path: "proofs.jsonl", data: jsonl(await inclusionProofs(db, siteId, periodLeaves, size)) },
    { path: "keys.json", data: json(await keysFile(db, deps, siteId, checkpoints[0]!.createdAt)) },
  ];
  const sums = files.map((f) => `${createHash("sha256").update(f.data).digest("hex")}  ${f.path}\n`).join("");
  files.push({ path: "SHA256SUMS", data: enc.encode(sums) });
  const mtime = Math.floor(latest.createdAt.getTime() / 1000);
  return {
    fileName: `${dir}.tar`,
    bytes: tarArchive(
      files.map((f) => ({ ...f, path: `${dir}/${f.path}` })),
      mtime,
    ),
  };
}
