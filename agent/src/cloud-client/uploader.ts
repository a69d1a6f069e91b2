import * as v from "valibot";
import { describeIssues, Id } from "../../../protocol/common.ts";
import type { IncidentReport } from "../../../protocol/incident.ts";
import { KeyEscrow } from "../../../protocol/ingest.ts";
import type { OrderCompletion } from "../../../protocol/order.ts";
import { PlanOutcome } from "../../../protocol/plan.ts";
import { DeviceReport } from "../../../protocol/targets.ts";
import { type ChainStore, chainOfKey } from "../evidence/chain-store.ts";
import type { Queue, QueueItem } from "../queue/queue.ts";
import type { StreamName } from "../queue/streams.ts";
import type { CloudClient } from "./client.ts";
import { CloudError } from "./errors.ts";

/** What one drain achieved, and why it stopped early (if it did). */
export interface DrainResult {
  delivered: Partial<Record<StreamName, number>>;
  /** The error that stopped draining (cloud unreachable, 401, 429…); undefined when the queue emptied. */
  stoppedBy?: CloudError;
  /**
   * The bundle the cloud refused for good, if one stopped the evidence stream. It stays queued
   * (a chain cannot continue past a missing bundle, and evidence is never dropped); the reason is
   * the cloud's, e.g. "wrong-appliance: …".
   */
  refused?: { applianceId: string; seq: number; reason: string };
  warnings: string[];
}

/** Queue item of the order-results stream: the completion of one order. */
interface OrderResult {
  orderId: string;
  completion: OrderCompletion;
}

/** Queue an incident report for the cloud (idempotent by `key`). */
export function enqueueIncidents(queue: Queue, key: string, report: IncidentReport) {
  return queue.enqueue({ stream: "incidents", key, payload: JSON.stringify(report) });
}

/** Queue an order's completion for the cloud; one per order. */
export function enqueueOrderResult(queue: Queue, orderId: string, completion: OrderCompletion) {
  const item: OrderResult = { orderId, completion };
  return queue.enqueue({ stream: "order-results", key: `order:${orderId}`, payload: JSON.stringify(item) });
}

/**
 * Queue BitLocker recovery keys for the cloud's escrow, in one transaction: when this returns the
 * keys survive a crash, and they stay queued (never shed) until the cloud has them.
 */
export function enqueueEscrow(queue: Pick<Queue, "enqueueMany">, keys: readonly KeyEscrow[]) {
  return queue.enqueueMany(
    keys.map((k) => ({
      stream: "escrow" as const,
      key: `escrow:${k.host}:${k.volume}:${k.protectorId}`,
      payload: JSON.stringify(k),
    })),
  );
}

/** Queue item of the plan-outcomes stream. */
const PlanOutcomeItem = v.strictObject({ planId: Id, outcome: PlanOutcome });

/** Queue what came of a signed L2 plan for the cloud's learning loop; one per plan. */
export function enqueuePlanOutcome(queue: Pick<Queue, "enqueue">, planId: string, outcome: PlanOutcome) {
  const item: v.InferOutput<typeof PlanOutcomeItem> = { planId, outcome };
  return queue.enqueue({ stream: "plan-outcomes", key: `plan:${planId}`, payload: JSON.stringify(item) });
}

/** A queued payload read back against its schema (a bad one is refused for good: dead-lettered). */
function queued<S extends v.GenericSchema>(schema: S, item: QueueItem): v.InferOutput<S> {
  const r = v.safeParse(schema, JSON.parse(item.payload));
  if (!r.success)
    throw new CloudError(`queued ${item.stream} item is malformed: ${describeIssues(r.issues)}`, "rejected");
  return r.output;
}

// One request per item for streams other than evidence (low volume).
const SEND: Partial<Record<StreamName, (client: CloudClient, item: QueueItem) => Promise<unknown>>> = {
  escrow: (c, i) => c.escrowKey(queued(KeyEscrow, i)),
  "plan-outcomes": (c, i) => {
    const r = queued(PlanOutcomeItem, i);
    return c.reportPlanOutcome(r.planId, r.outcome);
  },
  incidents: (c, i) => c.reportIncidents(JSON.parse(i.payload) as IncidentReport),
  "order-results": (c, i) => {
    const r = JSON.parse(i.payload) as OrderResult;
    return c.completeOrder(r.orderId, r.completion);
  },
  telemetry: (c, i) => c.reportDevices(queued(DeviceReport, i)),
};

const asCloudError = (e: unknown) =>
  e instanceof CloudError ? e : new CloudError(`upload failed: ${(e as Error).message}`, "protocol");

