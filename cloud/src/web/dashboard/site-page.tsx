import { ScoreChart, TierChart } from "../../../../lib/ui/charts.tsx";
import { ActionButton, Badge, Csrf, Score, Stat, Table, When } from "../../../../lib/ui/components.tsx";
import type { Role } from "../../actor.ts";
import type { ApplianceRow } from "../../db/schema/appliances.ts";
import type { PortalUserRow } from "../../db/schema/web.ts";
import type { OrderView } from "../../orders/schemas.ts";
import type { SiteView } from "../../sites/schemas.ts";
import type { DayScore, PageCompliance } from "../data/compliance.ts";
import { applianceHealth, healthBadge, type ReceiptRow } from "../data/fleet.ts";
import type { WebVars } from "../env.ts";
import { chartPoints } from "../portal/pages.tsx";
import { ControlReport, statusCounts } from "../views/control-report.tsx";
import { Host } from "../views/host.tsx";
import { measuredOf } from "../views/measured.ts";
import { RecentlyFixed } from "../views/recently-fixed.tsx";
import { DecideButtons, HeldOrdersTable, OrderWhat } from "./approvals-page.tsx";
import { IncidentTable, type OpenIncident } from "./incidents-page.tsx";
import { ORDER_TYPES_FOR_FORM } from "./order-form.ts";
import { DashboardShell, siteUrl } from "./shell.tsx";

/** Everything the site detail page shows. */
export interface SitePageData {
  site: SiteView;
  role: Role;
  compliance: PageCompliance;
  history: DayScore[];
  tiers: { label: string; counts: Record<"L1" | "L2" | "L3", number> }[];
  incidentTiers: { label: string; counts: Record<"L1" | "L2" | "L3", number> }[];
  openIncidents: OpenIncident[];
  appliances: ApplianceRow[];
  orders: OrderView[];
  receipts: ReceiptRow[];
  portalUsers: PortalUserRow[];
  bundles: number;
  alerts: number;
  staleAfterSec: number;
  now: Date;
}

const can = (role: Role, min: Role) =>
  ["msp-admin", "msp-tech", "read-only"].indexOf(role) <= ["msp-admin", "msp-tech", "read-only"].indexOf(min);

/** What the last check-in said about the queue and warnings (free-form JSON stored as sent). */
function checkinFacts(a: ApplianceRow): { queue: number | null; warnings: string[] } {
  const c = a.lastCheckin as { queue?: { depth?: number }; warnings?: { message?: string }[] } | null;
  return {
    queue: typeof c?.queue?.depth === "number" ? c.queue.depth : null,
    warnings: (c?.warnings ?? []).map((w) => String(w.message ?? "")).filter(Boolean),
  };
}

/** One thing on the site that waits for someone, with where on the page it is. */
interface ActionItem {
  text: string;
  href: string;
}

/** What needs someone's action at this site, most urgent first (the page leads with it). */
function needsAction(d: SitePageData, failingControls: number, held: number): ActionItem[] {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const u = (r: string) => siteUrl(d.site.id, r);
  const l3 = d.openIncidents.filter((x) => x.incident.tier === "L3").length;
  const silent = d.appliances.filter(
    (a) => applianceHealth(a.lastCheckinAt, d.now, d.staleAfterSec) !== "online",
  ).length;
  const items: [number, ActionItem][] = [
    [
      d.alerts,
      { text: plural(d.alerts, "evidence chain alert", "evidence chain alerts"), href: u("/evidence") },
    ],
    [
      l3,
      {
        text: plural(l3, "incident needs a person (L3)", "incidents need a person (L3)"),
        href: "#incidents",
      },
    ],
    [held, { text: plural(held, "order awaits approval", "orders await approval"), href: "#held" }],
    [
      silent,
      {
        text: plural(silent, "appliance is not checking in", "appliances are not checking in"),
        href: "#appliances",
      },
    ],
    [
      d.openIncidents.length - l3,
      {
        text: plural(d.openIncidents.length - l3, "other open incident", "other open incidents"),
        href: "#incidents",
      },
    ],
    [
      failingControls,
      { text: plural(failingControls, "control failing", "controls failing"), href: "#controls" },
    ],
  ];
  return items.filter(([n]) => n > 0).map(([, item]) => item);
}

