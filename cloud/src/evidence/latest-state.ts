/**
 * The latest state per appliance, check and host (evidence_latest, migration 2500), kept at ingest
 * in the same transaction as the chain rows, and the state-digest check of change-based bundles:
 * each v2 state bundle is applied to the stored state with protocol's applyStateBundle (what
 * `malachor evidence verify --at` runs through verifyStateChain), and one whose digest disagrees
 * is refused, naming appliance, seq, expected and computed digest.
 */
import { and, eq, ne, or, sql } from "drizzle-orm";
import type { EvidenceBundle } from "../../../protocol/evidence.ts";
import { applyStateBundle, StateMismatch, stateDigest, stateKey } from "../../../protocol/state.ts";
import type { Db } from "../db/client.ts";
import { evidenceLatest, evidenceStateHeads } from "../db/schema/evidence-state.ts";
import type { ObjectStore } from "../store/object-store.ts";
import { type EvidenceBodies, evidenceBodies } from "./bodies.ts";
import {
  applyToEntries,
  findingsOf,
  type LatestEntries,
  type LatestOfChain,
  latestFromChain,
  type StateProofHead,
} from "./latest-rebuild.ts";

/** How the rows change when saved. */
type Plan =
  | { mode: "none" }
  /** Every row of the appliance replaced by these. */
  | { mode: "replace"; entries: LatestEntries }
  /** These keys upserted or deleted. */
  | { mode: "patch"; upsert: LatestEntries; remove: Set<string> }
  /** A full cycle (all its bundles share createdAt): its findings upserted, every other row deleted. */
  | { mode: "cycle"; createdAt: Date; entries: LatestEntries };

interface Heads {
  proof: StateProofHead | null;
  fullSeq: number | null;
}

/**
 * One upload's view of an appliance's latest state: `apply` each bundle in chain order (inside the
 * transaction holding the appliance's row lock), then `save` once every bundle is applied.
 */
export class LatestState {
  private plan: Plan = { mode: "none" };
  /** The change-based state, read when a state bundle changes it (undefined: not read yet). */
  private v2: LatestEntries | undefined;

  private constructor(
    private readonly tx: Db,
    /** A body reader over `tx` (outbox rows are read through the same connection). */
    private readonly bodies: EvidenceBodies,
    private readonly ids: { siteId: string; applianceId: string },
    private heads: Heads,
  ) {}

  /**
   * The tracker for an appliance whose chain head is `chainSeq`: from evidence_state_heads, or
   * rebuilt from the chain when the rows do not follow it (then saved whole).
   */
  static async load(
    tx: Db,
    store: ObjectStore,
    ids: { siteId: string; applianceId: string },
    chainSeq: number,
  ): Promise<LatestState> {
    const [h] = await tx
      .select()
      .from(evidenceStateHeads)
      .where(eq(evidenceStateHeads.applianceId, ids.applianceId));
    // Without a cache: outbox rows are read through the transaction's connection.
    const bodies = evidenceBodies(tx, store, { maxCacheBytes: 0 });
    if (h && Number(h.throughSeq) === chainSeq) {
      const proof =
        h.stateSeq === null
          ? null
          : { seq: Number(h.stateSeq), digest: h.digest ?? "", count: Number(h.count ?? 0) };
      return new LatestState(tx, bodies, ids, {
        proof,
        fullSeq: h.fullSeq === null ? null : Number(h.fullSeq),
      });
    }
    const fresh = new LatestState(tx, bodies, ids, { proof: null, fullSeq: null });
    if (chainSeq > 0 || h) fresh.adopt(await fresh.fromChain(chainSeq));
    return fresh;
  }

  private fromChain(throughSeq: number): Promise<LatestOfChain> {
    return latestFromChain(this.tx, this.bodies, this.ids.applianceId, throughSeq);
  }

  /** Save rows and heads rebuilt from the chain through `throughSeq` (by a reader, outside ingest). */
  static async saveRebuilt(
    tx: Db,
    bodies: EvidenceBodies,
    ids: { siteId: string; applianceId: string },
    chain: LatestOfChain,
    throughSeq: number,
  ): Promise<void> {
    const l = new LatestState(tx, bodies, ids, { proof: null, fullSeq: null });
    l.adopt(chain);
    await l.save(throughSeq);
  }

