import type { EvidenceBundle } from "../../../../protocol/evidence.ts";
import type { RemediationReceipt } from "../../../../protocol/receipt.ts";
import type { HostNames } from "../data/host-names.ts";
import type { WebVars } from "../env.ts";
import { hostLabel } from "../views/host.tsx";
import { ReceiptDetail } from "../views/receipt-detail.tsx";
import { DashboardShell, siteUrl } from "./shell.tsx";

/** One healing receipt for the MSP, in plain words with the raw record below. */
export function DashboardReceipt(p: {
  web: WebVars;
  site: { id: string; name: string };
  r: RemediationReceipt;
  bundle: EvidenceBundle;
  names: HostNames;
}) {
  const u = (r: string) => siteUrl(p.site.id, r);
  const host = hostLabel(p.r.host, p.names);
  return (
    <DashboardShell web={p.web} title={`Fix on ${host} — ${p.site.name}`} current="/dashboard">
      <p class="small">
        <a href="/dashboard">Sites</a> / <a href={u("")}>{p.site.id}</a> / receipt
      </p>
      <ReceiptDetail r={p.r} names={p.names} bundle={p.bundle} url={u} />
    </DashboardShell>
  );
}
