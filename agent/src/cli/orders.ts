import * as v from "valibot";
import { Id } from "../../../protocol/common.ts";
import { OrderState } from "../../../protocol/order.ts";
import { adminCall, adminTarget } from "./admin-api.ts";
import { flagCommand } from "./args.ts";
import { CliError, EXIT } from "./command.ts";

const usage =
  "malachor orders list <siteId> [--state <state>] | approve <orderId> [--reason <text>] | reject <orderId> [--reason <text>]\n" +
  "  [--cloud <url>] [--token-file <file>] [--json]   (or MALACHOR_CLOUD_URL / MALACHOR_ADMIN_TOKEN)";

/** The slice of an order the CLI shows (the cloud's admin API answers more). */
interface OrderLine {
  id: string;
  applianceId: string;
  type: string;
  state: string;
  issuedBy: string;
  reason: string | null;
  createdAt: string;
  params: Record<string, unknown>;
}

function describe(o: OrderLine): string {
  const what =
    o.type === "run_runbook"
      ? `run_runbook ${String(o.params.runbookId)} on ${String(o.params.host)}`
      : o.type;
  return `${o.id}  ${o.state.padEnd(16)} ${o.applianceId}  ${what}  by ${o.issuedBy}${o.reason ? ` — ${o.reason}` : ""}`;
}

/**
 * `malachor orders`: list a site's orders and approve or reject those waiting for a person
 * (remediations proposed over MCP or created with requireApproval). Talks to the cloud's admin
 * API with an admin token; approving needs msp-admin.
 */
export const ordersCommand = flagCommand(
  {
    name: "orders",
    summary: "list a site's orders; approve or reject orders waiting for approval (admin token)",
    usage,
    options: {
      cloud: { type: "string" },
      "token-file": { type: "string" },
      state: { type: "string" },
      reason: { type: "string" },
      json: { type: "boolean" },
    },
  },
  async ({ values, positionals }, io) => {
    const [sub, target, ...extra] = positionals;
    if (!sub || !["list", "approve", "reject"].includes(sub) || !target || extra.length > 0) {
      throw new CliError(`expected list <siteId>, approve <orderId> or reject <orderId>\nusage: ${usage}`);
    }
    const id = v.safeParse(Id, target);
    if (!id.success)
      throw new CliError(`${sub === "list" ? "siteId" : "orderId"} "${target}": ${id.issues[0].message}`);
    const { base, token } = adminTarget(values, usage);

    if (sub === "list") {
      let query = "";
      if (values.state !== undefined) {
        const st = v.safeParse(OrderState, values.state);
        if (!st.success)
          throw new CliError(`--state "${values.state}": must be one of ${OrderState.options.join(", ")}`);
        query = `?state=${st.output}`;
      }
      const r = (await adminCall(base, token, "GET", `/api/sites/${id.output}/orders${query}`)) as {
        orders: OrderLine[];
      };
      if (values.json) io.out(JSON.stringify(r));
      else if (r.orders.length === 0)
        io.out(`no orders for site ${id.output}${values.state ? ` in state ${values.state}` : ""}`);
      else for (const o of r.orders) io.out(describe(o));
      return EXIT.ok;
    }
    const body = values.reason === undefined ? {} : { reason: values.reason };
    const o = (await adminCall(base, token, "POST", `/api/orders/${id.output}/${sub}`, body)) as OrderLine;
    io.out(
      values.json ? JSON.stringify(o) : `${sub === "approve" ? "approved" : "rejected"}: ${describe(o)}`,
    );
    return EXIT.ok;
  },
);