/** The next evidence batch, cut where the queue moves on to another chain (one chain per upload). */
function nextChainBatch(queue: Queue, size: number, maxBytes: number): { chain: string; items: QueueItem[] } {
  const items = queue.nextBatch("evidence", size, maxBytes);
  const chain = items[0] ? chainOfKey(items[0].key) : "";
  const end = items.findIndex((i) => chainOfKey(i.key) !== chain);
  return { chain, items: end < 0 ? items : items.slice(0, end) };
}

/**
 * Deliver queued items to the cloud: evidence first, in chain order and in batches of one chain
 * each (a chain handed over at re-enrolment goes up before the chain that continues it), then
 * the other streams. Stops at the first error that says "later" (unreachable, 401, 429, 5xx),
 * recording the attempt so backoff applies. A bundle the cloud refuses for good stays queued and
 * stops the evidence stream (`refused`); other items the cloud refuses are dead-lettered, never
 * deleted.
 */
export async function drainQueue(
  queue: Queue,
  client: CloudClient,
  chain: ChainStore,
  opts: { batchSize?: number; maxBatchBytes?: number; shouldStop?: () => boolean } = {},
): Promise<DrainResult> {
  const result: DrainResult = { delivered: {}, warnings: [] };
  const count = (s: StreamName, n: number) => {
    result.delivered[s] = (result.delivered[s] ?? 0) + n;
  };
  const reconciled = new Set<string>();
  for (;;) {
    if (opts.shouldStop?.()) return result;
    const { chain: owner, items } = nextChainBatch(
      queue,
      opts.batchSize ?? 100,
      opts.maxBatchBytes ?? 4_000_000,
    );
    if (items.length === 0) break;
    let res: Awaited<ReturnType<CloudClient["uploadEvidence"]>>;
    try {
      res = await client.uploadEvidence(items.map((i) => i.payload));
    } catch (e) {
      const err = asCloudError(e);
      queue.fail(
        items.map((i) => i.id),
        err.message,
        err.retryAfterMs,
      );
      result.stoppedBy = err;
      return result;
    }
    const bySeq = new Map(res.results.map((r) => [r.seq, r]));
    const acked: number[] = [];
    const retry: number[] = [];
    let gap = false;
    for (const item of items) {
      const seq = (JSON.parse(item.payload) as { seq: number }).seq;
      const r = bySeq.get(seq);
      if (r?.status === "stored" || r?.status === "already-stored") acked.push(item.id);
      else if (result.refused) retry.push(item.id);
      else if (r?.status === "rejected" && res.headSeq < seq - 1) {
        // The cloud lacks earlier bundles: resend from its head (once per drain, then back off).
        if (reconciled.has(owner)) retry.push(item.id);
        else gap = true;
      } else if (r?.status === "rejected" && !r.reason?.startsWith("not processed")) {
        const reason = r.reason ?? "no reason given";
        result.refused = { applianceId: owner, seq, reason };
        result.warnings.push(`evidence ${owner}#${seq} refused by the cloud: ${reason}`);
        retry.push(item.id);
      } else retry.push(item.id);
    }
    queue.ack(acked);
    count("evidence", acked.length);
    chain.confirm(res.headSeq, undefined, owner);
    if (gap && !result.refused) {
      reconciled.add(owner);
      const r = chain.reconcile(res.headSeq, owner);
      if (r.warning) result.warnings.push(r.warning);
      continue;
    }
    if (retry.length > 0) {
      const why = result.refused
        ? `refused by the cloud: ${result.refused.reason}`
        : "the cloud did not store these bundles";
      queue.fail(retry, why);
      result.stoppedBy = new CloudError(
        result.refused
          ? `evidence ${owner}#${result.refused.seq} ${why}`
          : "the cloud did not store every bundle of the batch",
        result.refused ? "rejected" : "protocol",
      );
      return result;
    }
  }
  for (const [stream, send] of Object.entries(SEND) as [
    StreamName,
    NonNullable<(typeof SEND)[StreamName]>,
  ][]) {
    for (;;) {
      if (opts.shouldStop?.()) return result;
      const [item] = queue.nextBatch(stream, 1);
      if (!item) break;
      try {
        await send(client, item);
        queue.ack([item.id]);
        count(stream, 1);
      } catch (e) {
        const err = asCloudError(e);
        if (err.kind === "rejected" || (err.kind === "protocol" && !(e instanceof CloudError))) {
          queue.deadLetter([item.id], err.message);
          result.warnings.push(`${stream} item ${item.key} refused: ${err.message}`);
          continue;
        }
        queue.fail([item.id], err.message, err.retryAfterMs);
        result.stoppedBy = err;
        return result;
      }
    }
  }
  return result;
}
