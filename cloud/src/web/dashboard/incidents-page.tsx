import { Badge, Csrf, Table, When } from "../../../../lib/ui/components.tsx";
import type { Incident } from "../../../../protocol/incident.ts";
import { problemTitle } from "../../../../runbooks/explain.ts";
import type { HostNames } from "../data/host-names.ts";
import type { WebVars } from "../env.ts";
import { Host, hostLabel, nameAddresses } from "../views/host.tsx";
import { DashboardShell, siteUrl } from "./shell.tsx";

/** One open incident with its site. */
export interface OpenIncident {
  siteId: string;
  incident: Incident;
}

const severityRank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;

/** Worst first: by severity, then the oldest of a severity first (it has waited longest). */
export const bySeverityThenAge = (a: OpenIncident, b: OpenIncident) =>
  severityRank[a.incident.severity] - severityRank[b.incident.severity] ||
  a.incident.openedAt.localeCompare(b.incident.openedAt);

/** Open incidents with a resolve form each (when the viewer may resolve); hosts by their names. */
export function IncidentTable(p: {
  rows: OpenIncident[];
  /** The names of a site's hosts. */
  names: (siteId: string) => HostNames;
  csrf: string;
  canResolve: boolean;
  now: Date;
  back: string;
  empty: string;
  testid: string;
}) {
  return (
    <Table
      testid={p.testid}
      head={["Incident", "Site / appliance", "Tier", "Opened", "Resolve"]}
      empty={p.empty}
      rows={p.rows.map(({ siteId, incident: i }) => {
        const names = p.names(siteId);
        return (
          <tr data-incident={i.id} data-check={i.checkId} data-host={i.host}>
            <td>
              <Badge
                status={i.severity === "critical" || i.severity === "high" ? "fail" : "warn"}
                label={i.severity}
              />{" "}
              <strong data-testid="incident-title">{problemTitle(i, hostLabel(i.host, names))}</strong>
              <div class="small">{nameAddresses(i.summary, names)}</div>
              <div class="muted small">
                {i.title}: <span class="mono">{i.checkId}</span> on <Host host={i.host} names={names} /> ·
                seen {i.occurrences}× · {i.citations.join(", ")}
              </div>
            </td>
            <td class="small">
              <a href={siteUrl(siteId)}>{siteId}</a>
              <div class="mono">{i.applianceId}</div>
            </td>
            <td>
              <Badge status={i.tier === "L3" ? "fail" : "warn"} label={i.tier} />
            </td>
            <td class="small">
              <When at={i.openedAt} now={p.now} />
            </td>
            <td>
              {p.canResolve ? (
                <form
                  method="post"
                  action={`${siteUrl(siteId)}/incidents/${encodeURIComponent(i.applianceId)}/${encodeURIComponent(i.id)}/resolve`}
                >
                  <Csrf token={p.csrf} />
                  <input type="hidden" name="back" value={p.back} />
                  <input name="resolution" required placeholder="what was done" aria-label="resolution" />{" "}
                  <button type="submit">Resolve</button>
                </form>
              ) : (
                <span class="muted small">msp-tech can resolve</span>
              )}
            </td>
          </tr>
        );
      })}
    />
  );
}

/** The L3 queue: open incidents that need a person, fleet-wide (within the token's scope). */
export function IncidentsPage(p: {
  web: WebVars;
  l3: OpenIncident[];
  other: OpenIncident[];
  names: (siteId: string) => HostNames;
  canResolve: boolean;
  now: Date;
  done?: string;
}) {
  return (
    <DashboardShell web={p.web} title="Incidents" current="/dashboard/incidents" done={p.done}>
      <h1>Incidents</h1>
      {[
        {
          title: `L3 queue — needs a person (${p.l3.length})`,
          testid: "l3-queue",
          rows: p.l3,
          empty: "Nothing waits for a person. Healing handled everything else.",
        },
        {
          title: `Other open incidents (${p.other.length})`,
          testid: "open-incidents",
          rows: p.other,
          empty: "No other incident is open.",
        },
      ].map((q) => (
        <>
          <h2>{q.title}</h2>
          <IncidentTable
            testid={q.testid}
            rows={q.rows}
            names={p.names}
            csrf={p.web.csrf}
            canResolve={p.canResolve}
            now={p.now}
            back="/dashboard/incidents"
            empty={q.empty}
          />
        </>
      ))}
    </DashboardShell>
  );
}
