import { Badge, LocalTime } from "../../../../lib/ui/components.tsx";
import type { EvidenceBundle } from "../../../../protocol/evidence.ts";
import type { RemediationReceipt } from "../../../../protocol/receipt.ts";
import type { HostNames } from "../data/host-names.ts";
import { decidedByWords, stateWords } from "./fix-words.ts";
import { hostLabel } from "./host.tsx";

const outcomeWords: Record<RemediationReceipt["outcome"], string> = {
  fixed: "Fixed, and the check passed again afterwards.",
  failed: "The fix did not work; the problem is still there.",
  "rolled-back": "The fix did not pass its check, so the change was undone.",
  "dry-run": "Rehearsal only: nothing was changed.",
};

/**
 * One healing receipt under its heading, in plain words: before, who decided, after, verified; the
 * raw record below, and a link to its bundle (`url` makes a path of the page's site).
 */
export function ReceiptDetail(p: {
  r: RemediationReceipt;
  names: HostNames;
  bundle: EvidenceBundle;
  url: (rest: string) => string;
}) {
  const { r } = p;
  return (
    <>
      <h1>
        Fix on <span class="mono">{hostLabel(r.host, p.names)}</span>
      </h1>
      <div data-testid="receipt">
        <div class="card">
          <Badge status={r.outcome} /> {outcomeWords[r.outcome]}
        </div>
        <dl class="facts" data-testid="receipt-story">
          <dt>Before</dt>
          <dd>
            {stateWords(r.before)} at <LocalTime at={r.before.at} />
          </dd>
          <dt>Decided</dt>
          <dd>
            {decidedByWords(r.decidedBy)}, using runbook <span class="mono">{r.runbookId}</span>
          </dd>
          <dt>Started</dt>
          <dd>
            <LocalTime at={r.startedAt} />
          </dd>
          <dt>After</dt>
          <dd>
            {stateWords(r.after)}
            {r.after ? (
              <>
                {" "}
                at <LocalTime at={r.after.at} />
              </>
            ) : null}
          </dd>
          <dt>Verified</dt>
          <dd>
            {r.verify === "pass"
              ? "yes — the check ran again and passed"
              : r.verify === "fail"
                ? "no — the check still failed"
                : "not run"}
          </dd>
          {r.rollback?.attempted ? (
            <>
              <dt>Undone</dt>
              <dd>
                {r.rollback.ok ? "the change was rolled back" : "rolling back failed — a person must look"}
              </dd>
            </>
          ) : null}
          <dt>Finished</dt>
          <dd>
            <LocalTime at={r.finishedAt} />
          </dd>
          <dt>Computer</dt>
          <dd data-testid="receipt-computer">
            {/* The name a person knows it by; the address the check used as the detail beside it. */}
            <span class="mono">{hostLabel(r.host, p.names)}</span>
            {p.names.has(r.host) ? <span class="muted small"> · address {r.host}</span> : null}
          </dd>
          <dt>Check</dt>
          <dd class="mono">{r.checkId}</dd>
        </dl>
        <p class="small">
          Recorded in signed evidence bundle{" "}
          <a href={p.url(`/evidence/bundle/${p.bundle.applianceId}/${p.bundle.seq}`)}>
            {`${p.bundle.applianceId}#${p.bundle.seq}`}
          </a>
          .
        </p>
        <details>
          <summary class="small">The receipt as recorded</summary>
          <pre>{JSON.stringify(r, null, 2)}</pre>
        </details>
      </div>
    </>
  );
}
