import { Badge, scoreClass, Table, When } from "../../../../lib/ui/components.tsx";
import type { ComplianceScore } from "../../../../protocol/score.ts";
import type { SiteView } from "../../sites/schemas.ts";
import type { SiteFleet } from "../data/fleet.ts";
import type { SiteFilter } from "../data/site-filter.ts";
import type { WebVars } from "../env.ts";
import { DashboardShell, siteUrl } from "./shell.tsx";

/** The sites list: score and appliance health of every site the token may see. */
export function SitesPage(p: {
  web: WebVars;
  sites: SiteView[];
  scores: Map<string, ComplianceScore>;
  fleet: Map<string, SiteFleet>;
  now: Date;
  done?: string;
  filter: SiteFilter;
  /** Sites before filtering, to say "3 of 50". */
  total: number;
}) {
  const f = p.filter;
  const check = (name: "offline" | "incidents" | "alerts", label: string) => (
    <label class="small">
      <input type="checkbox" name={name} value="1" checked={f[name] === "1"} /> {label}
    </label>
  );
  return (
    <DashboardShell web={p.web} title="Sites" current="/dashboard" done={p.done} refreshSec={60}>
      <h1>Sites</h1>
      <form method="get" action="/dashboard" class="filters" data-testid="site-filters">
        <input type="search" name="q" value={f.q ?? ""} placeholder="clinic name or id" aria-label="search" />
        <label class="small">
          score below{" "}
          <input
            type="number"
            name="below"
            min="1"
            max="100"
            value={f.below?.toString() ?? ""}
            style="width:5rem"
          />
        </label>
        {check("offline", "appliance offline")}
        {check("incidents", "open incidents")}
        {check("alerts", "chain alerts")}
        <button type="submit">Filter</button>
        <span class="muted small">
          {p.sites.length} of {p.total} sites, worst first · refreshes every minute
        </span>
      </form>
      <Table
        testid="sites"
        head={["Site", "Compliance", "Appliances", "Last check-in", "Open incidents", "Chain alerts"]}
        empty="No sites yet. Create one with POST /api/sites (or `malachor` admin commands), then provision an appliance."
        rows={p.sites.map((s) => {
          const sc = p.scores.get(s.id);
          const f = p.fleet.get(s.id);
          const score = sc?.score ?? null;
          return (
            <tr data-site={s.id}>
              <td>
                <a href={siteUrl(s.id)}>
                  <strong>{s.name}</strong>
                </a>
                <div class="muted small">
                  <span class="mono">{s.id}</span> · {s.tier}
                </div>
              </td>
              <td>
                <Badge status={scoreClass(score)} label={score === null ? "not assessed" : `${score}%`} />
                {sc ? <div class="muted small">{sc.assessed} controls</div> : null}
              </td>
              <td>
                {f && f.appliances > 0 ? (
                  <Badge
                    status={f.online === f.appliances ? "ok" : f.online === 0 ? "offline" : "warn"}
                    label={`${f.online}/${f.appliances} online`}
                  />
                ) : (
                  <span class="muted small">none</span>
                )}
              </td>
              <td class="small">
                <When at={f?.lastCheckinAt} now={p.now} />
              </td>
              <td>
                {f && f.openIncidents > 0 ? (
                  <Badge
                    status={f.openL3 > 0 ? "fail" : "warn"}
                    label={`${f.openIncidents} open${f.openL3 > 0 ? ` · ${f.openL3} L3` : ""}`}
                  />
                ) : (
                  <span class="muted">0</span>
                )}
              </td>
              <td>
                {f && f.alerts > 0 ? (
                  <Badge status="fail" label={String(f.alerts)} />
                ) : (
                  <span class="muted">0</span>
                )}
              </td>
            </tr>
          );
        })}
      />
    </DashboardShell>
  );
}
