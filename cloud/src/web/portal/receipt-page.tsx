import type { EvidenceBundle } from "../../../../protocol/evidence.ts";
import type { RemediationReceipt } from "../../../../protocol/receipt.ts";
import type { HostNames } from "../data/host-names.ts";
import type { WebVars } from "../env.ts";
import { hostLabel } from "../views/host.tsx";
import { ReceiptDetail } from "../views/receipt-detail.tsx";
import { PortalShell, portalUrl } from "./shell.tsx";

/** One healing receipt for the clinic: what was wrong, who fixed it, what it is now. */
export function PortalReceipt(p: {
  web: WebVars;
  siteId: string;
  r: RemediationReceipt;
  bundle: EvidenceBundle;
  names: HostNames;
}) {
  const u = (r: string) => portalUrl(p.siteId, r);
  const host = hostLabel(p.r.host, p.names);
  return (
    <PortalShell web={p.web} siteId={p.siteId} title={`Fix on ${host}`} current={u("")}>
      <p class="small">
        <a href={u("")}>Overview</a> / receipt
      </p>
      <ReceiptDetail r={p.r} names={p.names} bundle={p.bundle} url={u} />
    </PortalShell>
  );
}
