import type { JsonObject } from "../../../protocol/common.ts";
import type { EvidenceEvent } from "../../../protocol/evidence.ts";
import type { Order, OrderAck, OrderCompletion } from "../../../protocol/order.ts";
import { envelopeHash, type SignedEnvelope } from "../../../protocol/signed.ts";
import { dispatchOrder, type OrderActions, OrderFailed } from "./actions.ts";
import { checkOrder, type OrderContext } from "./check.ts";
import type { NonceStore } from "./nonces.ts";

/** The cloud side of orders as the agent sees it (adapter over the cloud client). */
export interface OrderChannel {
  /** Pending order envelopes, unvalidated: each is judged on its own so one bad order spoils none. */
  pending(): Promise<unknown[]>;
  ack(orderId: string, ack: OrderAck): Promise<void>;
  complete(orderId: string, completion: OrderCompletion): Promise<void>;
}

/** Where order events go: into the evidence chain (the daemon appends them to the next bundle). */
export type EventSink = (event: EvidenceEvent) => void | Promise<void>;

/** Everything the processor needs; `now` is injectable for tests. */
export interface OrderProcessorDeps {
  channel: OrderChannel;
  nonces: NonceStore;
  actions: OrderActions;
  events: EventSink;
  identity: Omit<OrderContext, "now">;
  now?: () => Date;
  /** Longest an action may run before it is reported failed (default 10 minutes). */
  actionTimeoutMs?: number;
  log?: (level: "info" | "warn", msg: string, fields?: JsonObject) => void;
}

/** What happened to one order in one poll. */
export interface OrderOutcome {
  orderId?: string;
  status: OrderCompletion["status"] | "resent" | "dropped";
  reason?: string;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Polls, judges and runs the cloud's orders. Refused orders are completed as "refused" with the
 * reason and recorded as an `order-refused` evidence event; accepted ones are acknowledged, run at
 * most once (nonce claimed durably first) and completed with their result.
 */
export class OrderProcessor {
  private busy = false;
  constructor(private readonly deps: OrderProcessorDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Fetch and handle every pending order; a second call while one runs returns [] at once. */
  async poll(): Promise<OrderOutcome[]> {
    if (this.busy) return [];
    this.busy = true;
    try {
      const envelopes = await this.deps.channel.pending();
      const outcomes: OrderOutcome[] = [];
      for (const raw of envelopes) outcomes.push(await this.handle(raw));
      this.deps.nonces.prune(this.now());
      return outcomes;
    } finally {
      this.busy = false;
    }
  }

  /** Judge and run one order envelope. */
  async handle(raw: unknown): Promise<OrderOutcome> {
    const { channel, nonces } = this.deps;
    const check = checkOrder(raw, { ...this.deps.identity, now: this.now() });
    if (!check.ok) return this.refuse(check.orderId, check.code, check.reason, raw);

    const order = check.order;
    const hash = envelopeHash(raw as SignedEnvelope<unknown>);
    const seen = nonces.lookup(order.nonce, order.id, hash);
    switch (seen.kind) {
      case "replayed":
        return this.refuse(
          order.id,
          "replayed",
          `nonce ${order.nonce} was already used by order ${seen.firstOrderId} at ${new Date(seen.receivedAt).toISOString()}`,
          raw,
          order,
        );
      case "completed":
        // Our earlier completion never reached the cloud: answer again, never run twice.
        await channel.complete(order.id, seen.completion);
        return { orderId: order.id, status: "resent" };
      case "interrupted": {
        const completion = this.completion(
          "failed",
          {
            interrupted: true,
          },
          `the agent stopped while running this order (started ${new Date(seen.receivedAt).toISOString()}); not rerun`,
        );
        nonces.finish(order.nonce, completion);
        await channel.complete(order.id, completion);
        await this.event(
          "order-executed",
          `order ${order.id} (${order.type}) interrupted by an agent restart`,
          {
            orderId: order.id,
            type: order.type,
            status: "failed",
          },
        );
        return { orderId: order.id, status: "failed", reason: completion.error };
      }
      case "new":
        break;
    }

    await channel.ack(order.id, { receivedAt: this.now().toISOString() });
    if (!nonces.claim(order.nonce, order.id, hash, new Date(order.expiresAt), this.now())) {
      return { orderId: order.id, status: "dropped", reason: "nonce claimed concurrently" };
    }
    const started = Date.now();
    let completion: OrderCompletion;
    try {
      const result = await withTimeout(
        dispatchOrder(this.deps.actions, order),
        this.deps.actionTimeoutMs ?? 10 * 60_000,
        `${order.type} order ${order.id}`,
      );
      completion = this.completion("succeeded", result);
    } catch (e) {
      const result = e instanceof OrderFailed ? e.result : {};
      completion = this.completion("failed", result, (e as Error)?.message ?? String(e));
    }
    nonces.finish(order.nonce, completion);
    await this.event(
      "order-executed",
      `order ${order.id} (${order.type}) ${completion.status}${completion.error ? `: ${completion.error}` : ""}`.slice(
        0,
        500,
      ),
      {
        orderId: order.id,
        type: order.type,
        status: completion.status,
        durationMs: Date.now() - started,
        issuedBy: order.issuedBy,
      },
    );
    this.deps.log?.("info", "order completed", {
      orderId: order.id,
      type: order.type,
      status: completion.status,
    });
    await channel.complete(order.id, completion);
    return { orderId: order.id, status: completion.status, reason: completion.error };
  }

  private completion(status: OrderCompletion["status"], result: JsonObject, error?: string): OrderCompletion {
    return {
      status,
      result,
      ...(error === undefined ? {} : { error: error.slice(0, 20_000) }),
      finishedAt: this.now().toISOString(),
    };
  }

  private async event(type: EvidenceEvent["type"], summary: string, details: JsonObject): Promise<void> {
    await this.deps.events({ type, at: this.now().toISOString(), summary: summary.slice(0, 500), details });
  }

  private async refuse(
    orderId: string | undefined,
    code: string,
    reason: string,
    raw: unknown,
    order?: Order,
  ): Promise<OrderOutcome> {
    this.deps.log?.("warn", "order refused", { ...(orderId ? { orderId } : {}), code, reason });
    const type = order?.type ?? (raw as { payload?: { type?: unknown } })?.payload?.type;
    await this.event("order-refused", `order ${orderId ?? "(no id)"} refused: ${reason}`, {
      ...(orderId ? { orderId } : {}),
      ...(typeof type === "string" ? { type: type.slice(0, 64) } : {}),
      code,
      reason: reason.slice(0, 2_000),
    });
    // Without a well-formed id there is nothing the cloud could match the refusal to.
    if (orderId === undefined) return { status: "dropped", reason };
    await this.deps.channel.complete(orderId, this.completion("refused", { code }, reason));
    return { orderId, status: "refused", reason };
  }
}
