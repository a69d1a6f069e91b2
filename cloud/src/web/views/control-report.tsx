import { Badge, Empty, When } from "../../../../lib/ui/components.tsx";
import type { Safeguard } from "../../../../protocol/hipaa.ts";
import { type ControlScore, SCORE_FORMULA } from "../../../../protocol/score.ts";
import { needsPersonReason } from "../../../../runbooks/index.ts";
import { findingKey, type PageCompliance } from "../data/compliance.ts";
import { type ControlHelp, controlHelp } from "./control-help.ts";
import { Host } from "./host.tsx";

const SAFEGUARDS: [Safeguard, string][] = [
  ["administrative", "Administrative safeguards (§164.308)"],
  ["physical", "Physical safeguards (§164.310)"],
  ["technical", "Technical safeguards (§164.312)"],
  ["documentation", "Policies and documentation (§164.316)"],
];

/** Count of controls per status, for the summary line. */
export function statusCounts(controls: readonly ControlScore[]): Record<string, number> {
  const out: Record<string, number> = { pass: 0, warn: 0, fail: 0, unknown: 0, excepted: 0, unassessed: 0 };
  for (const c of controls) out[c.status] = (out[c.status] ?? 0) + 1;
  return out;
}

/** The report's three lists: what needs attention, what passes, what nothing judges yet. */
export type ReportGroup = "attention" | "passing" | "unassessed";

/** The list a control's status belongs in. */
export function groupOf(status: ControlScore["status"]): ReportGroup {
  if (status === "pass" || status === "excepted") return "passing";
  return status === "unassessed" ? "unassessed" : "attention";
}

/** Headings of the report's lists, in order. */
export const REPORT_GROUPS: [ReportGroup, string][] = [
  ["attention", "Failing or needing attention"],
  ["passing", "Passing"],
  ["unassessed", "Not assessed yet"],
];

/** Words for a program source on the report. */
const SOURCE_LABEL: Record<ControlScore["program"][number]["source"], string> = {
  sra: "risk assessment",
  "risk-plan": "risk plan",
  policy: "policy",
  acknowledgements: "acknowledgements",
  baa: "BAAs",
  training: "training",
  official: "security official",
  records: "program records",
};

/**
 * How the score is computed, and which controls nothing judges yet and why (report and packet).
 */
export function ScoreFormula(p: { c: PageCompliance; programInUse: boolean }) {
  const unassessed = p.c.controls.filter((x) => x.status === "unassessed");
  return (
    <div class="card" data-testid="score-formula">
      <p class="small" style="margin-top:0">
        <strong>Formula.</strong> {SCORE_FORMULA}
      </p>
      {unassessed.length === 0 ? (
        <p class="small" data-testid="unassessed-note">
          Every one of the {p.c.controls.length} controls is assessed by checks, by the compliance program, or
          both.
        </p>
      ) : (
        <p class="small" data-testid="unassessed-note">
          {unassessed.length} control{unassessed.length === 1 ? " is" : "s are"} unassessed:{" "}
          {unassessed.map((x) => x.control.citation).join(", ")} —{" "}
          {p.programInUse
            ? "no automated check reports on them yet and no program artefact covers them."
            : "no automated check covers them and the practice has not started its compliance program (risk assessment, policies, BAAs, training)."}
        </p>
      )}
    </div>
  );
}

/** A failing control in plain words: what it means, who handles it, what the clinic must do. */
function HelpLines(p: { help: ControlHelp | undefined }) {
  if (!p.help) return null;
  return (
    <dl class="help small" data-testid="control-help">
      <dt>What it means</dt>
      <dd>{p.help.means}</dd>
      <dt>Who handles it</dt>
      <dd>{p.help.who.join(" ")}</dd>
      <dt>What the clinic must do</dt>
      <dd>{p.help.todo}</dd>
    </dl>
  );
}

/**
 * The per-control compliance table: every HIPAA Security Rule control with its status and the
 * findings (check, host, expected/actual, bundle) behind it. `bundleHref` links a bundle reference.
 * With `assessedOnly`, unassessed controls are summarised in one line instead of listed.
 */
