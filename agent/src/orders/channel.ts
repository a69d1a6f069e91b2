import type { CloudClient } from "../cloud-client/client.ts";
import { enqueueOrderResult } from "../cloud-client/uploader.ts";
import type { Queue } from "../queue/queue.ts";
import type { OrderChannel } from "./processor.ts";

/**
 * Orders over the cloud client: fetch and acknowledge directly (both need the cloud anyway);
 * completions go through the durable queue's order-results stream, so an outcome reached while the
 * cloud is down is delivered when it returns and survives a restart.
 */
export function cloudOrderChannel(
  client: Pick<CloudClient, "orders" | "ackOrder">,
  queue: Queue,
): OrderChannel {
  return {
    pending: async () => (await client.orders()).orders,
    ack: async (id, ack) => {
      await client.ackOrder(id, ack);
    },
    complete: async (id, completion) => {
      enqueueOrderResult(queue, id, completion);
    },
  };
}
