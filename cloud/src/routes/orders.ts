import type { Hono } from "hono";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { Id } from "../../../protocol/common.ts";
import { OrderAck, OrderCompletion, OrderState, PendingOrdersResponse } from "../../../protocol/order.ts";
import type { RouteDeps } from "../deps.ts";
import { param, readJson } from "../http/body.ts";
import { type AppEnv, serviceContext } from "../http/env.ts";
import { route } from "../http/route.ts";
import { ackOrder, completeOrder, pendingOrders } from "../orders/agent.ts";
import { createOrders } from "../orders/create.ts";
import { decideOrder } from "../orders/decide.ts";
import { listOrders } from "../orders/list.ts";
import { OrderCreate, OrderDecision, OrderList, OrderView } from "../orders/schemas.ts";

const OrderAnswer = v.strictObject({ id: Id, state: OrderState });

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
    async (c) => c.json(await pendingOrders({ ctx: serviceContext(c, deps) })),
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/agent/orders/:orderId/ack",
      summary: "Acknowledge receipt of an order",
      auth: "appliance",
      body: OrderAck,
      response: OrderAnswer,
    },
    async (c) => {
      const orderId = param(Id, c.req.param("orderId"), "orderId");
      const body = await readJson(c, OrderAck, "order ack");
      return c.json(await ackOrder({ ctx: serviceContext(c, deps), input: { ...body, orderId } }));
    },
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/agent/orders/:orderId/complete",
      summary: "Report an order's outcome",
      auth: "appliance",
      body: OrderCompletion,
      response: OrderAnswer,
    },
    async (c) => {
      const orderId = param(Id, c.req.param("orderId"), "orderId");
      const completion = await readJson(c, OrderCompletion, "order completion");
      return c.json(await completeOrder({ ctx: serviceContext(c, deps), input: { orderId, completion } }));
    },
  );

  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/orders",
      summary: "Create an order for one appliance, or one signed order per appliance of the site (broadcast)",
      auth: { admin: "msp-tech", siteParam: "siteId" },
      body: OrderCreate,
      response: OrderList,
    },
    async (c) => {
      const siteId = param(Id, c.req.param("siteId"), "siteId");
      const input = await readJson(c, OrderCreate, "order");
      return c.json(await createOrders({ ctx: serviceContext(c, deps), input: { ...input, siteId } }), 201);
    },
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/orders",
      summary: "A site's orders, newest first (?state=…)",
      auth: { admin: "read-only", siteParam: "siteId" },
      response: OrderList,
    },
    async (c) => {
      const siteId = param(Id, c.req.param("siteId"), "siteId");
      const state = c.req.query("state");
      return c.json(
        await listOrders({
          ctx: serviceContext(c, deps),
          input: { siteId, state: state === undefined ? undefined : param(OrderState, state, "state") },
        }),
      );
    },
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
        body: OrderDecision,
        response: OrderView,
      },
      async (c) => {
        const orderId = param(Id, c.req.param("orderId"), "orderId");
        const body = await readJson(c, OrderDecision, "decision");
        return c.json(
          await decideOrder({
            ctx: serviceContext(c, deps),
            input: { orderId, decision, reason: body.reason },
          }),
        );
      },
    );
  }
}
