import { ActionButton, Badge, Table, When } from "../../../../lib/ui/components.tsx";
import type { OrderView } from "../../orders/schemas.ts";
import type { WebVars } from "../env.ts";
import { DashboardShell, siteUrl } from "./shell.tsx";

/** An order held for approval, with its site's name. */
export interface HeldOrder {
  siteName: string;
  order: OrderView;
}

/** Approve and reject buttons for a held order; `from` names the page to come back to. */
export function DecideButtons(p: { order: OrderView; csrf: string; from: "site" | "approvals" }) {
  const fields = { siteId: p.order.siteId, from: p.from };
  return (
    <div class="actions">
      <ActionButton
        action={`/dashboard/orders/${encodeURIComponent(p.order.id)}/approve`}
        csrf={p.csrf}
        label="Approve"
        fields={fields}
      />
      <ActionButton
        action={`/dashboard/orders/${encodeURIComponent(p.order.id)}/reject`}
        csrf={p.csrf}
        label="Reject"
        variant="danger"
        fields={fields}
      />
    </div>
  );
}

/** What an order asks for, in one cell: type, parameters, reason. */
export function OrderWhat(p: { o: OrderView }) {
  return (
    <>
      {p.o.type}
      {Object.keys(p.o.params).length > 0 ? <div class="mono small">{JSON.stringify(p.o.params)}</div> : null}
      {p.o.reason ? <div class="muted small">{p.o.reason}</div> : null}
    </>
  );
}

/**
 * Held orders with approve / reject for an msp-admin. `from` is the page they are listed on: the
 * cross-site queue adds a site column; a site page lists its own.
 */
export function HeldOrdersTable(p: {
  held: HeldOrder[];
  from: "site" | "approvals";
  canDecide: boolean;
  csrf: string;
  now: Date;
  testid: string;
}) {
  const cross = p.from === "approvals";
  return (
    <Table
      testid={p.testid}
      head={[...(cross ? ["Site"] : []), "Order", "Appliance", "Asked by", "Waiting since", ""]}
      empty="No order is waiting for approval."
      rows={p.held.map(({ siteName, order: o }) => (
        <tr data-order={o.id}>
          {cross ? (
            <td>
              <a href={siteUrl(o.siteId)}>{siteName}</a>
            </td>
          ) : null}
          <td>
            <OrderWhat o={o} />
          </td>
          <td class="mono small">{o.applianceId}</td>
          <td class="small">{o.issuedBy}</td>
          <td class="small">
            <When at={o.createdAt} now={p.now} />
          </td>
          <td>
            {p.canDecide ? (
              <DecideButtons order={o} csrf={p.csrf} from={p.from} />
            ) : (
              <Badge status="pending-approval" label="needs an msp-admin" />
            )}
          </td>
        </tr>
      ))}
    />
  );
}

/** One queue of the orders awaiting approval across every site the viewer sees, oldest first. */
export function ApprovalsPage(p: {
  web: WebVars;
  held: HeldOrder[];
  canDecide: boolean;
  now: Date;
  done?: string;
}) {
  return (
    <DashboardShell
      web={p.web}
      title="Orders awaiting approval"
      current="/dashboard/approvals"
      done={p.done}
      refreshSec={60}
    >
      <h1>Orders awaiting approval ({p.held.length})</h1>
      <p class="muted">
        Orders held for an msp-admin's approval, from every site, the longest waiting first. Nothing runs
        until one is approved and signed.
      </p>
      <HeldOrdersTable
        testid="approvals"
        held={p.held}
        from="approvals"
        canDecide={p.canDecide}
        csrf={p.web.csrf}
        now={p.now}
      />
    </DashboardShell>
  );
}
