import type { Hono } from "hono";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { Id } from "../../../protocol/common.ts";
import { OrderAck, OrderCompletion, OrderState, PendingOrdersResponse } from "../../../protocol/order.ts";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { idParams } from "../http/params.ts";
import { route, verbRoute } from "../http/route.ts";
import { ackOrder, completeOrder, pendingOrders } from "../orders/agent.ts";
import { createOrders } from "../orders/create.ts";
import { decideOrder } from "../orders/decide.ts";
import { listOrders } from "../orders/list.ts";
import { OrderCreate, OrderDecision, OrderList, OrderView } from "../orders/schemas.ts";

const OrderAnswer = v.strictObject({ id: Id, state: OrderState });
const OrderParams = idParams("orderId");
const SiteParams = idParams("siteId");

/** Orders: the appliance's pending/ack/complete, and the admin's create/list/approve/reject. */
export function registerOrderRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  route(
    app,
    deps,
    {
      method: "get",
      path: AGENT_API.orders,
      summary: "Signed orders pending for this appliance",
      auth: "appliance",
      response: PendingOrdersResponse,
    },
    async ({ c, ctx }) => c.json(await pendingOrders({ ctx })),
  );
  verbRoute(
    app,
    deps,
    {
      method: "post",
      path: "/agent/orders/:orderId/ack",
      summary: "Acknowledge receipt of an order",
      auth: "appliance",
      params: OrderParams,
      body: OrderAck,
      response: OrderAnswer,
    },
    ackOrder,
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/agent/orders/:orderId/complete",
      summary: "Report an order's outcome",
      auth: "appliance",
      params: OrderParams,
      body: OrderCompletion,
      response: OrderAnswer,
    },
    async ({ c, ctx, params, body }) =>
      c.json(await completeOrder({ ctx, input: { ...params, completion: body } })),
  );

  verbRoute(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/orders",
      summary: "Create an order for one appliance, or one signed order per appliance of the site (broadcast)",
      auth: { admin: "msp-tech", siteParam: "siteId" },
      params: SiteParams,
      body: OrderCreate,
      response: OrderList,
    },
    createOrders,
    201,
  );
  verbRoute(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/orders",
      summary: "A site's orders, newest first (?state=…)",
      auth: { admin: "read-only", siteParam: "siteId" },
      params: SiteParams,
      query: v.object({ state: v.optional(OrderState) }),
      response: OrderList,
    },
    listOrders,
  );
  for (const decision of ["approve", "reject"] as const) {
    route(
      app,
      deps,
      {
        method: "post",
        path: `/api/orders/:orderId/${decision}`,
        summary: `${decision === "approve" ? "Approve (sign and release)" : "Reject"} an order waiting for approval`,
        auth: { admin: "msp-admin" },
        privileged: true,
        params: OrderParams,
        body: OrderDecision,
        response: OrderView,
      },
      async ({ c, ctx, params, body }) =>
        c.json(await decideOrder({ ctx, input: { ...params, decision, reason: body.reason } })),
    );
  }
}
