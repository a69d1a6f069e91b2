import type { Hono } from "hono";
import type { CloudDeps } from "../../deps.ts";
import { decideOrder } from "../../orders/decide.ts";
import { listOrders } from "../../orders/list.ts";
import { listSites } from "../../sites/list.ts";
import { type WebEnv, webCtx } from "../env.ts";
import { ApprovalsPage } from "./approvals-page.tsx";
import { back, done, guard, privileged } from "./handler-kit.ts";
import { siteUrl } from "./shell.tsx";

/** Register the cross-site queue of held orders and the approve / reject actions (used here and on the site page). */
export function registerApprovalsRoutes(web: Hono<WebEnv>, deps: CloudDeps): void {
  const page = guard(deps);
  web.get("/dashboard/approvals", page(), async (c) => {
    const ctx = webCtx(c, deps);
    const { sites } = await listSites({ ctx });
    const held = (
      await Promise.all(
        sites.map(async (s) =>
          (
            await listOrders({ ctx, input: { siteId: s.id, state: "pending-approval" } })
          ).orders.map((order) => ({ siteName: s.name, order })),
        ),
      )
    )
      .flat()
      .sort((a, b) => a.order.createdAt.localeCompare(b.order.createdAt));
    const actor = c.get("actor");
    return c.html(
      <ApprovalsPage
        web={c.get("web")}
        held={held}
        canDecide={actor.type === "admin" && actor.role === "msp-admin"}
        now={deps.clock.now()}
        done={done(c)}
      />,
    );
  });

  for (const decision of ["approve", "reject"] as const) {
    web.post(`/dashboard/orders/:orderId/${decision}`, page("msp-admin"), async (c) => {
      await privileged(c, deps);
      const o = await decideOrder({
        ctx: webCtx(c, deps),
        input: { orderId: c.req.param("orderId"), decision },
      });
      const to = c.get("web").form.from === "approvals" ? "/dashboard/approvals" : siteUrl(o.siteId);
      return back(c, to, decision === "approve" ? "order-approved" : "order-rejected");
    });
  }
}
