import { ActionButton, Badge, Table, When } from "../../../../lib/ui/components.tsx";
import type { AlertView } from "../../alerts/history.ts";
import type { WebVars } from "../env.ts";
import { DashboardShell } from "./shell.tsx";

const SEVERITY_CLASS: Record<AlertView["severity"], string> = {
  critical: "fail",
  error: "fail",
  warning: "warn",
  info: "none",
};

function state(a: AlertView): string {
  if (a.resolvedAt) return "resolved";
  if (a.escalatedAt) return "escalated";
  if (a.acknowledgedAt) return "acknowledged";
  return "open";
}

/** The alert history: what the cloud raised, who was told, who acknowledged it. */
export function AlertsPage(p: {
  web: WebVars;
  alerts: AlertView[];
  canDecide: boolean;
  done?: string;
  now: Date;
}) {
  return (
    <DashboardShell web={p.web} title="Alerts" current="/dashboard/alerts" done={p.done}>
      <h1>Alerts</h1>
      <p class="muted small">
        Raised by the cloud itself (silent appliances, chain problems, failed orders, a stalled outbox, new
        regulatory documents). One condition is one alert; unacknowledged alerts escalate after their SLA.
      </p>
      <Table
        testid="alerts"
        head={["Opened", "Alert", "State", "Delivered"]}
        empty="No alert has been raised."
        rows={p.alerts.map((a) => (
          <tr data-alert={a.id}>
            <td class="small">
              <When at={a.openedAt} now={p.now} />
            </td>
            <td>
              <Badge status={SEVERITY_CLASS[a.severity]} label={a.severity} /> {a.summary}
              <div class="small muted">
                {a.kind}
                {a.siteId ? ` · ${a.siteId}` : " · fleet-wide"}
                {a.occurrences > 1 ? ` · seen ${a.occurrences}×` : ""}
              </div>
            </td>
            <td class="small">
              {state(a)}
              {a.acknowledgedBy ? <div class="muted">by {a.acknowledgedBy}</div> : null}
              {p.canDecide && !a.resolvedAt ? (
                <>
                  {a.acknowledgedAt ? null : (
                    <ActionButton
                      action={`/dashboard/alerts/${a.id}/ack`}
                      csrf={p.web.csrf}
                      label="Acknowledge"
                    />
                  )}{" "}
                  <ActionButton
                    action={`/dashboard/alerts/${a.id}/resolve`}
                    csrf={p.web.csrf}
                    label="Resolve"
                    variant="secondary"
                  />
                </>
              ) : null}
            </td>
            <td class="small">
              {a.deliveries.length === 0
                ? "no channel configured"
                : a.deliveries.map((d) => (
                    <div title={d.lastError ?? undefined}>
                      {d.channel} {d.event}: {d.state}
                    </div>
                  ))}
            </td>
          </tr>
        ))}
      />
    </DashboardShell>
  );
}