/** The top of the site page: what needs action, or that nothing does. */
function NeedsAction(p: { items: ActionItem[] }) {
  return (
    <div class="card" data-testid="needs-action">
      <h2 style="margin-top:0">Needs action</h2>
      {p.items.length === 0 ? (
        <p class="muted" style="margin:0">
          Nothing needs action: no chain alert, open incident, held order or silent appliance.
        </p>
      ) : (
        <ul style="margin:0">
          {p.items.map((i) => (
            <li>
              <a href={i.href}>{i.text}</a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The site detail page of the dashboard. */
export function SitePage(p: { web: WebVars; d: SitePageData; done?: string }) {
  const { d, web } = p;
  const s = d.site;
  const u = (r: string) => siteUrl(s.id, r);
  const counts = statusCounts(d.compliance.controls);
  const tech = can(d.role, "msp-tech");
  const admin = can(d.role, "msp-admin");
  const held = d.orders.filter((o) => o.state === "pending-approval");
  return (
    <DashboardShell web={web} title={s.name} current="/dashboard" done={p.done}>
      <p class="small">
        <a href="/dashboard">Sites</a> / <span class="mono">{s.id}</span>
      </p>
      <h1>{s.name}</h1>
      <NeedsAction items={needsAction(d, (counts.fail ?? 0) + (counts.unknown ?? 0), held.length)} />
      <div class="grid">
        <div class="stat">
          <div class="label">Compliance score</div>
          <Score
            score={d.compliance.score}
            assessed={d.compliance.assessed}
            measured={measuredOf(d.compliance)}
          />
        </div>
        <Stat
          label="Controls"
          value={`${counts.pass} pass`}
          hint={`${counts.warn} warn · ${counts.fail} fail · ${counts.unknown} unknown`}
        />
        <Stat label="Appliances" value={String(d.appliances.length)} hint={`tier ${s.tier}`} />
        <Stat
          label="Evidence"
          value={d.bundles.toLocaleString("en-US")}
          hint={
            <>
              {d.alerts > 0 ? <Badge status="fail" label={`${d.alerts} chain alerts`} /> : "no chain alerts"}{" "}
              · <a href={u("/evidence")}>chain status</a> · <a href={u("/devices")}>devices and targets</a>
            </>
          }
        />
      </div>
      <RecentlyFixed fixed={d.compliance.fixed} names={d.compliance.hostNames} url={u} />
      <h2 id="incidents">Open incidents ({d.openIncidents.length})</h2>
      <IncidentTable
        testid="site-incidents"
        rows={d.openIncidents}
        names={() => d.compliance.hostNames}
        csrf={web.csrf}
        canResolve={tech}
        now={d.now}
        back={u("")}
        empty="No open incident."
      />

      {held.length > 0 ? (
        <>
          <h2 id="held">Orders awaiting approval ({held.length})</h2>
          <HeldOrdersTable
            testid="site-held-orders"
            held={held.map((order) => ({ siteName: s.name, order }))}
            from="site"
            canDecide={admin}
            csrf={web.csrf}
            now={d.now}
          />
        </>
      ) : null}
      <h2>Recent healing receipts</h2>
      <Table
        testid="receipts"
        head={["When", "Check", "Host", "Runbook", "Tier", "Outcome", "Verify"]}
        empty="No healing attempts recorded yet."
        rows={d.receipts.map((r) => (
          <tr>
            <td class="small">
              <a
                href={u(
                  `/receipts/${encodeURIComponent(r.applianceId)}/${r.seq}/${encodeURIComponent(r.id)}`,
                )}
              >
                <When at={r.at} now={d.now} />
              </a>
            </td>
            <td class="mono small">{r.checkId}</td>
            <td class="small">
              <Host host={r.host} names={d.compliance.hostNames} />
            </td>
            <td class="mono small">{r.runbookId}</td>
            <td>{r.tier}</td>
            <td>
              <Badge status={r.outcome} />
            </td>
            <td>{r.verify}</td>
          </tr>
        ))}
      />

      <h2 id="controls">Score per HIPAA control</h2>
      <ControlReport c={d.compliance} assessedOnly />

      <h2>Trends</h2>
      <div class="grid">
        <div class="card">
          <h3 style="margin-top:0">Score, last {d.history.length} days</h3>
          <ScoreChart title="Compliance score" points={chartPoints(d.history)} />
        </div>
        <div class="card">
          <h3 style="margin-top:0">Incidents by tier, last {d.incidentTiers.length} days</h3>
          <TierChart groups={d.incidentTiers} />
        </div>
        <div class="card">
          <h3 style="margin-top:0">Healing attempts by tier, last {d.tiers.length} days</h3>
          <TierChart groups={d.tiers} what="Healing attempts" />
        </div>
      </div>

      <h2 id="appliances">Appliances</h2>
      <Table
        testid="appliances"
        head={["Appliance", "Health", "Last check-in", "Agent", "Queue", "Chain", ""]}
        empty="No appliance is enrolled yet. Register its MAC under Provisioning; it enrolls itself at first boot."
        rows={d.appliances.map((a) => {
          const h = applianceHealth(a.lastCheckinAt, d.now, d.staleAfterSec);
          const f = checkinFacts(a);
          return (
            <tr data-appliance={a.id}>
              <td>
                <span class="mono">{a.id}</span>
                <div class="muted small">
                  {a.name}
                  {a.hostname ? ` · ${a.hostname}` : ""}
                  {a.mac ? ` · ${a.mac}` : ""}
                </div>
                {f.warnings.map((w) => (
                  <div class="small">
                    <Badge status="warn" label="warning" /> {w}
                  </div>
                ))}
              </td>
              <td>
                <Badge status={healthBadge[h]} label={h} />
              </td>
              <td class="small">
                <When at={a.lastCheckinAt} now={d.now} />
              </td>
              <td class="small">{a.agentVersion ?? "—"}</td>
              <td>{f.queue ?? "—"}</td>
              <td class="small">#{Number(a.chainSeq)}</td>
              <td>
                <div class="actions">
                  {tech ? (
                    <ActionButton
                      action={u("/orders")}
                      csrf={web.csrf}
                      label="Update agent"
                      variant="secondary"
                      fields={{
                        applianceId: a.id,
                        type: "update_agent",
                        params: "{}",
                        done: "update-ordered",
                      }}
                    />
                  ) : null}
                  {admin ? (
                    <ActionButton
                      action={u(`/appliances/${encodeURIComponent(a.id)}/delete`)}
                      csrf={web.csrf}
                      label="Delete"
                      variant="danger"
                      confirm={`Delete appliance ${a.id}? Its keys stop working; its evidence is kept.`}
                    />
                  ) : null}
                </div>
              </td>
            </tr>
          );
        })}
      />
      {tech ? (
        <div class="card no-print">
          <h3 style="margin-top:0">Send an order</h3>
          <p class="small">
            <a href={u("/runbook-order")} data-testid="runbook-order-link">
              Run a runbook
            </a>{" "}
            with a form built from its parameters, or send any order below.
          </p>
          <form method="post" action={u("/orders")} data-testid="order-form">
            <Csrf token={web.csrf} />
            <div class="actions">
              <div>
                <label for="o-app">Appliance</label>
                <select id="o-app" name="applianceId">
                  <option value="">every appliance (broadcast)</option>
                  {d.appliances.map((a) => (
                    <option value={a.id}>{a.id}</option>
                  ))}
                </select>
              </div>
              <div>
                <label for="o-type">Type</label>
                <select id="o-type" name="type">
                  {ORDER_TYPES_FOR_FORM.map((t) => (
                    <option value={t.type}>{t.label}</option>
                  ))}
                </select>
              </div>
              <div style="flex:1;min-width:14rem">
                <label for="o-params">Parameters (JSON)</label>
                <input id="o-params" name="params" value="{}" style="width:100%" class="mono" />
              </div>
              <div style="flex:1;min-width:12rem">
                <label for="o-reason">Reason</label>
                <input id="o-reason" name="reason" style="width:100%" />
              </div>
              <label style="display:flex;gap:.3rem;align-items:center">
                <input type="checkbox" name="requireApproval" value="1" /> hold for approval
              </label>
              <button type="submit">Create order</button>
            </div>
          </form>
          <div class="actions" style="margin-top:.8rem">
            <ActionButton
              action={u("/orders")}
              csrf={web.csrf}
              label="Update agent on all appliances"
              variant="secondary"
              fields={{ applianceId: "", type: "update_agent", params: "{}", done: "update-ordered" }}
            />
            <ActionButton
              action={u("/orders")}
              csrf={web.csrf}
              label="Broadcast: run all checks now"
              variant="secondary"
              fields={{ applianceId: "", type: "run_check", params: "{}", done: "broadcast-created" }}
            />
            {admin ? (
              <ActionButton
                action={u("/clear-stale")}
                csrf={web.csrf}
                label="Clear stale appliances"
                variant="danger"
                confirm={`Retire every appliance of ${s.id} silent for more than ${Math.round(d.staleAfterSec / 86400)} days?`}
              />
            ) : null}
          </div>
        </div>
      ) : null}

      <h2>Orders</h2>
      <Table
        testid="orders"
        head={["Order", "Appliance", "Type", "State", "Issued", "By", ""]}
        empty="No orders yet."
        rows={d.orders.map((o) => (
          <tr data-order={o.id}>
            <td class="mono small">{o.id}</td>
            <td class="mono small">{o.applianceId}</td>
            <td>
              <OrderWhat o={o} />
            </td>
            <td>
              <Badge status={o.state} />
              {o.completion?.error ? <div class="small">{o.completion.error}</div> : null}
            </td>
            <td class="small">
              <When at={o.createdAt} now={d.now} />
            </td>
            <td class="small">{o.issuedBy}</td>
            <td>
              {o.state === "pending-approval" && admin ? (
                <DecideButtons order={o} csrf={web.csrf} from="site" />
              ) : null}
            </td>
          </tr>
        ))}
      />

      <h2>Client portal users</h2>
      <Table
        testid="portal-users"
        head={["E-mail", "Name", "Since", ""]}
        empty="Nobody of this clinic can sign in to the portal yet."
        rows={d.portalUsers.map((pu) => (
          <tr>
            <td>{pu.email}</td>
            <td>{pu.name ?? "—"}</td>
            <td class="small">
              <When at={pu.createdAt} />
            </td>
            <td>
              {pu.disabledAt ? (
                <Badge status="none" label="disabled" />
              ) : tech ? (
                <ActionButton
                  action={u(`/portal-users/${encodeURIComponent(pu.id)}/disable`)}
                  csrf={web.csrf}
                  label="Disable"
                  variant="danger"
                  confirm={`Take portal access away from ${pu.email}?`}
                />
              ) : null}
            </td>
          </tr>
        ))}
      />
      {tech ? (
        <form method="post" action={u("/portal-users")} class="card no-print">
          <Csrf token={web.csrf} />
          <div class="actions">
            <div>
              <label for="pu-email">E-mail</label>
              <input id="pu-email" name="email" type="email" required />
            </div>
            <div>
              <label for="pu-name">Name</label>
              <input id="pu-name" name="name" />
            </div>
            <button type="submit">Add portal user</button>
          </div>
        </form>
      ) : null}
    </DashboardShell>
  );
}
