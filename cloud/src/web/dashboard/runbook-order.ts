/**
 * The run-a-runbook order form: its fields come from the runbook's declared parameters, and a bad
 * value is reported against its own field so the page can show the form again as it was filled.
 */
import * as v from "valibot";
import { HostName, type Json } from "../../../../protocol/common.ts";
import { checkRunbookParams, type RunbookParam, type RunbookSpec } from "../../../../protocol/runbook.ts";
import { OrderCreate } from "../../orders/schemas.ts";

/** The form name of a runbook parameter's field. */
export const paramField = (name: string) => `p_${name}`;

/** The parsed form: the order to create, or an error per field name. */
export type RunbookOrderForm =
  | { ok: true; order: OrderCreate }
  | { ok: false; errors: Record<string, string> };

/** A parameter's form text as the JSON value its type wants (a checkbox is present or absent). */
function formValue(p: RunbookParam, form: Record<string, string>): Json {
  const raw = form[paramField(p.name)];
  if (p.type === "boolean") return raw !== undefined;
  if (p.type === "integer") {
    const t = (raw ?? "").trim();
    return /^-?\d+$/.test(t) ? Number(t) : t;
  }
  return raw ?? "";
}

/** Check every field of the form against the runbook's parameters and the admin API's order schema. */
export function runbookOrderFromForm(spec: RunbookSpec, form: Record<string, string>): RunbookOrderForm {
  const errors: Record<string, string> = {};
  const params: Record<string, Json> = {};
  for (const p of spec.params) {
    const r = checkRunbookParams({ ...spec, params: [p] }, { [p.name]: formValue(p, form) });
    if (r.ok) params[p.name] = r.params[p.name]!;
    else errors[paramField(p.name)] = r.message.replace(`parameter "${p.name}" of ${spec.id} `, "");
  }
  const host = v.safeParse(HostName, (form.host ?? "").trim());
  if (!host.success) errors.host = `host name: ${host.issues[0].message}`;
  const order = v.safeParse(OrderCreate, {
    ...(form.applianceId ? { applianceId: form.applianceId } : {}),
    type: "run_runbook",
    params: { runbookId: spec.id, host: (form.host ?? "").trim(), params },
    ...(form.reason?.trim() ? { reason: form.reason.trim() } : {}),
    ...(form.requireApproval ? { requireApproval: true } : {}),
  });
  if (!order.success) {
    const first = order.issues[0];
    const path = v.getDotPath(first) ?? "order";
    const field = path === "reason" || path === "applianceId" ? path : "form";
    errors[field] ??= first.message;
  }
  if (Object.keys(errors).length > 0 || !order.success) return { ok: false, errors };
  return { ok: true, order: order.output };
}
