import { ActionButton, Badge, Csrf, Table, When } from "../../../../lib/ui/components.tsx";
import type { ClaimView } from "../../../../protocol/provision.ts";
import type { provisions } from "../../db/schema/provisioning.ts";
import type { SiteView } from "../../sites/schemas.ts";
import type { WebVars } from "../env.ts";
import { DashboardShell, siteUrl } from "./shell.tsx";

const CLAIM_BADGE: Record<ClaimView["state"], string> = {
  pending: "pending",
  approved: "ok",
  enrolled: "ok",
  rejected: "fail",
  superseded: "expired",
};

/** One claim: who asked, from where, with which key; approve (typing the fingerprint) or reject. */
function ClaimRow(p: { c: ClaimView; web: WebVars; canWrite: boolean; now: Date }) {
  const c = p.c;
  const action = (verb: string) => `/dashboard/provisioning/claims/${encodeURIComponent(c.id)}/${verb}`;
  return (
    <tr data-claim={c.id} data-mac={c.mac}>
      <td class="mono">{c.mac}</td>
      <td>
        <a href={siteUrl(c.siteId)}>{c.siteId}</a>
      </td>
      <td class="mono" data-testid="fingerprint">
        {c.fingerprint}
      </td>
      <td>
        {c.hostname}
        <div class="muted small">
          from <span class="mono">{c.sourceAddress}</span>, agent {c.agentVersion}
        </div>
        {c.predecessor ? (
          <div class="small">
            carries evidence of {c.predecessor.applianceId} (site {c.predecessor.siteId}, up to #
            {c.predecessor.headSeq})
          </div>
        ) : null}
      </td>
      <td>
        <Badge status={CLAIM_BADGE[c.state]} label={c.state} />
        {c.applianceId ? <div class="mono small">{c.applianceId}</div> : null}
      </td>
      <td class="small">
        <When at={c.createdAt} now={p.now} />
        <div class="muted">
          last asked <When at={c.lastSeenAt} now={p.now} />
        </div>
      </td>
      <td>
        {p.canWrite && c.state === "pending" ? (
          <form class="inline" method="post" action={action("approve")}>
            <Csrf token={p.web.csrf} />
            <label for={`fp-${c.id}`} class="small">
              Fingerprint shown on the appliance
            </label>
            <input
              id={`fp-${c.id}`}
              name="fingerprint"
              required
              class="mono"
              placeholder="xxxx-xxxx-xxxx-xxxx"
              autocomplete="off"
            />
            <button type="submit">Approve</button>
          </form>
        ) : null}
        {p.canWrite && (c.state === "pending" || c.state === "approved") ? (
          <ActionButton
            action={action("reject")}
            csrf={p.web.csrf}
            label="Reject"
            variant="danger"
            confirm={`Reject the claim of key ${c.fingerprint} for ${c.mac}?`}
          />
        ) : null}
      </td>
    </tr>
  );
}

/** Provisioning: register an appliance's MAC for a site before it first boots; decide its claims. */
export function ProvisioningPage(p: {
  web: WebVars;
  sites: SiteView[];
  rows: (typeof provisions.$inferSelect)[];
  claims: ClaimView[];
  canWrite: boolean;
  now: Date;
  done?: string;
}) {
  return (
    <DashboardShell web={p.web} title="Provisioning" current="/dashboard/provisioning" done={p.done}>
      <h1>Provisioning</h1>
      <p class="muted">
        Register an appliance's MAC address for a site. At first boot the appliance claims its MAC with a
        fresh identity key and shows that key's fingerprint on its console; it enrolls once you approve the
        claim below whose fingerprint matches what the appliance shows. Claims from anyone else who knows the
        MAC wait here and get nothing. Alternatively, give the one-time enroll code to the technician on site
        (USB stick or <span class="mono">malachor provision enroll --code</span>).
      </p>
      {p.canWrite ? (
        <form method="post" action="/dashboard/provisioning" class="card" data-testid="provision-form">
          <Csrf token={p.web.csrf} />
          <div class="actions">
            <div>
              <label for="mac">MAC address</label>
              <input id="mac" name="mac" required placeholder="00:1a:2b:3c:4d:5e" class="mono" />
            </div>
            <div>
              <label for="site">Site</label>
              <select id="site" name="siteId">
                {p.sites.map((s) => (
                  <option value={s.id}>
                    {s.name} ({s.id})
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="name">Appliance name</label>
              <input id="name" name="applianceName" placeholder="front office" />
            </div>
            <button type="submit">Register MAC</button>
          </div>
        </form>
      ) : null}
      <h2>Claims</h2>
      {p.canWrite ? (
        <form
          method="post"
          action="/dashboard/provisioning/claims/approve"
          class="card"
          data-testid="approve-by-fingerprint"
        >
          <Csrf token={p.web.csrf} />
          <div class="actions">
            <div>
              <label for="claim-mac">MAC address</label>
              <input id="claim-mac" name="mac" required placeholder="00:1a:2b:3c:4d:5e" class="mono" />
            </div>
            <div>
              <label for="claim-fp">Key fingerprint shown on the appliance</label>
              <input
                id="claim-fp"
                name="fingerprint"
                required
                placeholder="xxxx-xxxx-xxxx-xxxx"
                class="mono"
                autocomplete="off"
              />
            </div>
            <button type="submit">Approve the matching claim</button>
          </div>
        </form>
      ) : null}
      <Table
        testid="claims"
        head={["MAC", "Site", "Key fingerprint", "Appliance", "State", "Claimed", ""]}
        empty="No appliance has claimed a registered MAC."
        rows={p.claims.map((c) => <ClaimRow c={c} web={p.web} canWrite={p.canWrite} now={p.now} />)}
      />
      <h2>Registered MACs</h2>
      <Table
        testid="provisions"
        head={["MAC", "Site", "Name", "Enroll code", "State", "Registered", ""]}
        empty="No MAC is registered."
        rows={p.rows.map((r) => {
          const state = r.usedAt ? "enrolled" : r.expiresAt <= p.now ? "expired" : "waiting";
          return (
            <tr data-mac={r.mac}>
              <td class="mono">{r.mac}</td>
              <td>
                <a href={siteUrl(r.siteId)}>{r.siteId}</a>
              </td>
              <td>{r.applianceName ?? "—"}</td>
              <td class="mono">{r.usedAt || !p.canWrite ? "—" : r.enrollCode}</td>
              <td>
                <Badge
                  status={state === "enrolled" ? "ok" : state === "expired" ? "expired" : "pending"}
                  label={state}
                />
                {r.applianceId ? <div class="mono small">{r.applianceId}</div> : null}
              </td>
              <td class="small">
                <When at={r.createdAt} now={p.now} />
              </td>
              <td>
                {p.canWrite && !r.usedAt ? (
                  <ActionButton
                    action={`/dashboard/provisioning/${encodeURIComponent(r.mac)}/delete`}
                    csrf={p.web.csrf}
                    label="Remove"
                    variant="danger"
                    confirm={`Remove the registration of ${r.mac}?`}
                  />
                ) : null}
              </td>
            </tr>
          );
        })}
      />
    </DashboardShell>
  );
}
