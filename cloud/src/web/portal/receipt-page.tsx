import type { EvidenceBundle } from "../../../../protocol/evidence.ts";
import type { RemediationReceipt } from "../../../../protocol/receipt.ts";
import type { WebVars } from "../env.ts";
import { ReceiptDetail } from "../views/receipt-detail.tsx";
import { PortalShell, portalUrl } from "./shell.tsx";

/** One healing receipt for the clinic: what was wrong, who fixed it, what it is now. */
export function PortalReceipt(p: {
  web: WebVars;
  siteId: string;
  r: RemediationReceipt;
  bundle: EvidenceBundle;
}) {
  const u = (r: string) => portalUrl(p.siteId, r);
  const ref = `${p.bundle.applianceId}/${p.bundle.seq}`;
  return (
    <PortalShell web={p.web} siteId={p.siteId} title={`Fix on ${p.r.host}`} current={u("")}>
      <p class="small">
        <a href={u("")}>Overview</a> / receipt
      </p>
      <h1>
        Fix on <span class="mono">{p.r.host}</span>
      </h1>
      <ReceiptDetail
        r={p.r}
        bundleHref={u(`/evidence/bundle/${ref}`)}
        bundleLabel={`${p.bundle.applianceId}#${p.bundle.seq}`}
      />
    </PortalShell>
  );
}
