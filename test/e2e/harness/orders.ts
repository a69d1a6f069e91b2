import { askForCycle } from "./agent.ts";
import type { CloudProcess } from "./cloud.ts";
import { waitFor } from "./wait.ts";

/** An order as the admin API shows it (the fields the tests read). */
export interface OrderView {
  id: string;
  state: string;
  completion: { status: string; error?: string; result: Record<string, unknown> } | null;
}

/**
 * Create an order for one appliance through the admin API, wake the agent (its local "run a cycle
 * now", asked again at every poll), and wait for the outcome the agent reported.
 */
export async function runOrder(
  cloud: CloudProcess,
  target: { siteId: string; applianceId: string; statusUrl: string },
  type: string,
  params: Record<string, unknown> = {},
  timeoutMs = 90_000,
): Promise<OrderView> {
  const { orders } = await cloud.api<{ orders: OrderView[] }>("POST", `/api/sites/${target.siteId}/orders`, {
    applianceId: target.applianceId,
    type,
    params,
    reason: "e2e",
  });
  const id = orders[0]!.id;
  return waitFor(
    `${type} order ${id} to complete`,
    async () => {
      const list = await cloud.api<{ orders: OrderView[] }>("GET", `/api/sites/${target.siteId}/orders`);
      const o = list.orders.find((x) => x.id === id);
      if (o?.completion) return o;
      await askForCycle(target.statusUrl);
      return undefined;
    },
    { timeoutMs },
  );
}
