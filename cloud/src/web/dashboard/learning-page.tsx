import { ActionButton, Badge, Csrf, Table, When } from "../../../../lib/ui/components.tsx";
import type { LearningPatternView } from "../../learning/view.ts";
import type { WebVars } from "../env.ts";
import { DashboardShell } from "./shell.tsx";

/** Learning loop: L2 fixes that worked often enough to become L1 rules, for a person to approve. */
export function LearningPage(p: {
  web: WebVars;
  patterns: LearningPatternView[];
  canDecide: boolean;
  done?: string;
}) {
  const candidates = p.patterns.filter((x) => x.status === "candidate");
  const others = p.patterns.filter((x) => x.status !== "candidate");
  const row = (x: LearningPatternView, decide: boolean) => (
    <tr data-pattern={x.pattern}>
      <td>
        <span class="mono">{x.runbookId}</span> for <span class="mono">{x.checkId}</span>
        <div class="muted small">
          {x.platform} · params <span class="mono">{JSON.stringify(x.params)}</span>
        </div>
      </td>
      <td>
        {x.successes} ok / {x.failures} failed
        <div class="muted small">{Math.round(x.successRate * 100)}% success</div>
      </td>
      <td class="small">
        <When at={x.firstSeenAt} /> – <When at={x.lastOutcomeAt} />
      </td>
      <td>
        <Badge
          status={x.status === "approved" ? "ok" : x.status === "rejected" ? "rejected" : "pending"}
          label={x.status}
        />
        {x.reason ? <div class="small">{x.reason}</div> : null}
        {x.decidedBy ? <div class="muted small">by {x.decidedBy}</div> : null}
      </td>
      <td>
        {decide && p.canDecide ? (
          <div class="actions">
            <ActionButton
              action={`/dashboard/learning/${encodeURIComponent(x.pattern)}/approve`}
              csrf={p.web.csrf}
              label="Approve as L1 rule"
              confirm={`Roll out ${x.runbookId} as an automatic L1 rule to every appliance?`}
            />
            <form
              method="post"
              action={`/dashboard/learning/${encodeURIComponent(x.pattern)}/reject`}
              class="inline"
            >
              <Csrf token={p.web.csrf} />
              <input name="reason" required placeholder="why not" aria-label="reason" />{" "}
              <button type="submit" class="danger">
                Reject
              </button>
            </form>
          </div>
        ) : null}
      </td>
    </tr>
  );
  return (
    <DashboardShell web={p.web} title="Learning loop" current="/dashboard/learning" done={p.done}>
      <h1>Learning loop</h1>
      <p class="muted">
        When the L2 planner's fix for a drift keeps working, it is proposed here as an L1 rule. Approved rules
        are signed and reach every appliance at its next sync.
      </p>
      <h2>Candidates ({candidates.length})</h2>
      <Table
        testid="candidates"
        head={["Fix", "Outcomes", "Seen", "Status", ""]}
        empty="No candidate yet. Promotion learns from the L2 planner: when its plans fix the same problem often enough, the pattern appears here to become an L1 rule. With the L2 planner off (no LLM endpoint configured), nothing is ever promoted."
        rows={candidates.map((x) => row(x, true))}
      />
      <h2>Tracked and decided</h2>
      <Table
        testid="patterns"
        head={["Fix", "Outcomes", "Seen", "Status", ""]}
        empty={
          candidates.length
            ? "No other pattern yet: every L2 fix recorded so far is a candidate above."
            : "No L2 resolution has been recorded yet."
        }
        rows={others.map((x) => row(x, false))}
      />
    </DashboardShell>
  );
}
