/** The compliance program in the portal: overview, an SRA section form, a policy's text. */
import { ActionButton, Badge, Csrf, Notice, Table, When } from "../../../../lib/ui/components.tsx";
import { POLICY_LIBRARY, SRA_SECTIONS, type SraSection } from "../../../../protocol/program-catalogue.ts";
import { type SraState, sraSectionsDone } from "../../../../protocol/program-state.ts";
import type { SiteProgram } from "../../program/evaluate.ts";
import type { HostNames } from "../data/host-names.ts";
import type { WebVars } from "../env.ts";
import { hostLabel } from "../views/host.tsx";
import { BaaTable, ExceptionTable, TrainingTable } from "../views/program-tables.tsx";
import { PortalShell, portalUrl } from "./shell.tsx";

/** What a finished action says at the top of the page (`?done=`). */
const DONE: Record<string, string> = {
  "sra-started": "Risk assessment started. Answer each section below.",
  "section-saved": "Section saved and recorded in the program chain.",
  "sra-signed": "Risk assessment signed and recorded as evidence.",
  adopted: "Policy adopted.",
  acknowledged: "Acknowledgement recorded.",
  accepted: "Exception accepted.",
  declined: "Exception declined.",
  attested: "Training recorded as completed.",
};

interface Me {
  portalUserId: string;
  email: string;
  isOfficial: boolean;
}

const u = (siteId: string, r: string) => portalUrl(siteId, `/program${r}`);

function SraBlock(p: {
  web: WebVars;
  siteId: string;
  sra: SraState | null;
  me: Me;
  lastSigned: SraState | null;
}) {
  const open = p.sra;
  if (!open)
    return (
      <>
        <p>
          {p.lastSigned?.signed ? (
            <>
              Last risk assessment signed by {p.lastSigned.signed.signer.name} on{" "}
              <When at={p.lastSigned.signed.at} />.
            </>
          ) : (
            "No risk assessment yet."
          )}
        </p>
        {p.me.isOfficial ? (
          <ActionButton
            action={u(p.siteId, "/sra/start")}
            csrf={p.web.csrf}
            label="Start a risk assessment"
          />
        ) : null}
      </>
    );
  const done = sraSectionsDone(open);
  return (
    <>
      <p>
        Risk assessment <span class="mono">{open.sraId}</span> ({open.trigger}), started{" "}
        <When at={open.startedAt} />: {done.size} of {SRA_SECTIONS.length} sections answered.
      </p>
      <ol data-testid="sra-sections">
        {SRA_SECTIONS.map((s) => (
          <li>
            <a href={u(p.siteId, `/sra/${open.sraId}/${s.id}`)}>{s.title}</a>{" "}
            <Badge
              status={done.has(s.id) ? "pass" : "pending"}
              label={done.has(s.id) ? "answered" : "to answer"}
            />
          </li>
        ))}
      </ol>
      {p.me.isOfficial && done.size === SRA_SECTIONS.length ? (
        <ActionButton
          action={u(p.siteId, `/sra/${open.sraId}/sign`)}
          csrf={p.web.csrf}
          label="Sign the risk assessment"
          confirm="Sign this risk assessment as the practice's security official?"
        />
      ) : null}
    </>
  );
}

