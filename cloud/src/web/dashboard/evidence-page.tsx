import type { WebVars } from "../env.ts";
import { type EvidenceData, EvidenceSections } from "../views/evidence-panels.tsx";
import { DashboardShell, siteUrl } from "./shell.tsx";

/** Evidence chain status of one site, for the MSP. */
export function DashboardEvidence(p: { web: WebVars; site: { id: string; name: string }; d: EvidenceData }) {
  const u = (r: string) => siteUrl(p.site.id, r);
  return (
    <DashboardShell web={p.web} title={`Evidence — ${p.site.name}`} current="/dashboard">
      <p class="small">
        <a href="/dashboard">Sites</a> / <a href={u("")}>{p.site.id}</a> / evidence
      </p>
      <h1>Evidence chain — {p.site.name}</h1>
      <EvidenceSections d={p.d} u={u} />
    </DashboardShell>
  );
}
