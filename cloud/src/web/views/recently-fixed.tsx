import { Badge, LocalTime, Table } from "../../../../lib/ui/components.tsx";
import type { RecentFix } from "../data/compliance.ts";
import { decidedByWords, stateWords } from "./fix-words.ts";
import { Host } from "./host.tsx";

/** Link to a receipt inside a remediation bundle, given the page area's URL maker. */
export const receiptPath = (f: RecentFix) =>
  `/receipts/${encodeURIComponent(f.receiptBundle.applianceId)}/${f.receiptBundle.seq}/${encodeURIComponent(f.receipt.id)}`;

/**
 * Checks that failed and were fixed and verified, since their last check result or in the last
 * day while they still pass (data/compliance.ts): shown near the top of a page so drift and its fix
 * read as one event, each with a link to its receipt.
 */
export function RecentlyFixed(p: {
  fixed: RecentFix[];
  names: ReadonlyMap<string, string>;
  url: (rest: string) => string;
}) {
  if (p.fixed.length === 0) return null;
  return (
    <section data-testid="recently-fixed">
      <h2>Recently fixed ({p.fixed.length})</h2>
      <Table
        head={["Fixed at", "What", "Computer", "Before → after", "Who fixed it", ""]}
        empty=""
        rows={p.fixed.map((f) => (
          <tr data-check={f.finding.checkId}>
            <td class="small">
              <LocalTime at={f.receipt.finishedAt} />
            </td>
            <td>
              <Badge status="pass" label="fixed · verified" /> {f.finding.title}
            </td>
            <td class="small">
              <Host host={f.finding.host} names={p.names} />
            </td>
            <td class="small">
              {stateWords(f.receipt.before)} → {stateWords(f.receipt.after)}
            </td>
            <td class="small">{decidedByWords(f.receipt.decidedBy)}</td>
            <td>
              <a href={p.url(receiptPath(f))}>receipt</a>
            </td>
          </tr>
        ))}
      />
    </section>
  );
}
