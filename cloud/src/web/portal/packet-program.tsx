/** The compliance program's sections of the printable packet. */
import { Badge, Table } from "../../../../lib/ui/components.tsx";
import { POLICY_LIBRARY, SRA_QUESTIONS } from "../../../../protocol/program-catalogue.ts";
import { sraAnswers } from "../../../../protocol/program-state.ts";
import type { SiteProgram } from "../../program/evaluate.ts";
import { BaaTable, ExceptionTable, TrainingTable } from "../views/program-tables.tsx";

/** Officials, the current risk assessment and its plan, policies, BAAs, training and exceptions. */
export function PacketProgram(p: { program: SiteProgram }) {
  const s = p.program.state;
  const e = p.program.evaluation;
  const sra = e.currentSra;
  const plan = sra ? [...sra.plan.values()].flat() : [];
  return (
    <section data-testid="packet-program">
      <h2 class="page-break">Compliance program</h2>
      <p>
        {s.records} signed program record{s.records === 1 ? "" : "s"} in the practice's program chain (signed
        by the cloud's key; verify the portal's <span class="mono">program.jsonl</span> with{" "}
        <span class="mono">malachor evidence verify program.jsonl --pubkey &lt;cloud key&gt;</span>).
      </p>
      <ul>
        {(["security-official", "privacy-officer"] as const).map((role) => (
          <li>
            {role === "security-official" ? "Security official" : "Privacy officer"}:{" "}
            {s.officials.get(role)?.person.name ?? "not designated"}
          </li>
        ))}
      </ul>
      <h3>Security risk assessment</h3>
      {sra?.signed ? (
        <>
          <p>
            Assessment <span class="mono">{sra.sraId}</span> signed by {sra.signed.signer.name} on{" "}
            {sra.signed.at.slice(0, 10)}; content SHA-256{" "}
            <span class="mono small">{sra.signed.contentHash}</span>.
          </p>
          <Table
            testid="packet-sra"
            head={["Question", "Answer", "Risk (L×I)"]}
            empty="No answers."
            rows={sraAnswers(sra).map((a) => (
              <tr>
                <td class="small">{SRA_QUESTIONS.get(a.questionId)?.text ?? a.questionId}</td>
                <td>
                  <Badge
                    status={
                      a.answer === "yes" || a.answer === "na" ? "pass" : a.answer === "no" ? "fail" : "warn"
                    }
                    label={a.answer}
                  />
                </td>
                <td>{a.likelihood * a.impact}</td>
              </tr>
            ))}
          />
          <h4>Remediation plan</h4>
          <Table
            head={["Step", "Owner", "Due"]}
            empty="No open gaps: nothing to remediate."
            rows={plan.map((x) => (
              <tr>
                <td class="small">{x.action}</td>
                <td>{x.owner}</td>
                <td>{x.dueOn}</td>
              </tr>
            ))}
          />
        </>
      ) : (
        <p>No risk assessment signed in the last twelve months.</p>
      )}
      <h3>Policies</h3>
      <Table
        testid="packet-policies"
        head={["Policy", "Adopted", "Acknowledged by"]}
        empty="No policies."
        rows={POLICY_LIBRARY.map((m) => {
          const a = s.policies.get(m.id);
          return (
            <tr>
              <td>{m.title}</td>
              <td class="small">
                {a
                  ? `v${a.adopted.siteVersion} on ${a.adopted.at.slice(0, 10)} by ${a.adopted.adoptedBy.name}`
                  : "not adopted"}
              </td>
              <td class="small">
                {a
                  ? [...(a.acks.get(a.adopted.siteVersion)?.values() ?? [])]
                      .map((k) => k.person.name)
                      .join(", ") || "nobody yet"
                  : ""}
              </td>
            </tr>
          );
        })}
      />
      <h3>Business associate agreements</h3>
      <BaaTable
        testid="packet-baas"
        baas={[...s.baas.values()]}
        copy={(b) => <span class="mono small">SHA-256 {b.baa.document?.sha256.slice(0, 16)}…</span>}
      />
      <h3>Workforce training</h3>
      <TrainingTable
        testid="packet-training"
        training={[...s.training.values()]}
        status={(t) => t.attested?.completedOn ?? <Badge status="fail" label="not yet" />}
      />
      <h3>Exceptions</h3>
      <ExceptionTable testid="packet-exceptions" exceptions={e.exceptions} />
    </section>
  );
}
