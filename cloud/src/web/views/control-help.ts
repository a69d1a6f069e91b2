import type { ControlScore } from "../../../../protocol/score.ts";
import { explainCheck } from "../../../../runbooks/explain.ts";
import { needsPersonReason } from "../../../../runbooks/index.ts";

/** For a control that is not passing: what it means for the clinic, who handles it, what the clinic must do. */
export interface ControlHelp {
  means: string;
  who: string[];
  todo: string;
}

type Source = ControlScore["program"][number]["source"];

/** What a program artefact protects, and what the clinic does to make it pass. */
const PROGRAM: Record<Source, { means: string; todo: string }> = {
  sra: {
    means: "Without a current risk assessment nobody knows which risks to patient data need attention.",
    todo: "finish and sign this year's risk assessment",
  },
  "risk-plan": {
    means: "Risks found in the assessment have no plan to reduce them.",
    todo: "add a remediation step for each gap in the risk assessment",
  },
  policy: {
    means: "Staff have no written rule to follow for this safeguard.",
    todo: "adopt the policy",
  },
  acknowledgements: {
    means: "Some staff have not confirmed they read the policies.",
    todo: "ask the remaining staff to acknowledge the policies",
  },
  baa: {
    means: "A vendor handling patient data has no signed business associate agreement.",
    todo: "record the signed BAA for each vendor",
  },
  training: {
    means: "Some staff have not completed their security training.",
    todo: "have the remaining staff complete their training",
  },
  official: {
    means: "Nobody is named as responsible for security.",
    todo: "designate a security official",
  },
  records: {
    means: "The program's records are incomplete.",
    todo: "complete the program records",
  },
};

/**
 * Plain words for a control that is failing or needs attention, from the findings and program
 * artefacts behind it; undefined for a control that passes, is excepted or is unassessed.
 */
export function controlHelp(x: ControlScore): ControlHelp | undefined {
  if (x.status === "pass" || x.status === "excepted" || x.status === "unassessed") return undefined;
  const checks = x.evidence.filter((e) => e.status !== "pass" && e.status !== "unreachable" && !e.exceptedBy);
  const program = x.program.filter((s) => s.status !== "pass");
  const auto = checks.filter((e) => !needsPersonReason(e.checkId));
  const byHand = checks.filter((e) => needsPersonReason(e.checkId));
  const who: string[] = [];
  if (auto.length > 0)
    who.push("Your IT provider, automatically: the appliance fixes this and checks it again.");
  for (const reason of new Set(byHand.map((e) => needsPersonReason(e.checkId)!)))
    who.push(`Your IT provider, by hand (not fixed automatically: ${reason}).`);
  if (program.length > 0) who.push("The clinic, in its compliance program.");
  const first = checks[0];
  const means = first
    ? explainCheck({ checkId: first.checkId, citations: [x.control.citation], title: x.control.title }).why
    : program[0]
      ? PROGRAM[program[0].source].means
      : "A check behind this control could not finish, so its state is not known.";
  const todos = [...new Set(program.map((s) => PROGRAM[s.source].todo))];
  const todo =
    todos.length > 0
      ? `In the compliance program: ${todos.join("; ")}.`
      : byHand.length > 0
        ? "Nothing yet: your IT provider has been alerted and may ask for access to the computer."
        : "Nothing: your IT provider sees this too.";
  if (who.length === 0) who.push("Your IT provider, who sees this too.");
  return { means, who, todo };
}
