import { ScoreChart } from "../../../../lib/ui/charts.tsx";
import { Badge, Notice, Score, Stat, When } from "../../../../lib/ui/components.tsx";
import type { DayScore, PageCompliance } from "../data/compliance.ts";
import type { WebVars } from "../env.ts";
import {
  ControlReport,
  groupOf,
  REPORT_GROUPS,
  ScoreFormula,
  statusCounts,
} from "../views/control-report.tsx";
import { type EvidenceData, EvidenceSections } from "../views/evidence-panels.tsx";
import { measuredOf } from "../views/measured.ts";
import { RecentlyFixed } from "../views/recently-fixed.tsx";
import { PortalShell, portalUrl } from "./shell.tsx";

interface SiteHead {
  id: string;
  name: string;
}

/** Day labels for the chart ("11-25"). */
export const chartPoints = (h: DayScore[]) => h.map((d) => ({ label: d.day.slice(5), y: d.score }));

/** The practice overview: score, trend, what needs attention, appliances and evidence at a glance. */
export function PortalOverview(p: {
  web: WebVars;
  site: SiteHead;
  c: PageCompliance;
  history: DayScore[];
  appliances: { id: string; name: string; lastCheckinAt: Date | null }[];
  bundles: number;
  now: Date;
}) {
  const counts = statusCounts(p.c.controls);
  const attention = p.c.controls.filter(
    (x) => x.status === "fail" || x.status === "warn" || x.status === "unknown",
  );
  const lastCheckin = p.appliances.reduce<Date | null>(
    (m, a) => (a.lastCheckinAt && (!m || a.lastCheckinAt > m) ? a.lastCheckinAt : m),
    null,
  );
  return (
    <PortalShell web={p.web} siteId={p.site.id} title={p.site.name} current={portalUrl(p.site.id)}>
      <h1>{p.site.name}</h1>
      <div class="grid">
        <div class="stat">
          <div class="label">Compliance score</div>
          <Score score={p.c.score} assessed={p.c.assessed} measured={measuredOf(p.c)} />
        </div>
        <Stat
          label="Controls"
          value={`${counts.pass} / ${p.c.assessed}`}
          hint={`${counts.pass} pass · ${counts.warn} warn · ${counts.fail} fail · ${counts.unknown} unknown`}
        />
        <Stat
          label="Appliances"
          value={String(p.appliances.length)}
          hint={
            <>
              last check-in <When at={lastCheckin} now={p.now} />
            </>
          }
        />
        <Stat
          label="Evidence bundles"
          value={p.bundles.toLocaleString("en-US")}
          hint={<a href={portalUrl(p.site.id, "/evidence")}>verify the chain</a>}
        />
      </div>
      <RecentlyFixed fixed={p.c.fixed} names={p.c.hostNames} url={(r) => portalUrl(p.site.id, r)} />
      <div class="card">
        <h2 style="margin-top:0">Score over the last {p.history.length} days</h2>
        <ScoreChart title="Compliance score" points={chartPoints(p.history)} />
      </div>
      <h2>Needs attention</h2>
      {p.c.assessed === 0 ? (
        <Notice kind="info">
          No check results yet: the score appears after the appliance's first round of checks.
        </Notice>
      ) : attention.length === 0 ? (
        <Notice kind="ok">Every assessed control passes.</Notice>
      ) : (
        <ul data-testid="attention">
          {attention.map((x) => (
            <li>
              <Badge status={x.status} /> {x.control.title}{" "}
              <span class="muted small">{x.control.citation}</span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href={portalUrl(p.site.id, "/report")}>See the full report per HIPAA control →</a>
      </p>
      {p.c.asOf ? (
        <p class="muted small">
          Computed from the latest signed check results, as of <When at={p.c.asOf} />.
        </p>
      ) : null}
    </PortalShell>
  );
}

/** The compliance report per HIPAA control, with the evidence behind each status. */
export function PortalReport(p: { web: WebVars; site: SiteHead; c: PageCompliance; programInUse: boolean }) {
  const href = (a: string, seq: number) =>
    portalUrl(p.site.id, `/evidence/bundle/${encodeURIComponent(a)}/${seq}`);
  return (
    <PortalShell
      web={p.web}
      siteId={p.site.id}
      title="Compliance report"
      current={portalUrl(p.site.id, "/report")}
    >
      <h1>Compliance report — {p.site.name}</h1>
      <div class="grid">
        <div class="stat">
          <div class="label">Score</div>
          <Score score={p.c.score} assessed={p.c.assessed} measured={measuredOf(p.c)} />
        </div>
      </div>
      <p class="muted">
        Each HIPAA Security Rule control takes the worst status of its sources: the latest checks that support
        it and the compliance program's artefacts (risk assessment, policies, acknowledgements, BAAs,
        training).
      </p>
      <ScoreFormula c={p.c} programInUse={p.programInUse} />
      {REPORT_GROUPS.map(([g, title]) => {
        const n = p.c.controls.filter((x) => groupOf(x.status) === g).length;
        return (
          <section data-testid={`report-${g}`}>
            <h2>
              {title} ({n})
            </h2>
            {n === 0 ? (
              <p class="muted small">None.</p>
            ) : (
              <ControlReport c={p.c} bundleHref={href} group={g} />
            )}
          </section>
        );
      })}
    </PortalShell>
  );
}

/** The evidence verification page: chain status, public keys, bundles, download, instructions. */
export function PortalEvidence(p: { web: WebVars; site: SiteHead; d: EvidenceData }) {
  const u = (r: string) => portalUrl(p.site.id, r);
  return (
    <PortalShell web={p.web} siteId={p.site.id} title="Evidence" current={u("/evidence")}>
      <h1>Evidence — {p.site.name}</h1>
      <p class="muted">
        Every check result and every fix is recorded in a signed, hash-chained evidence bundle by the
        appliance and stored unchangeable. Verify it here, or download it and verify it yourself.
      </p>
      <EvidenceSections d={p.d} u={u} />
    </PortalShell>
  );
}
