import * as v from "valibot";
import type { JsonObject } from "../../../protocol/common.ts";
import { ORDER_PARAMS, type Order, type OrderParams, type OrderType } from "../../../protocol/order.ts";

/**
 * What the agent does for each allowed order type. Each action returns its result details, or
 * throws (an `OrderFailed` to attach details to the failure). Wired to the checks, runbook runner,
 * sync, updater and diagnostics by the daemon.
 */
export type OrderActions = {
  [T in OrderType]: (params: OrderParams<T>, order: Order) => Promise<JsonObject>;
};

/** Thrown by an action that ran but did not achieve what the order asked; `result` is reported. */
export class OrderFailed extends Error {
  override name = "OrderFailed";
  constructor(
    message: string,
    readonly result: JsonObject = {},
  ) {
    super(message);
  }
}

/** Run the action for an already checked order with its typed parameters. */
export function dispatchOrder(actions: OrderActions, order: Order): Promise<JsonObject> {
  // The switch keeps each call's parameter type exact without casting through unions.
  switch (order.type) {
    case "run_check":
      return actions.run_check(v.parse(ORDER_PARAMS.run_check, order.params), order);
    case "run_runbook":
      return actions.run_runbook(v.parse(ORDER_PARAMS.run_runbook, order.params), order);
    case "sync_rules":
      return actions.sync_rules(v.parse(ORDER_PARAMS.sync_rules, order.params), order);
    case "update_agent":
      return actions.update_agent(v.parse(ORDER_PARAMS.update_agent, order.params), order);
    case "collect_diagnostics":
      return actions.collect_diagnostics(v.parse(ORDER_PARAMS.collect_diagnostics, order.params), order);
    case "accept_baseline":
      return actions.accept_baseline(v.parse(ORDER_PARAMS.accept_baseline, order.params), order);
  }
}
