import type { Context, Hono } from "hono";
import * as v from "valibot";
import type { CloudDeps } from "../../deps.ts";
import { AuditFilter, auditCsv, auditRows } from "../data/audit.ts";
import type { WebEnv } from "../env.ts";
import { WebError } from "../errors.tsx";
import { AuditPage } from "./audit-page.tsx";
import { guard } from "./handler-kit.ts";

function filterOf(c: Context<WebEnv>): AuditFilter {
  const query = Object.fromEntries(Object.entries(c.req.query()).filter(([, x]) => x !== ""));
  const r = v.safeParse(AuditFilter, query);
  if (!r.success)
    throw new WebError(
      400,
      "Please check the filter",
      `${v.getDotPath(r.issues[0]) ?? "filter"}: ${r.issues[0].message}`,
    );
  return r.output;
}

/** A site-scoped token sees its own site's rows only, whatever the filter asks. */
const scopeOf = (c: Context<WebEnv>) => {
  const a = c.get("actor");
  return a.type === "admin" ? a.siteId : null;
};

/** Register the handlers of the audit log page and its CSV export. */
export function registerAuditRoutes(web: Hono<WebEnv>, deps: CloudDeps): void {
  const page = guard(deps);
  web.get("/dashboard/audit", page(), async (c) => {
    const f = filterOf(c);
    const rows = await auditRows(deps.db, f, scopeOf(c));
    const qs = new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => !!e[1])).toString();
    return c.html(
      <AuditPage
        web={c.get("web")}
        rows={rows}
        filter={f}
        exportHref={`/dashboard/audit.csv${qs ? `?${qs}` : ""}`}
      />,
    );
  });

  web.get("/dashboard/audit.csv", page(), async (c) => {
    const rows = await auditRows(deps.db, filterOf(c), scopeOf(c), 100_000);
    return c.body(auditCsv(rows), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="audit-log.csv"',
    });
  });
}