export function ControlReport(p: {
  c: PageCompliance;
  bundleHref?: (applianceId: string, seq: number) => string;
  assessedOnly?: boolean;
  /** Only the controls in this group (the report lists failing, passing and unassessed apart). */
  group?: ReportGroup;
}) {
  if (p.c.assessed === 0) {
    return (
      <Empty>
        No check results yet. Once the appliance has completed its first round of checks, each control shows
        its status here with the evidence behind it.
      </Empty>
    );
  }
  return (
    <>
      {SAFEGUARDS.map(([sg, title]) => {
        const controls = p.c.controls.filter(
          (x) => x.control.safeguard === sg && (!p.group || groupOf(x.status) === p.group),
        );
        if (p.group && controls.length === 0) return null;
        const shown = p.assessedOnly ? controls.filter((x) => x.status !== "unassessed") : controls;
        const hidden = controls.length - shown.length;
        return (
          <section>
            <h3>{title}</h3>
            {shown.length === 0 ? (
              <p class="muted small">None of these {controls.length} controls is assessed yet.</p>
            ) : (
              <div class="table-wrap">
                <table data-testid={p.group ? `controls-${p.group}-${sg}` : `controls-${sg}`}>
                  <thead>
                    <tr>
                      <th style="width:9rem">Status</th>
                      <th>Control</th>
                      <th>Evidence</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((x) => (
                      <tr data-citation={x.control.citation}>
                        <td>
                          <Badge status={x.status} />
                        </td>
                        <td>
                          <div>
                            <strong>{x.control.title}</strong>
                          </div>
                          <div class="muted small">
                            {x.control.citation} · {x.control.requirement}
                          </div>
                          <HelpLines help={controlHelp(x)} />
                        </td>
                        <td>
                          {x.evidence.length === 0 && x.program.length === 0 ? (
                            <span class="muted small">
                              not judged by a check or by the compliance program
                            </span>
                          ) : null}
                          {x.evidence.length === 0 ? null : (
                            <ul style="margin:0;padding-left:1rem">
                              {x.evidence.map((e) => {
                                const f = p.c.findings.get(findingKey(e.checkId, e.host));
                                return (
                                  <li class="small">
                                    <Badge status={e.status} /> <span class="mono">{e.checkId}</span> on{" "}
                                    <Host host={e.host} names={p.c.hostNames} />
                                    {f?.actual ? ` — found ${f.actual}` : ""}
                                    {e.exceptedBy ? ` — waived by exception ${e.exceptedBy}` : ""}
                                    {f?.expected && e.status !== "pass" ? ` (expected ${f.expected})` : ""}
                                    {e.status !== "pass" && needsPersonReason(e.checkId) ? (
                                      <span class="needs-person" title={needsPersonReason(e.checkId)}>
                                        {" "}
                                        — needs a person, not fixed automatically
                                      </span>
                                    ) : null}{" "}
                                    · <When at={e.observedAt} />
                                    {f && p.bundleHref ? (
                                      <>
                                        {" "}
                                        ·{" "}
                                        <a href={p.bundleHref(f.bundle.applianceId, f.bundle.seq)}>
                                          bundle {f.bundle.applianceId}#{f.bundle.seq}
                                        </a>
                                      </>
                                    ) : null}
                                  </li>
                                );
                              })}
                            </ul>
                          )}
                          {x.program.length > 0 ? (
                            <ul style="margin:0;padding-left:1rem" data-testid="program-sources">
                              {x.program.map((s) => (
                                <li class="small">
                                  <Badge status={s.status} /> {SOURCE_LABEL[s.source]}: {s.detail}
                                </li>
                              ))}
                            </ul>
                          ) : null}
                          {x.exceptions.map((e) => (
                            <div class="small">
                              <Badge
                                status={e.state === "in-force" ? "excepted" : e.state}
                                label={`exception ${e.state}`}
                              />{" "}
                              <span class="mono">{e.exceptionId}</span>, expires {e.expiresOn}
                            </div>
                          ))}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {hidden > 0 && shown.length > 0 ? (
              <p class="muted small">{hidden} more controls of this safeguard are not assessed yet.</p>
            ) : null}
          </section>
        );
      })}
    </>
  );
}
