import type { SiteVerification } from "../../evidence/verify-site.ts";
import type { BundleRow, ChainFigures } from "../data/evidence.ts";
import type { WebVars } from "../env.ts";
import { Badge, When } from "../ui/components.tsx";
import { BundleTable, ChainTable, KeyTable, VerificationNotice } from "../views/evidence-panels.tsx";
import { DashboardShell, siteUrl } from "./shell.tsx";

/** Evidence chain status of one site, for the MSP. */
export function DashboardEvidence(p: {
  web: WebVars;
  site: { id: string; name: string };
  chains: ChainFigures[];
  verification?: SiteVerification;
  keys: { keyId: string; applianceId: string; publicKey: string; createdAt: Date }[];
  alerts: { kind: string; applianceId: string; seq: number | null; message: string; createdAt: string }[];
  page: { rows: BundleRow[]; next?: string; first?: string };
  total: number;
}) {
  const u = (r: string) => siteUrl(p.site.id, r);
  return (
    <DashboardShell web={p.web} title={`Evidence — ${p.site.name}`} current="/dashboard">
      <p class="small">
        <a href="/dashboard">Sites</a> / <a href={u("")}>{p.site.id}</a> / evidence
      </p>
      <h1>Evidence chain — {p.site.name}</h1>
      {p.verification ? <VerificationNotice v={p.verification} /> : null}
      <div class="actions" style="margin-bottom:1rem">
        <form method="get" action={u("/evidence")}>
          <input type="hidden" name="verify" value="1" />
          <button type="submit" data-testid="verify">
            Verify the chain now
          </button>
        </form>
        <a class="button secondary" href={u("/evidence.jsonl")}>
          Download chain.jsonl
        </a>
        <a class="button secondary" href={u("/keys.txt")}>
          Download keys.txt
        </a>
      </div>
      <ChainTable chains={p.chains} verification={p.verification} />
      <h2>Chain alerts</h2>
      {p.alerts.length === 0 ? (
        <p class="muted">No gap, fork, broken link or bad signature was seen at upload.</p>
      ) : (
        <ul>
          {p.alerts.slice(0, 50).map((a) => (
            <li class="small">
              <Badge status="fail" label={a.kind} /> {a.applianceId}
              {a.seq !== null ? `#${a.seq}` : ""}: {a.message} · <When at={a.createdAt} />
            </li>
          ))}
        </ul>
      )}
      <h2>Public keys</h2>
      <KeyTable keys={p.keys} />
      <h2>Bundles</h2>
      <BundleTable
        rows={p.page.rows}
        next={p.page.next}
        first={p.page.first}
        total={p.total}
        href={(a, seq) => u(`/evidence/bundle/${encodeURIComponent(a)}/${seq}`)}
      />
    </DashboardShell>
  );
}
