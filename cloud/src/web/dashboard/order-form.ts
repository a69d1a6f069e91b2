import * as v from "valibot";
import type { Json } from "../../../../protocol/common.ts";
import type { OrderType } from "../../../../protocol/order.ts";
import { OrderCreate } from "../../orders/schemas.ts";
import { WebError } from "../errors.tsx";

/** Order types offered in the form, with words for them. */
export const ORDER_TYPES_FOR_FORM: { type: OrderType; label: string }[] = [
  { type: "run_check", label: "run checks" },
  { type: "run_runbook", label: "run a runbook" },
  { type: "sync_rules", label: "sync rules and config" },
  { type: "update_agent", label: "update the agent" },
  { type: "collect_diagnostics", label: "collect diagnostics" },
  { type: "accept_baseline", label: "accept a Windows baseline" },
];

/**
 * Turn the order form's fields into the admin API's OrderCreate (the same schema the JSON API
 * validates), naming the field that is wrong.
 */
export function orderFromForm(form: Record<string, string>): OrderCreate {
  let params: Json;
  try {
    params = JSON.parse(form.params?.trim() || "{}") as Json;
  } catch {
    throw new WebError(
      400,
      "Please check the form",
      'Parameters must be a JSON object, e.g. {} or {"checkIds":["linux.firewall"]}.',
    );
  }
  const candidate = {
    ...(form.applianceId ? { applianceId: form.applianceId } : {}),
    type: form.type,
    params,
    ...(form.reason?.trim() ? { reason: form.reason.trim() } : {}),
    ...(form.requireApproval ? { requireApproval: true } : {}),
  };
  const r = v.safeParse(OrderCreate, candidate);
  if (!r.success) {
    const first = r.issues[0]!;
    throw new WebError(400, "Please check the form", `${v.getDotPath(first) ?? "order"}: ${first.message}`);
  }
  return r.output;
}
