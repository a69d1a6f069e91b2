import type { Child } from "hono/jsx";
import { Notice } from "../../../../lib/ui/components.tsx";
import { Layout } from "../../../../lib/ui/layout.tsx";
import { APP_JS_PATH } from "../assets.ts";
import type { WebVars } from "../env.ts";

/** Dashboard URL of a site page. */
export const siteUrl = (siteId: string, rest = "") => `/dashboard/sites/${encodeURIComponent(siteId)}${rest}`;

/** Sections of the dashboard, in nav order. */
export const DASHBOARD_NAV = [
  { href: "/dashboard", label: "Sites" },
  { href: "/dashboard/incidents", label: "Incidents" },
  { href: "/dashboard/approvals", label: "Approvals" },
  { href: "/dashboard/learning", label: "Learning" },
  { href: "/dashboard/provisioning", label: "Provisioning" },
  { href: "/dashboard/regulatory", label: "Regulatory" },
  { href: "/dashboard/alerts", label: "Alerts" },
  { href: "/dashboard/audit", label: "Audit log" },
];

/** Messages shown after an action redirects back (`?done=<code>`); codes keep free text out of URLs. */
export const DONE: Record<string, string> = {
  "order-created": "Order created.",
  "broadcast-created": "Order sent to every appliance of the site.",
  "update-ordered": "Agent update ordered.",
  "stale-cleared": "Stale appliances cleared.",
  "appliance-deleted": "Appliance deleted; its keys no longer work and its evidence is kept.",
  "order-approved": "Order approved and signed.",
  "order-rejected": "Order rejected.",
  provisioned: "MAC registered.",
  "provision-deleted": "Provisioning record removed.",
  "claim-approved": "Claim approved: the appliance enrols at its next attempt.",
  "claim-rejected": "Claim rejected: its key will not be enrolled.",
  "portal-user-added": "Portal user added. They sign in with a link sent to their address.",
  "portal-user-disabled": "Portal user disabled; their sessions ended.",
  "incident-resolved": "Incident resolved.",
  "alert-acknowledged": "Alert acknowledged: it will not escalate.",
  "alert-resolved": "Alert resolved.",
  "candidate-approved": "Approved: the new L1 rule is signed and reaches every appliance at its next sync.",
  "candidate-rejected": "Candidate rejected.",
  "target-created": "Target added; its credential is sealed and reaches the appliances at their next sync.",
  "credential-rotated": "Credential rotated; the appliances replace the old one at their next sync.",
  "target-deleted": "Target removed.",
};

/** The dashboard's page shell. */
export function DashboardShell(p: {
  web: WebVars;
  title: string;
  current: string;
  done?: string;
  /** Reload the page this often (lists people keep open). */
  refreshSec?: number;
  children: Child;
}) {
  const done = p.done ? DONE[p.done] : undefined;
  return (
    <Layout
      title={p.title}
      audience="MSP dashboard"
      home="/dashboard"
      current={p.current}
      nav={DASHBOARD_NAV}
      who={{ name: p.web.user.name, logoutAction: "/dashboard/logout", csrf: p.web.csrf }}
      scripts={[APP_JS_PATH]}
      {...(p.refreshSec ? { refreshSec: p.refreshSec } : {})}
    >
      {done ? <Notice kind="ok">{done}</Notice> : null}
      {p.children}
    </Layout>
  );
}