  private adopt(chain: LatestOfChain): void {
    this.heads = { proof: chain.v2?.proof ?? null, fullSeq: chain.fullSeq };
    this.v2 = chain.v2?.entries;
    this.plan = { mode: "replace", entries: chain.current };
  }

  /** The change-based state as it stands before the next bundle. */
  private async v2Entries(): Promise<LatestEntries> {
    if (this.v2) return this.v2;
    if (this.heads.fullSeq !== null) {
      // The rows hold a later full cycle: the change-based state is the chain's.
      const chain = await this.fromChain(this.heads.proof?.seq ?? 0);
      this.v2 = chain.v2?.entries ?? new Map();
      return this.v2;
    }
    const rows = await this.tx
      .select()
      .from(evidenceLatest)
      .where(eq(evidenceLatest.applianceId, this.ids.applianceId));
    const entries: LatestEntries = new Map();
    for (const r of rows) {
      entries.set(stateKey(r), { finding: r.finding, seq: Number(r.seq), createdAt: new Date(r.createdAt) });
    }
    // Pending changes of this upload are in the plan, not yet in the rows.
    const plan = this.plan;
    if (plan.mode === "replace") this.v2 = new Map(plan.entries);
    else if (plan.mode === "patch") {
      for (const k of plan.remove) entries.delete(k);
      for (const [k, e] of plan.upsert) entries.set(k, e);
      this.v2 = entries;
    } else this.v2 = entries;
    return this.v2;
  }

  /**
   * Apply the next bundle of the chain. A v2 state bundle is checked against the state before it
   * (its quiet cycles' digest) and after it (digest and count); on a mismatch the message names
   * what differs and nothing of this bundle is kept.
   */
  async apply(b: EvidenceBundle): Promise<string | null> {
    const createdAt = new Date(b.createdAt);
    if (b.kind === "check-cycle") {
      const plan = this.plan;
      const entries: LatestEntries =
        plan.mode === "cycle" && plan.createdAt.getTime() === createdAt.getTime() ? plan.entries : new Map();
      for (const f of b.findings) entries.set(stateKey(f), { finding: f, seq: b.seq, createdAt });
      this.plan = { mode: "cycle", createdAt, entries };
      this.heads = { ...this.heads, fullSeq: b.seq };
      return null;
    }
    if (b.v !== 2 || !b.state) return null;
    const proof = this.heads.proof;
    // Before the first snapshot a delta cannot be checked or applied (the verifier skips it too).
    if (b.kind !== "state-snapshot" && !proof) return null;
    const quietOnly = b.kind === "state-delta" && b.findings.length === 0 && b.state.removed.length === 0;
    if (quietOnly && proof) {
      // Nothing changed: the state's digest is the one already proven, no need to read the rows.
      const mismatch =
        proof.digest !== b.state.digest || proof.count !== b.state.count
          ? describe(b, "after it", b.state.digest, b.state.count, proof.digest, proof.count)
          : b.state.quiet && b.state.quiet.digest !== proof.digest
            ? describe(b, "of its quiet cycles", b.state.quiet.digest, null, proof.digest, null)
            : null;
      if (mismatch) return mismatch;
      // After a full cycle, the rows go back to the change-based state (the latest bundle wins).
      if (this.heads.fullSeq !== null)
        this.plan = { mode: "replace", entries: new Map(await this.v2Entries()) };
      this.heads = { proof: { ...proof, seq: b.seq }, fullSeq: null };
      return null;
    }
    const before = b.kind === "state-snapshot" ? new Map() : await this.v2Entries();
    const state = findingsOf(before);
    try {
      applyStateBundle(state, b);
    } catch (e) {
      if (!(e instanceof StateMismatch)) throw e;
      const prior = stateDigest(findingsOf(before).values());
      if (b.state.quiet && b.state.quiet.digest !== prior) {
        return describe(b, "of its quiet cycles", b.state.quiet.digest, null, prior, null);
      }
      return describe(b, "after it", b.state.digest, b.state.count, stateDigest(state.values()), state.size);
    }
    const next = new Map(before);
    applyToEntries(next, b, createdAt);
    const afterFullCycle = this.heads.fullSeq !== null;
    this.v2 = next;
    this.heads = { proof: { seq: b.seq, digest: b.state.digest, count: b.state.count }, fullSeq: null };
    const plan = this.plan;
    if (b.kind === "state-snapshot" || plan.mode === "replace" || plan.mode === "cycle" || afterFullCycle) {
      this.plan = { mode: "replace", entries: next };
    } else {
      const patch =
        plan.mode === "patch"
          ? plan
          : { mode: "patch" as const, upsert: new Map(), remove: new Set<string>() };
      for (const r of b.state.removed) {
        patch.upsert.delete(stateKey(r));
        patch.remove.add(stateKey(r));
      }
      for (const f of b.findings) {
        patch.remove.delete(stateKey(f));
        patch.upsert.set(stateKey(f), next.get(stateKey(f))!);
      }
      this.plan = patch;
    }
    return null;
  }

