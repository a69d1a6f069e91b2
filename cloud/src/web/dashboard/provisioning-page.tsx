import { ActionButton, Badge, Csrf, Table, When } from "../../../../lib/ui/components.tsx";
import type { provisions } from "../../db/schema/provisioning.ts";
import type { SiteView } from "../../sites/schemas.ts";
import type { WebVars } from "../env.ts";
import { DashboardShell, siteUrl } from "./shell.tsx";

/** Provisioning: register an appliance's MAC for a site before it first boots; see pending records. */
export function ProvisioningPage(p: {
  web: WebVars;
  sites: SiteView[];
  rows: (typeof provisions.$inferSelect)[];
  canWrite: boolean;
  now: Date;
  done?: string;
}) {
  return (
    <DashboardShell web={p.web} title="Provisioning" current="/dashboard/provisioning" done={p.done}>
      <h1>Provisioning</h1>
      <p class="muted">
        Register an appliance's MAC address for a site. At first boot the appliance looks itself up by MAC,
        receives a one-time enroll code, and enrolls with a fresh identity key.
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
              <td class="mono">{r.usedAt ? "used" : r.enrollCode}</td>
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
