import { ActionButton, Csrf, Table, When } from "../../../../lib/ui/components.tsx";
import type { SiteView } from "../../sites/schemas.ts";
import type { DeviceView, TargetList } from "../../targets/schemas.ts";
import type { WebVars } from "../env.ts";
import { DashboardShell, siteUrl } from "./shell.tsx";

/** The form that makes a host a target, its credential entered once and sealed at once. */
function TargetForm(p: { web: WebVars; siteId: string; host: string }) {
  return (
    <form
      method="post"
      action={`${siteUrl(p.siteId)}/targets`}
      class="card"
      id="new-target"
      data-testid="target-form"
      autocomplete="off"
    >
      <Csrf token={p.web.csrf} />
      <h2>Add a target</h2>
      <p class="muted small">
        The password or key is sealed at once to each appliance of the site (HPKE, X25519); the cloud keeps
        only that ciphertext and cannot read it back.
      </p>
      <div class="actions">
        <div>
          <label for="t-kind">Kind</label>
          <select id="t-kind" name="kind">
            <option value="windows">Windows (WinRM)</option>
            <option value="ssh">Linux / macOS (SSH)</option>
          </select>
        </div>
        <div>
          <label for="t-host">Host</label>
          <input id="t-host" name="host" required value={p.host} class="mono" />
        </div>
        <div>
          <label for="t-port">Port (optional)</label>
          <input id="t-port" name="port" inputmode="numeric" class="mono" />
        </div>
        <div>
          <label for="t-transport">WinRM transport</label>
          <select id="t-transport" name="transport">
            <option value="http-ntlm">HTTP + NTLM (5985)</option>
            <option value="https-basic">HTTPS + Basic (5986)</option>
          </select>
        </div>
        <div>
          <label for="t-os">System (SSH)</label>
          <select id="t-os" name="os">
            <option value="linux">Linux</option>
            <option value="macos">macOS</option>
          </select>
        </div>
        <div>
          <label for="t-domain">Domain (Windows)</label>
          <input id="t-domain" name="domain" />
        </div>
        <div>
          <label for="t-user">User name</label>
          <input id="t-user" name="username" required />
        </div>
        <div>
          <label for="t-password">Password (Windows)</label>
          <input id="t-password" name="password" type="password" autocomplete="new-password" />
        </div>
      </div>
      <label for="t-key">SSH private key (OpenSSH format)</label>
      <textarea id="t-key" name="privateKey" rows={4} class="mono" />
      <button type="submit">Add target</button>
    </form>
  );
}

function DeviceRow(p: { d: DeviceView; site: string; now: Date }) {
  const d = p.d;
  const host = d.names[0] ?? d.addresses[0] ?? "";
  return (
    <tr data-device={d.key}>
      <td class="mono">{d.mac ?? "—"}</td>
      <td>{d.names.join(", ") || "—"}</td>
      <td class="mono">{d.addresses.join(", ") || "—"}</td>
      <td>{d.osGuess ?? "—"}</td>
      <td class="small">
        {d.sources.join(", ")}
        {d.openPorts.length ? <div class="mono">ports {d.openPorts.join(", ")}</div> : null}
      </td>
      <td class="small">
        <When at={d.firstSeenAt} now={p.now} />
        <div class="muted">
          last <When at={d.lastSeenAt} now={p.now} />
        </div>
      </td>
      <td>
        {d.targetId ? (
          <span class="mono small">{d.targetId}</span>
        ) : (
          <a href={`${siteUrl(p.site)}/devices?host=${encodeURIComponent(host)}#new-target`}>Make target</a>
        )}
      </td>
    </tr>
  );
}

/** Devices discovered at a site (unmanaged first) and the site's targets with their credentials' state. */
export function DevicesPage(p: {
  web: WebVars;
  site: SiteView;
  devices: DeviceView[];
  targets: TargetList;
  canWrite: boolean;
  host: string;
  now: Date;
  done?: string;
}) {
  const u = (s: string) => `${siteUrl(p.site.id)}${s}`;
  const unmanaged = p.devices.filter((d) => d.targetId === null);
  const managed = p.devices.filter((d) => d.targetId !== null);
  return (
    <DashboardShell web={p.web} title={`${p.site.name}: devices`} current="/dashboard" done={p.done}>
      <p>
        <a href={siteUrl(p.site.id)}>← {p.site.name}</a>
      </p>
      <h1>Devices and targets</h1>
      <h2>Unmanaged devices ({unmanaged.length})</h2>
      <Table
        testid="unmanaged-devices"
        head={["MAC", "Names", "Addresses", "OS", "Seen by", "First / last seen", ""]}
        rows={unmanaged.map((d) => <DeviceRow d={d} site={p.site.id} now={p.now} />)}
        empty="Discovery has found nothing that is not a target yet."
      />
      <h2>Targets (version {p.targets.version})</h2>
      <Table
        testid="targets"
        head={["Host", "Kind", "User", "Credential", ""]}
        rows={p.targets.targets.map((t) => (
          <tr data-target={t.id}>
            <td class="mono">{t.spec.host}</td>
            <td>{t.spec.kind}</td>
            <td>
              {t.spec.kind === "windows" && t.spec.domain ? `${t.spec.domain}\\` : ""}
              {t.spec.username}
            </td>
            <td class="small">
              v{t.credentialVersion}, sealed for {t.sealedFor.join(", ") || "no appliance"}
              {t.missingFor.length ? (
                <div class="fail">not for {t.missingFor.join(", ")}: enter it again</div>
              ) : null}
            </td>
            <td>
              {p.canWrite ? (
                <>
                  <form
                    method="post"
                    action={u(`/targets/${encodeURIComponent(t.id)}/credential`)}
                    class="inline"
                  >
                    <Csrf token={p.web.csrf} />
                    {t.spec.kind === "windows" ? (
                      <input
                        name="password"
                        type="password"
                        required
                        autocomplete="new-password"
                        aria-label="New password"
                      />
                    ) : (
                      <textarea name="privateKey" rows={2} required aria-label="New private key" />
                    )}
                    <button type="submit">Rotate</button>
                  </form>
                  <ActionButton
                    action={u(`/targets/${encodeURIComponent(t.id)}/delete`)}
                    csrf={p.web.csrf}
                    label="Remove"
                    variant="danger"
                    confirm={`Remove target ${t.spec.host}?`}
                  />
                </>
              ) : null}
            </td>
          </tr>
        ))}
        empty="No target entered in the cloud yet (hosts in the appliance's config file still work)."
      />
      {p.canWrite ? <TargetForm web={p.web} siteId={p.site.id} host={p.host} /> : null}
      {managed.length ? (
        <>
          <h2>Managed devices ({managed.length})</h2>
          <Table
            head={["MAC", "Names", "Addresses", "OS", "Seen by", "First / last seen", "Target"]}
            rows={managed.map((d) => <DeviceRow d={d} site={p.site.id} now={p.now} />)}
            empty=""
          />
        </>
      ) : null}
    </DashboardShell>
  );
}
