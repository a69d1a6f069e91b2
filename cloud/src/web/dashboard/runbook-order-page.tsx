import { Csrf } from "../../../../lib/ui/components.tsx";
import type { RunbookParam } from "../../../../protocol/runbook.ts";
import type { Runbook } from "../../../../runbooks/index.ts";
import type { SiteView } from "../../sites/schemas.ts";
import type { WebVars } from "../env.ts";
import { paramField } from "./runbook-order.ts";
import { DashboardShell, siteUrl } from "./shell.tsx";

/** What the run-a-runbook form shows: the choices, what was typed, and an error per field. */
export interface RunbookOrderData {
  site: SiteView;
  runbooks: readonly Runbook[];
  chosen?: Runbook;
  appliances: string[];
  hosts: string[];
  values: Record<string, string>;
  errors: Record<string, string>;
}

/** The error under a field, if it has one. */
function FieldError(p: { id: string; error?: string }) {
  return p.error ? (
    <div class="field-error" id={`${p.id}-error`} data-testid={`error-${p.id}`}>
      {p.error}
    </div>
  ) : null;
}

/** One input built from a runbook parameter's declared type and bounds. */
function ParamInput(p: { param: RunbookParam; value?: string; error?: string; posted: boolean }) {
  const q = p.param;
  const name = paramField(q.name);
  const invalid = p.error ? { "aria-invalid": "true", "aria-describedby": `${name}-error` } : {};
  const shown = p.value ?? (q.type === "boolean" ? undefined : String(q.default));
  let input: unknown;
  switch (q.type) {
    case "integer":
      input = (
        <input
          id={name}
          name={name}
          type="number"
          min={q.min}
          max={q.max}
          step={1}
          value={shown}
          required
          {...invalid}
        />
      );
      break;
    case "boolean":
      input = (
        <input
          id={name}
          name={name}
          type="checkbox"
          value="1"
          checked={p.posted ? p.value !== undefined : q.default}
        />
      );
      break;
    case "enum":
      input = (
        <select id={name} name={name} {...invalid}>
          {q.values.map((x) => (
            <option value={x} selected={x === shown}>
              {x}
            </option>
          ))}
        </select>
      );
      break;
    case "string":
      input = <input id={name} name={name} maxlength={q.maxLength} value={shown} {...invalid} />;
      break;
  }
  return (
    <div class="field">
      <label for={name}>
        {q.description} <span class="mono">({q.name})</span>
        {q.type === "integer" ? ` — ${q.min} to ${q.max}` : ""}
      </label>
      {input}
      <FieldError id={name} error={p.error} />
    </div>
  );
}

/** Choose a runbook, then fill its parameters; a bad value shows beside its field with the rest kept. */
export function RunbookOrderPage(p: { web: WebVars; d: RunbookOrderData }) {
  const { d } = p;
  const u = (r: string) => siteUrl(d.site.id, r);
  const posted = Object.keys(d.errors).length > 0;
  return (
    <DashboardShell web={p.web} title={`Run a runbook — ${d.site.name}`} current="/dashboard">
      <p class="small">
        <a href="/dashboard">Sites</a> / <a href={u("")}>{d.site.name}</a> / run a runbook
      </p>
      <h1>Run a runbook</h1>
      <form method="get" action={u("/runbook-order")} class="card">
        <div class="field">
          <label for="runbook">Runbook</label>
          <select id="runbook" name="runbook" style="width:100%">
            {d.runbooks.map((r) => (
              <option value={r.spec.id} selected={r.spec.id === d.chosen?.spec.id}>
                {r.spec.id} — {r.spec.title}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="secondary">
          Choose
        </button>
      </form>
      {d.chosen ? (
        <form method="post" action={u("/runbook-order")} class="card" data-testid="runbook-order-form">
          <Csrf token={p.web.csrf} />
          <input type="hidden" name="runbook" value={d.chosen.spec.id} />
          <h2 style="margin-top:0">{d.chosen.spec.title}</h2>
          <p class="muted small">
            {d.chosen.spec.remediates}. Verifies: {d.chosen.spec.verifies}.
          </p>
          {d.errors.form ? <FieldError id="form" error={d.errors.form} /> : null}
          <div class="field">
            <label for="applianceId">Appliance</label>
            <select id="applianceId" name="applianceId">
              <option value="">every appliance (broadcast)</option>
              {d.appliances.map((a) => (
                <option value={a} selected={a === d.values.applianceId}>
                  {a}
                </option>
              ))}
            </select>
            <FieldError id="applianceId" error={d.errors.applianceId} />
          </div>
          <div class="field">
            <label for="host">Host</label>
            <input
              id="host"
              name="host"
              list="hosts"
              value={d.values.host ?? ""}
              required
              {...(d.errors.host ? { "aria-invalid": "true" } : {})}
            />
            <datalist id="hosts">
              {d.hosts.map((h) => (
                <option value={h} />
              ))}
            </datalist>
            <FieldError id="host" error={d.errors.host} />
          </div>
          {d.chosen.spec.params.map((q) => (
            <ParamInput
              param={q}
              value={d.values[paramField(q.name)]}
              error={d.errors[paramField(q.name)]}
              posted={posted}
            />
          ))}
          <div class="field">
            <label for="reason">Reason</label>
            <input id="reason" name="reason" value={d.values.reason ?? ""} style="width:100%" />
            <FieldError id="reason" error={d.errors.reason} />
          </div>
          <label style="display:flex;gap:.3rem;align-items:center">
            <input
              type="checkbox"
              name="requireApproval"
              value="1"
              checked={d.values.requireApproval !== undefined}
            />{" "}
            hold for approval
          </label>
          <p>
            <button type="submit">Create order</button>
          </p>
        </form>
      ) : null}
    </DashboardShell>
  );
}
