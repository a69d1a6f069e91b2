import { Badge, Notice, Table, When } from "../../../../lib/ui/components.tsx";
import type { RegulatoryFeedView } from "../../regulatory/schemas.ts";
import type { WebVars } from "../env.ts";
import { DashboardShell } from "./shell.tsx";

/** Federal Register documents that may change what HIPAA asks of the practices. */
export function RegulatoryPage(p: { web: WebVars; feed: RegulatoryFeedView }) {
  const f = p.feed;
  return (
    <DashboardShell web={p.web} title="Regulatory updates" current="/dashboard/regulatory">
      <h1>Regulatory updates</h1>
      {f.lastError ? (
        <Notice kind="error">
          The last poll of the Federal Register failed: {f.lastError} (last success{" "}
          <When at={f.lastSuccessAt} />)
        </Notice>
      ) : (
        <p class="muted small">
          Polled from federalregister.gov; last success <When at={f.lastSuccessAt} />.
        </p>
      )}
      <Table
        testid="regulatory"
        head={["Published", "Document", "Type", "Agencies"]}
        empty="No document has been fetched yet (the poller runs when REGULATORY_* is configured)."
        rows={f.documents.map((d) => (
          <tr>
            <td class="small">{d.publicationDate}</td>
            <td>
              <a href={d.htmlUrl} rel="noopener noreferrer">
                {d.title}
              </a>
              {d.abstract ? <div class="small muted">{d.abstract.slice(0, 300)}</div> : null}
              <div class="small">
                <Badge status="none" label={d.matchedTerm} /> <span class="mono">{d.documentNumber}</span>
              </div>
            </td>
            <td>{d.type}</td>
            <td class="small">{d.agencies.join(", ")}</td>
          </tr>
        ))}
      />
    </DashboardShell>
  );
}
