import type { Child } from "hono/jsx";
import { Badge, Table } from "../../../../lib/ui/components.tsx";
import type { BaaState, ExceptionView, TrainingState } from "../../../../protocol/program-state.ts";

/** Exceptions with what they waive, why, who proposed and accepted them, and their state; `actions` adds a column. */
export function ExceptionTable(p: {
  exceptions: ExceptionView[];
  testid: string;
  actions?: (x: ExceptionView) => Child;
}) {
  return (
    <Table
      testid={p.testid}
      head={["Exception", "Reason and compensating control", "State", ...(p.actions ? [""] : [])]}
      empty="No exceptions."
      rows={p.exceptions.map((x) => (
        <tr data-exception={x.exceptionId}>
          <td>
            <span class="mono">{x.target.kind === "check" ? x.target.checkId : x.target.citation}</span>
            <div class="small muted">
              {x.exceptionId}, proposed by {x.proposedBy}, until {x.expiresOn}
            </div>
          </td>
          <td class="small">
            {x.reason}
            <div>
              <em>Compensating control:</em> {x.compensatingControl}
            </div>
          </td>
          <td>
            <Badge status={x.state === "in-force" ? "excepted" : x.state} label={x.state} />
            {x.acceptedBy ? <div class="small muted">accepted by {x.acceptedBy}</div> : null}
          </td>
          {p.actions ? <td>{p.actions(x)}</td> : null}
        </tr>
      ))}
    />
  );
}

/** The BAAs on file (not ended); `copy` renders the signed-copy cell (a link, or its hash on paper). */
export function BaaTable(p: { baas: BaaState[]; testid: string; copy: (b: BaaState) => Child }) {
  return (
    <Table
      testid={p.testid}
      head={["Vendor", "PHI", "Signed / expires", "Signed copy"]}
      empty="No business associate agreement on file."
      rows={p.baas
        .filter((b) => !b.ended)
        .map((b) => (
          <tr>
            <td>
              <strong>{b.baa.vendor}</strong>
              <div class="small muted">{b.baa.services}</div>
            </td>
            <td class="small">{b.baa.phi.join(", ")}</td>
            <td class="small">
              {b.baa.signedOn} / {b.baa.expiresOn ?? "no expiry"}
            </td>
            <td>{b.baa.document ? p.copy(b) : <Badge status="warn" label="missing" />}</td>
          </tr>
        ))}
    />
  );
}

/** Training assignments; `status` renders the last cell (done, to do, or a button). */
export function TrainingTable(p: {
  training: TrainingState[];
  testid: string;
  status: (t: TrainingState) => Child;
}) {
  return (
    <Table
      testid={p.testid}
      head={["Person", "Course", "Due", ""]}
      empty="No training assigned."
      rows={p.training.map((t) => (
        <tr>
          <td>{t.assigned.person.name}</td>
          <td class="small">
            {t.assigned.courseTitle} v{t.assigned.contentVersion}
          </td>
          <td class="small">{t.assigned.dueOn}</td>
          <td>{p.status(t)}</td>
        </tr>
      ))}
    />
  );
}
