import { LocalTime, Table } from "../../../../lib/ui/components.tsx";
import type { AuditFilter, AuditRow } from "../data/audit.ts";
import type { WebVars } from "../env.ts";
import { DashboardShell } from "./shell.tsx";

/** Who did what: the audit log, filtered, with a CSV export of the same filter. */
export function AuditPage(p: { web: WebVars; rows: AuditRow[]; filter: AuditFilter; exportHref: string }) {
  const f = p.filter;
  return (
    <DashboardShell web={p.web} title="Audit log" current="/dashboard/audit">
      <h1>Audit log</h1>
      <form method="get" action="/dashboard/audit" class="filters" data-testid="audit-filters">
        <input name="site" value={f.site ?? ""} placeholder="site id" aria-label="site" />
        <input name="actor" value={f.actor ?? ""} placeholder="who (token, user)" aria-label="who" />
        <input
          name="action"
          value={f.action ?? ""}
          placeholder="action, e.g. order.approve"
          aria-label="action"
        />
        <button type="submit">Filter</button>
        <a href={p.exportHref}>export CSV</a>
        <span class="muted small">newest first, at most 500 rows shown</span>
      </form>
      <Table
        testid="audit"
        head={["When", "Who", "Site", "Action", "Target", "Outcome"]}
        empty="Nothing recorded matches."
        rows={p.rows.map((r) => (
          <tr>
            <td class="small">
              <LocalTime at={r.at} />
            </td>
            <td class="mono small">{r.actor}</td>
            <td class="mono small">{r.siteId ?? "—"}</td>
            <td class="mono small">{r.action}</td>
            <td class="mono small">{r.target}</td>
            <td>{r.outcome}</td>
          </tr>
        ))}
      />
    </DashboardShell>
  );
}
