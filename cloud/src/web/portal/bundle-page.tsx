import { Badge, Table, When } from "../../../../lib/ui/components.tsx";
import type { EvidenceBundle } from "../../../../protocol/evidence.ts";
import type { HostNames } from "../data/host-names.ts";
import type { WebVars } from "../env.ts";
import { Host } from "../views/host.tsx";
import { PortalShell, portalUrl } from "./shell.tsx";

/** One bundle: what it recorded, and its exact signed JSON. */
export function BundleDetail(p: {
  web: WebVars;
  siteId: string;
  b: EvidenceBundle;
  hash: string;
  raw: string;
  names: HostNames;
}) {
  const { b } = p;
  return (
    <PortalShell
      web={p.web}
      siteId={p.siteId}
      title={`Bundle ${b.applianceId}#${b.seq}`}
      current={portalUrl(p.siteId, "/evidence")}
    >
      <h1>
        Bundle{" "}
        <span class="mono">
          {b.applianceId}#{b.seq}
        </span>
      </h1>
      <div class="card small">
        <div>
          {b.kind} · created <When at={b.createdAt} /> · key <span class="mono">{b.keyId}</span>
        </div>
        <div>
          SHA-256 <span class="mono">{p.hash}</span>
        </div>
        <div>
          previous <span class="mono">{b.prevHash}</span>
        </div>
      </div>
      <h2>Findings ({b.findings.length})</h2>
      <Table
        head={["Status", "Check", "Host", "Expected / found", "HIPAA"]}
        empty="This bundle records no check results."
        rows={b.findings.map((f) => (
          <tr>
            <td>
              <Badge status={f.status} />
            </td>
            <td>
              <span class="mono">{f.checkId}</span>
              <div class="small">{f.title}</div>
            </td>
            <td>
              <Host host={f.host} names={p.names} />
            </td>
            <td class="small">
              {f.expected ?? "—"} / {f.actual ?? "—"}
            </td>
            <td class="small">{f.citations.join(", ")}</td>
          </tr>
        ))}
      />
      {b.receipts.length > 0 ? (
        <>
          <h2>Healing receipts ({b.receipts.length})</h2>
          <Table
            head={["Outcome", "Runbook", "Host", "Decided by", "Verify"]}
            empty=""
            rows={b.receipts.map((r) => (
              <tr>
                <td>
                  <Badge status={r.outcome} />
                </td>
                <td class="mono">{r.runbookId}</td>
                <td>
                  <Host host={r.host} names={p.names} />
                </td>
                <td>{r.decidedBy.tier}</td>
                <td>{r.verify}</td>
              </tr>
            ))}
          />
        </>
      ) : null}
      <details>
        <summary>Signed JSON (exactly as stored)</summary>
        <pre>{p.raw}</pre>
      </details>
      <p>
        <a href={portalUrl(p.siteId, "/evidence")}>← all evidence</a>
      </p>
    </PortalShell>
  );
}
