import { ago, Badge, Empty, Stat, Table } from "../../../lib/ui/components.tsx";
import { Layout } from "../../../lib/ui/layout.tsx";
import type { Finding } from "../../../protocol/index.ts";
import { explainCheck, statusMeaning } from "./explain.ts";
import { assessHealth, type HealthLevel } from "./health.ts";
import type { StatusSnapshot } from "./snapshot.ts";

const levelBadge: Record<HealthLevel, string> = { ok: "ok", attention: "warn", problem: "fail" };
const statusOrder = { fail: 0, error: 1, warn: 2, pass: 3, unreachable: 4 } as const;

function duration(sec: number): string {
  if (sec < 3600) return `${Math.floor(sec / 60)} min`;
  if (sec < 86_400) return `${Math.floor(sec / 3600)} h`;
  return `${Math.floor(sec / 86_400)} d`;
}

function CheckRow(p: { f: Finding }) {
  const e = explainCheck(p.f);
  const m = statusMeaning(p.f.status, p.f.checkId);
  return (
    <tr data-check={p.f.checkId}>
      <td>
        <strong>{e.topic}</strong>
        <p class="explain">{e.why}</p>
      </td>
      <td class="mono nowrap">{p.f.host}</td>
      <td>
        <Badge status={p.f.status} label={m.label} />
        {p.f.status === "pass" ? null : <p class="explain">{m.advice}</p>}
      </td>
      <td>
        <details>
          <summary class="small">for your IT provider</summary>
          <div class="small">
            <div>
              check <span class="mono">{p.f.checkId}</span>: {p.f.title}
            </div>
            {p.f.expected ? <div>expected: {p.f.expected}</div> : null}
            {p.f.actual ? <div>found: {p.f.actual}</div> : null}
            <div>HIPAA: {p.f.citations.join(", ") || "—"}</div>
          </div>
        </details>
      </td>
    </tr>
  );
}

/** The appliance's read-only status page for clinic staff (served on the LAN by the local API). */
export function StatusPage(p: { s: StatusSnapshot; now: Date }) {
  const { s, now } = p;
  const h = assessHealth(s, now);
  const findings = [...s.findings].sort(
    (a, b) =>
      statusOrder[a.status] - statusOrder[b.status] ||
      a.host.localeCompare(b.host) ||
      a.checkId.localeCompare(b.checkId),
  );
  const counts = s.lastCycle?.summary;
  return (
    <Layout title={`Appliance ${s.hostname}`} audience="Appliance status" home="/" refreshSec={30}>
      <h1>
        Compliance appliance <span class="mono">{s.hostname}</span>
      </h1>
      <div class="card" data-testid="health">
        <Badge status={levelBadge[h.level]} label={h.headline} />
        {h.items.length === 0 ? (
          <p class="explain">All checks ran on schedule and the cloud has received the latest records.</p>
        ) : (
          <ul>
            {h.items.map((i) => (
              <li>{i.message}</li>
            ))}
          </ul>
        )}
      </div>
      <div class="grid">
        <Stat
          label="Last checks"
          value={s.lastCycle ? ago(new Date(s.lastCycle.at), now) : "not yet"}
          hint={
            counts
              ? `${counts.pass} ok · ${counts.warn} to look at · ${counts.fail} with a problem · ${counts.error} could not check`
              : `checks run every ${duration(s.checkIntervalSec)}`
          }
        />
        <Stat
          label="Last contact with cloud"
          value={s.lastSync ? ago(new Date(s.lastSync.at), now) : "never"}
          hint={
            s.lastSync
              ? s.lastSync.ok
                ? "connected"
                : "failed — records are kept and sent later"
              : undefined
          }
        />
        <Stat
          label="Records waiting to send"
          value={String(s.queue.depth)}
          hint={s.queue.depth > 0 ? `oldest ${duration(s.queue.oldestAgeSec)}` : "all sent"}
        />
        <Stat
          label="Evidence records kept"
          value={String(s.chain.seq)}
          hint={s.lastUpload ? `last sent ${ago(new Date(s.lastUpload.at), now)}` : undefined}
        />
      </div>
      {s.pendingClaim ? (
        <div class="card" data-testid="pending-claim">
          <Badge status="pending" label="Waiting for your IT provider" />
          <p class="explain">
            This appliance asked to be enrolled again (claim{" "}
            <span class="mono">{s.pendingClaim.claimId}</span> for{" "}
            <span class="mono">{s.pendingClaim.mac}</span>, since {ago(new Date(s.pendingClaim.since), now)}
            ). Your IT provider approves it only if the key fingerprint they see matches this one:
          </p>
          <p class="mono" data-testid="pending-fingerprint">
            {s.pendingClaim.fingerprint}
          </p>
        </div>
      ) : null}
      <h2>Checks</h2>
      {s.findings.length === 0 ? (
        <Empty>No checks have finished yet. This page refreshes by itself.</Empty>
      ) : (
        <Table
          testid="checks"
          head={["What is checked", "Computer", "Status", "Details"]}
          rows={findings.map((f) => <CheckRow f={f} />)}
          empty="No checks yet."
        />
      )}
      <p class="muted small">
        Site <span class="mono">{s.siteId}</span> · appliance <span class="mono">{s.applianceId}</span> ·
        {s.identity ? (
          <>
            {" "}
            key fingerprint{" "}
            <span class="mono" data-testid="fingerprint">
              {s.identity.fingerprint}
            </span>{" "}
            ·
          </>
        ) : null}{" "}
        agent {s.agentVersion} · up {duration(s.uptimeSec)}
        {s.healing.dryRun ? " · fixes in dry-run mode" : ""} · this page is read-only and only reachable
        inside the clinic network.
      </p>
    </Layout>
  );
}