  /** Write the rows and heads as they stand after the applied bundles (chain head `throughSeq`). */
  async save(throughSeq: number): Promise<void> {
    const { tx, ids } = this;
    const mine = eq(evidenceLatest.applianceId, ids.applianceId);
    const plan = this.plan;
    if (plan.mode === "replace") await tx.delete(evidenceLatest).where(mine);
    if (plan.mode === "patch" && plan.remove.size > 0) {
      const keys = [...plan.remove].map((k) => k.split("\u0000") as [string, string]);
      for (let i = 0; i < keys.length; i += 200) {
        await tx
          .delete(evidenceLatest)
          .where(
            and(
              mine,
              or(
                ...keys
                  .slice(i, i + 200)
                  .map(([checkId, host]) =>
                    and(eq(evidenceLatest.checkId, checkId), eq(evidenceLatest.host, host)),
                  ),
              ),
            ),
          );
      }
    }
    const rows =
      plan.mode === "none" ? [] : [...(plan.mode === "patch" ? plan.upsert : plan.entries).values()];
    for (let i = 0; i < rows.length; i += 200) {
      await tx
        .insert(evidenceLatest)
        .values(
          rows.slice(i, i + 200).map((e) => ({
            applianceId: ids.applianceId,
            checkId: e.finding.checkId,
            host: e.finding.host,
            siteId: ids.siteId,
            seq: e.seq,
            createdAt: e.createdAt,
            finding: e.finding,
          })),
        )
        .onConflictDoUpdate({
          target: [evidenceLatest.applianceId, evidenceLatest.checkId, evidenceLatest.host],
          set: {
            siteId: sql`excluded.site_id`,
            seq: sql`excluded.seq`,
            createdAt: sql`excluded.created_at`,
            finding: sql`excluded.finding`,
          },
        });
    }
    // A full cycle replaces the state: rows of any other time are gone from it.
    if (plan.mode === "cycle")
      await tx.delete(evidenceLatest).where(and(mine, ne(evidenceLatest.createdAt, plan.createdAt)));
    const { proof, fullSeq } = this.heads;
    const head = {
      siteId: ids.siteId,
      throughSeq,
      stateSeq: proof?.seq ?? null,
      digest: proof?.digest ?? null,
      count: proof?.count ?? null,
      fullSeq,
    };
    await tx
      .insert(evidenceStateHeads)
      .values({ applianceId: ids.applianceId, ...head })
      .onConflictDoUpdate({ target: evidenceStateHeads.applianceId, set: head });
    this.plan = { mode: "none" };
  }
}

function describe(
  b: EvidenceBundle,
  what: string,
  expected: string,
  expectedCount: number | null,
  computed: string,
  computedCount: number | null,
): string {
  const n = (c: number | null) => (c === null ? "" : ` (${c} findings)`);
  return (
    `appliance ${b.applianceId} bundle #${b.seq}: the state digest ${what} is ${expected}${n(expectedCount)}, ` +
    `but the stored state with this bundle's changes applied gives ${computed}${n(computedCount)}`
  );
}
