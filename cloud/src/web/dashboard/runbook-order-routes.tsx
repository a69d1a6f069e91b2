import { eq } from "drizzle-orm";
import type { Context, Hono } from "hono";
import { RUNBOOKS, runbookById } from "../../../../runbooks/index.ts";
import { targets } from "../../db/schema/targets.ts";
import type { CloudDeps } from "../../deps.ts";
import { createOrders } from "../../orders/create.ts";
import { getSite } from "../../sites/list.ts";
import { siteAppliances } from "../data/site.ts";
import { type WebEnv, webCtx } from "../env.ts";
import { back, guard } from "./handler-kit.ts";
import { runbookOrderFromForm } from "./runbook-order.ts";
import { RunbookOrderPage } from "./runbook-order-page.tsx";
import { siteUrl } from "./shell.tsx";

/** Register the run-a-runbook order form (fields from the runbook's parameters) and its action. */
export function registerRunbookOrderRoutes(web: Hono<WebEnv>, deps: CloudDeps): void {
  const page = guard(deps);

  /** Render the form with what was typed and the errors per field. */
  async function render(
    c: Context<WebEnv>,
    runbookId: string | undefined,
    values: Record<string, string>,
    errors: Record<string, string>,
  ) {
    const site = await getSite({ ctx: webCtx(c, deps), input: { siteId: c.req.param("siteId") ?? "" } });
    const [apps, hosts] = await Promise.all([
      siteAppliances(deps.db, site.id),
      deps.db.select({ host: targets.host }).from(targets).where(eq(targets.siteId, site.id)),
    ]);
    const chosen = runbookId ? runbookById(runbookId) : undefined;
    return c.html(
      <RunbookOrderPage
        web={c.get("web")}
        d={{
          site,
          runbooks: RUNBOOKS,
          ...(chosen ? { chosen } : {}),
          appliances: apps.map((a) => a.id),
          hosts: hosts.map((h) => h.host),
          values,
          errors: chosen || !runbookId ? errors : { ...errors, form: `no runbook "${runbookId}"` },
        }}
      />,
      Object.keys(errors).length > 0 ? 400 : 200,
    );
  }

  web.get("/dashboard/sites/:siteId/runbook-order", page("msp-tech"), (c) =>
    render(c, c.req.query("runbook"), {}, {}),
  );

  web.post("/dashboard/sites/:siteId/runbook-order", page("msp-tech"), async (c) => {
    const form = c.get("web").form;
    const spec = runbookById(form.runbook ?? "")?.spec;
    if (!spec) return render(c, undefined, form, { form: `no runbook "${form.runbook ?? ""}": choose one` });
    const r = runbookOrderFromForm(spec, form);
    if (!r.ok) return render(c, spec.id, form, r.errors);
    const siteId = c.req.param("siteId");
    await createOrders({ ctx: webCtx(c, deps), input: { ...r.order, siteId } });
    return back(c, siteUrl(siteId), "order-created");
  });
}
