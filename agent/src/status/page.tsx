import { ago, Badge, Computer, Empty, LocalTime, Stat, Table } from "../../../lib/ui/components.tsx";
import { Layout } from "../../../lib/ui/layout.tsx";
import {
  type Finding,
  fixHolds,
  RECENT_FIX_HOURS,
  type RemediationReceipt,
  restateFixed,
} from "../../../protocol/index.ts";
import { explainCheck, statusMeaning } from "../../../runbooks/explain.ts";
import { assessHealth, type HealthLevel } from "./health.ts";
import type { StatusSnapshot } from "./snapshot.ts";

const levelBadge: Record<HealthLevel, string> = { ok: "ok", attention: "warn", problem: "fail" };
const statusOrder = { fail: 0, error: 1, warn: 2, pass: 3, unreachable: 4 } as const;

function duration(sec: number): string {
  if (sec < 3600) return `${Math.floor(sec / 60)} min`;
  if (sec < 86_400) return `${Math.floor(sec / 3600)} h`;
  return `${Math.floor(sec / 86_400)} d`;
}

/** One row per topic and computer: checks sharing a topic (two firewall checks) are not repeated. */
interface CheckGroup {
  topic: string;
  why: string;
  host: string;
  /** Worst first. */
  checks: Finding[];
}

function groupChecks(findings: Finding[]): CheckGroup[] {
  const groups = new Map<string, CheckGroup>();
  for (const f of findings) {
    const e = explainCheck(f);
    const k = `${e.topic}\u0000${f.host}`;
    const g = groups.get(k) ?? { topic: e.topic, why: e.why, host: f.host, checks: [] };
    g.checks.push(f);
    groups.set(k, g);
  }
  // Findings arrive sorted worst first, so each group's first check is its worst.
  return [...groups.values()];
}

/** Address → the name discovery found for it. */
type Names = Readonly<Record<string, string>>;

function CheckRow(p: { g: CheckGroup; fixes: Map<string, RemediationReceipt>; names: Names }) {
  const worst = p.g.checks[0]!;
  // The name discovery found, the address the checks used on hover (as lib/ui's Computer shows it).
  const name = p.names[p.g.host];
  const m = statusMeaning(worst.status, worst.checkId);
  const fix = p.g.checks.map((f) => p.fixes.get(`${f.checkId}\u0000${f.host}`)).find(Boolean);
  return (
    <tr data-check={worst.checkId}>
      <td>
        <strong>{p.g.topic}</strong>
        <p class="explain">{p.g.why}</p>
      </td>
      <td class="mono nowrap" {...(name ? { title: p.g.host, "data-host": p.g.host } : {})}>
        {name ?? p.g.host}
      </td>
      <td>
        <Badge status={worst.status} label={m.label} />
        {worst.status === "pass" ? (
          fix ? (
            <p class="explain" data-testid="fixed-note">
              Fixed automatically and checked again at <LocalTime at={fix.finishedAt} />.
            </p>
          ) : null
        ) : (
          <p class="explain">{m.advice}</p>
        )}
      </td>
      <td>
        <details>
          <summary class="small">for your IT provider</summary>
          {p.g.checks.map((f) => (
            <div class="small">
              <div>
                check <span class="mono">{f.checkId}</span> ({f.status}): {f.title}
              </div>
              {f.expected ? <div>expected: {f.expected}</div> : null}
              {f.actual ? <div>found: {f.actual}</div> : null}
              <div>HIPAA: {f.citations.join(", ") || "—"}</div>
            </div>
          ))}
        </details>
      </td>
    </tr>
  );
}

function RecentFixes(p: { fixes: RemediationReceipt[]; byKey: Map<string, Finding>; names: Names }) {
  if (p.fixes.length === 0) return null;
  return (
    <section data-testid="recently-fixed">
      <h2>Recently fixed</h2>
      <ul>
        {p.fixes.map((r) => {
          const f = p.byKey.get(`${r.checkId}\u0000${r.host}`);
          const topic = f ? explainCheck(f).topic : r.checkId;
          return (
            <li>
              <Badge status="pass" label="fixed · verified" /> <strong>{topic}</strong> on{" "}
              <Computer host={r.host} name={p.names[r.host]} />: it was{" "}
              {r.before.status === "fail" ? "failing" : r.before.status}
              {r.before.actual ? ` (${r.before.actual})` : ""} at <LocalTime at={r.before.at} />; fixed
              {r.decidedBy.tier === "L3" ? ` by ${r.decidedBy.person}` : " automatically"} and passing again
              at <LocalTime at={r.finishedAt} />.
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The appliance's read-only status page for clinic staff (served on the LAN by the local API). */
export function StatusPage(p: { s: StatusSnapshot; now: Date }) {
  const { s, now } = p;
  const fixes = s.recentFixes ?? [];
  // A verified fix after a check's last result restates it as passing until the next cycle confirms.
  const restated = restateFixed(s.findings, fixes);
  const fixedNow = new Map(
    restated.fixed.map((x) => [`${x.finding.checkId}\u0000${x.finding.host}`, x.receipt]),
  );
  // Health counts problems as the rows show them: a verified fix is not a problem any more.
  const h = assessHealth({ ...s, findings: restated.findings }, now);
  const byKey = new Map(s.findings.map((f) => [`${f.checkId}\u0000${f.host}`, f]));
  // Listed: the fixes restated above, and those of the last RECENT_FIX_HOURS that still hold.
  const since = now.getTime() - RECENT_FIX_HOURS * 3_600_000;
  const listed = fixes.filter(
    (r) =>
      restated.fixed.some((x) => x.receipt === r) ||
      (Date.parse(r.finishedAt) >= since && fixHolds(r, byKey.get(`${r.checkId}\u0000${r.host}`))),
  );
  const findings = restated.findings.sort(
    (a, b) =>
      statusOrder[a.status] - statusOrder[b.status] ||
      a.host.localeCompare(b.host) ||
      a.checkId.localeCompare(b.checkId),
  );
  const counts = s.lastCycle?.summary;
  const names = s.hostNames ?? {};
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
      <RecentFixes fixes={listed} byKey={byKey} names={names} />
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
          rows={groupChecks(findings).map((g) => <CheckRow g={g} fixes={fixedNow} names={names} />)}
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
