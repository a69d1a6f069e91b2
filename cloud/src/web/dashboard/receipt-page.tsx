import type { EvidenceBundle } from "../../../../protocol/evidence.ts";
import type { RemediationReceipt } from "../../../../protocol/receipt.ts";
import type { WebVars } from "../env.ts";
import { ReceiptDetail } from "../views/receipt-detail.tsx";
import { DashboardShell, siteUrl } from "./shell.tsx";

/** One healing receipt for the MSP, in plain words with the raw record below. */
export function DashboardReceipt(p: {
  web: WebVars;
  site: { id: string; name: string };
  r: RemediationReceipt;
  bundle: EvidenceBundle;
}) {
  const u = (r: string) => siteUrl(p.site.id, r);
  const ref = `${p.bundle.applianceId}/${p.bundle.seq}`;
  return (
    <DashboardShell web={p.web} title={`Fix on ${p.r.host} — ${p.site.name}`} current="/dashboard">
      <p class="small">
        <a href="/dashboard">Sites</a> / <a href={u("")}>{p.site.id}</a> / receipt
      </p>
      <h1>
        Fix on <span class="mono">{p.r.host}</span>
      </h1>
      <ReceiptDetail
        r={p.r}
        bundleHref={u(`/evidence/bundle/${ref}`)}
        bundleLabel={`${p.bundle.applianceId}#${p.bundle.seq}`}
      />
    </DashboardShell>
  );
}