/** The program overview: what the practice has, what it must do, and the buttons to do it. */
export function ProgramPage(p: {
  web: WebVars;
  site: { id: string; name: string };
  prog: SiteProgram;
  me: Me;
  done?: string;
}) {
  const s = p.prog.state;
  const e = p.prog.evaluation;
  const open = [...s.sras.values()].find((x) => !x.signed) ?? null;
  const lastSigned =
    [...s.sras.values()].filter((x) => x.signed).sort((a, b) => (a.signed!.at < b.signed!.at ? 1 : -1))[0] ??
    null;
  const so = s.officials.get("security-official");
  return (
    <PortalShell
      web={p.web}
      siteId={p.site.id}
      title="Compliance program"
      current={portalUrl(p.site.id, "/program")}
    >
      <h1>Compliance program — {p.site.name}</h1>
      {p.done && DONE[p.done] ? <Notice kind="ok">{DONE[p.done]}</Notice> : null}
      <p class="muted">
        Security official:{" "}
        <strong>{so ? so.person.name : "not designated yet (ask your IT provider)"}</strong>. Every action
        here is signed and recorded in the practice's program chain.
      </p>
      {e.due.length > 0 ? (
        <div class="card" data-testid="due">
          <h2 style="margin-top:0">Due</h2>
          <ul>
            {e.due.map((d) => (
              <li>{d.text}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <h2>Security risk assessment</h2>
      <SraBlock web={p.web} siteId={p.site.id} sra={open} me={p.me} lastSigned={lastSigned} />
      <h2>Policies</h2>
      <Table
        testid="policies"
        head={["Policy", "Status", ""]}
        empty="No policies."
        rows={POLICY_LIBRARY.map((m) => {
          const a = s.policies.get(m.id);
          const mine = a?.acks.get(a.adopted.siteVersion)?.has(p.me.email);
          return (
            <tr data-policy={m.id}>
              <td>
                <a href={u(p.site.id, `/policies/${m.id}`)}>{m.title}</a>
              </td>
              <td>
                {a ? (
                  <>
                    <Badge status="pass" label={`adopted v${a.adopted.siteVersion}`} />{" "}
                    <span class="small muted">
                      {a.acks.get(a.adopted.siteVersion)?.size ?? 0} acknowledged
                    </span>
                  </>
                ) : (
                  <Badge status="fail" label="not adopted" />
                )}
              </td>
              <td>
                {a && !mine ? (
                  <ActionButton
                    action={u(p.site.id, `/policies/${m.id}/acknowledge`)}
                    csrf={p.web.csrf}
                    label="I have read it"
                    variant="secondary"
                  />
                ) : null}
                {mine ? <span class="small muted">you acknowledged</span> : null}
              </td>
            </tr>
          );
        })}
      />
      <h2>Exceptions</h2>
      <ExceptionTable
        testid="exceptions"
        exceptions={e.exceptions}
        actions={(x) =>
          x.state === "proposed" && p.me.isOfficial ? (
            <>
              <ActionButton
                action={u(p.site.id, `/exceptions/${x.exceptionId}/accept`)}
                csrf={p.web.csrf}
                label="Accept"
                confirm="Accept this exception until its expiry?"
              />{" "}
              <ActionButton
                action={u(p.site.id, `/exceptions/${x.exceptionId}/decline`)}
                csrf={p.web.csrf}
                label="Decline"
                variant="secondary"
              />
            </>
          ) : null
        }
      />
      <h2>Business associate agreements</h2>
      <BaaTable
        testid="baas"
        baas={[...s.baas.values()]}
        copy={(b) => <a href={u(p.site.id, `/baas/${b.baa.baaId}/document`)}>{b.baa.document?.fileName}</a>}
      />
      <h2>Training</h2>
      <TrainingTable
        testid="training"
        training={[...s.training.values()]}
        status={(t) =>
          t.attested ? (
            <Badge status="pass" label={`done ${t.attested.completedOn}`} />
          ) : t.assigned.person.email === p.me.email || p.me.isOfficial ? (
            <ActionButton
              action={u(p.site.id, `/training/${t.assigned.assignmentId}/attest`)}
              csrf={p.web.csrf}
              label="Mark completed"
              variant="secondary"
            />
          ) : (
            <Badge
              status={e.due.some((d) => d.key === `training:${t.assigned.assignmentId}`) ? "fail" : "pending"}
              label="to do"
            />
          )
        }
      />
      <p class="small muted">
        Download: <a href={portalUrl(p.site.id, "/program.jsonl")}>program chain (JSONL)</a> ·{" "}
        <a href={portalUrl(p.site.id, "/oscal/assessment-results.json")}>OSCAL assessment results</a> ·{" "}
        <a href={portalUrl(p.site.id, "/oscal/poam.json")}>OSCAL POA&amp;M</a>
      </p>
    </PortalShell>
  );
}

const LEVELS = [
  ["1", "low"],
  ["2", "medium"],
  ["3", "high"],
] as const;

/** A labelled choice of one of the LEVELS (an SRA answer's likelihood or impact). */
function LevelSelect(p: { label: string; name: string; value: number }) {
  return (
    <label>
      {p.label}{" "}
      <select name={p.name}>
        {LEVELS.map(([val, label]) => (
          <option value={val} selected={String(p.value) === val}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** One SRA section as a form: each question's answer, likelihood × impact, note, and a remediation step. */
export function SraSectionPage(p: {
  web: WebVars;
  siteId: string;
  sra: SraState;
  section: SraSection;
  /** Host address → name (data/host-names.ts), so the evidence links name computers. */
  names: HostNames;
  error?: string;
}) {
  const saved = (id: string) => p.sra.answers.get(id) ?? p.sra.prefill.get(id);
  const steps = p.sra.plan.get(p.section.id) ?? [];
  return (
    <PortalShell
      web={p.web}
      siteId={p.siteId}
      title={p.section.title}
      current={portalUrl(p.siteId, "/program")}
    >
      <p>
        <a href={u(p.siteId, "")}>← Compliance program</a>
      </p>
      <h1>{p.section.title}</h1>
      {p.error ? <Notice kind="error">{p.error}</Notice> : null}
      <p class="muted small">
        For each question: your answer, how likely the threat is and how much harm it would do (risk =
        likelihood × impact). A "no" or "partial" needs a remediation step with an owner and a due date.
      </p>
      <form method="post" action={u(p.siteId, `/sra/${p.sra.sraId}/${p.section.id}`)} data-testid="sra-form">
        <Csrf token={p.web.csrf} />
        {p.section.questions.map((q) => {
          const a = saved(q.id);
          const pre = p.sra.prefill.get(q.id);
          const step = steps.find((s) => s.questionId === q.id);
          return (
            <fieldset class="card" data-question={q.id}>
              <legend>
                <strong>{q.text}</strong>
              </legend>
              <div class="small muted">
                {q.citations.join(", ")} · threat: {q.threat}
              </div>
              {pre ? (
                <p class="small" data-testid="prefill">
                  Suggested by the appliance:{" "}
                  <Badge
                    status={pre.answer === "yes" ? "pass" : pre.answer === "no" ? "fail" : "warn"}
                    label={pre.answer}
                  />{" "}
                  {pre.note}{" "}
                  {pre.evidence.slice(0, 3).map((ev) => (
                    <a
                      href={portalUrl(
                        p.siteId,
                        `/evidence/bundle/${encodeURIComponent(ev.applianceId)}/${ev.seq}`,
                      )}
                    >
                      {" "}
                      {ev.checkId} on {hostLabel(ev.host, p.names)}
                    </a>
                  ))}
                </p>
              ) : null}
              <div>
                {(["yes", "partial", "no", "na"] as const).map((ans) => (
                  <label style="margin-right:1rem;display:inline-block">
                    <input
                      type="radio"
                      name={`answer.${q.id}`}
                      value={ans}
                      checked={a?.answer === ans}
                      required
                    />{" "}
                    {ans === "na" ? "N/A" : ans}
                  </label>
                ))}
              </div>
              <div class="grid">
                <LevelSelect label="Likelihood" name={`likelihood.${q.id}`} value={a?.likelihood ?? 1} />
                <LevelSelect label="Impact" name={`impact.${q.id}`} value={a?.impact ?? 2} />
              </div>
              <label class="small">
                Note
                <textarea name={`note.${q.id}`} rows={2} style="width:100%">
                  {a?.note ?? ""}
                </textarea>
              </label>
              <details open={Boolean(step)}>
                <summary class="small">Remediation step</summary>
                <label class="small">
                  Action <input name={`action.${q.id}`} value={step?.action ?? ""} style="width:100%" />
                </label>
                <label class="small">
                  Owner <input name={`owner.${q.id}`} value={step?.owner ?? ""} />
                </label>
                <label class="small">
                  Due <input type="date" name={`due.${q.id}`} value={step?.dueOn ?? ""} />
                </label>
              </details>
            </fieldset>
          );
        })}
        <button type="submit">Save section</button>
      </form>
    </PortalShell>
  );
}

/** A policy's text: the adopted version with the clinic's names, or the template to adopt. */
export function PolicyPage(p: {
  web: WebVars;
  siteId: string;
  title: string;
  paragraphs: string[];
  adopted: { siteVersion: number; at: string; sha256: string } | null;
  me: Me;
  acknowledged: boolean;
}) {
  const m = POLICY_LIBRARY.find((x) => x.title === p.title);
  return (
    <PortalShell web={p.web} siteId={p.siteId} title={p.title} current={portalUrl(p.siteId, "/program")}>
      <p>
        <a href={u(p.siteId, "")}>← Compliance program</a>
      </p>
      <h1>{p.title}</h1>
      <p class="small muted">
        {m?.citations.join(", ")} ·{" "}
        {p.adopted ? (
          <>
            adopted v{p.adopted.siteVersion} on <When at={p.adopted.at} /> · SHA-256{" "}
            <span class="mono">{p.adopted.sha256.slice(0, 16)}…</span>
          </>
        ) : (
          "not adopted yet — the text below is the template with your practice's names"
        )}
      </p>
      <div class="card" data-testid="policy-text">
        {p.paragraphs.map((t) => (
          <p>{t}</p>
        ))}
      </div>
      {p.me.isOfficial ? (
        <ActionButton
          action={u(p.siteId, `/policies/${m?.id ?? ""}/adopt`)}
          csrf={p.web.csrf}
          label={p.adopted ? "Adopt again as a new version" : "Adopt this policy"}
          confirm="Adopt this policy for the practice?"
        />
      ) : null}{" "}
      {p.adopted && !p.acknowledged ? (
        <ActionButton
          action={u(p.siteId, `/policies/${m?.id ?? ""}/acknowledge`)}
          csrf={p.web.csrf}
          label="I have read it"
          variant="secondary"
        />
      ) : null}
    </PortalShell>
  );
}
