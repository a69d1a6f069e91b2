/**
 * HIPAA Security Rule (45 CFR Part 164 Subpart C) control catalogue: every standard and
 * implementation specification of §164.308, §164.310, §164.312 and §164.316. Checks, runbooks,
 * rules and scores cite controls by their `citation`.
 */

import * as v from "valibot";

/** Which part of the Security Rule a control belongs to. */
export const Safeguard = v.picklist(["administrative", "physical", "technical", "documentation"]);
export type Safeguard = v.InferOutput<typeof Safeguard>;
export const Requirement = v.picklist(["required", "addressable"]);
export type Requirement = v.InferOutput<typeof Requirement>;

/** One control: a standard or an implementation specification under it. */
export const HipaaControl = v.strictObject({
  citation: v.string(),
  title: v.string(),
  safeguard: Safeguard,
  kind: v.picklist(["standard", "implementation"]),
  requirement: Requirement,
  /** Citation of the standard an implementation specification belongs to. */
  parent: v.optional(v.string()),
});
export type HipaaControl = v.InferOutput<typeof HipaaControl>;

type Row = [citation: string, title: string, requirement: "R" | "A", parent?: string];

function build(safeguard: Safeguard, rows: Row[]): HipaaControl[] {
  return rows.map(([citation, title, req, parent]) => ({
    citation,
    title,
    safeguard,
    kind: parent ? "implementation" : "standard",
    requirement: req === "R" ? "required" : "addressable",
    ...(parent ? { parent } : {}),
  }));
}

const s308 = "§164.308";
const s310 = "§164.310";
const s312 = "§164.312";
const s316 = "§164.316";

/** The full catalogue, in regulation order. */
export const HIPAA_CONTROLS: readonly HipaaControl[] = [
  ...build("administrative", [
    [`${s308}(a)(1)`, "Security management process", "R"],
    [`${s308}(a)(1)(ii)(A)`, "Risk analysis", "R", `${s308}(a)(1)`],
    [`${s308}(a)(1)(ii)(B)`, "Risk management", "R", `${s308}(a)(1)`],
    [`${s308}(a)(1)(ii)(C)`, "Sanction policy", "R", `${s308}(a)(1)`],
    [`${s308}(a)(1)(ii)(D)`, "Information system activity review", "R", `${s308}(a)(1)`],
    [`${s308}(a)(2)`, "Assigned security responsibility", "R"],
    [`${s308}(a)(3)`, "Workforce security", "R"],
    [`${s308}(a)(3)(ii)(A)`, "Authorization and/or supervision", "A", `${s308}(a)(3)`],
    [`${s308}(a)(3)(ii)(B)`, "Workforce clearance procedure", "A", `${s308}(a)(3)`],
    [`${s308}(a)(3)(ii)(C)`, "Termination procedures", "A", `${s308}(a)(3)`],
    [`${s308}(a)(4)`, "Information access management", "R"],
    [`${s308}(a)(4)(ii)(A)`, "Isolating health care clearinghouse functions", "R", `${s308}(a)(4)`],
    [`${s308}(a)(4)(ii)(B)`, "Access authorization", "A", `${s308}(a)(4)`],
    [`${s308}(a)(4)(ii)(C)`, "Access establishment and modification", "A", `${s308}(a)(4)`],
    [`${s308}(a)(5)`, "Security awareness and training", "R"],
    [`${s308}(a)(5)(ii)(A)`, "Security reminders", "A", `${s308}(a)(5)`],
    [`${s308}(a)(5)(ii)(B)`, "Protection from malicious software", "A", `${s308}(a)(5)`],
    [`${s308}(a)(5)(ii)(C)`, "Log-in monitoring", "A", `${s308}(a)(5)`],
    [`${s308}(a)(5)(ii)(D)`, "Password management", "A", `${s308}(a)(5)`],
    [`${s308}(a)(6)`, "Security incident procedures", "R"],
    [`${s308}(a)(6)(ii)`, "Response and reporting", "R", `${s308}(a)(6)`],
    [`${s308}(a)(7)`, "Contingency plan", "R"],
    [`${s308}(a)(7)(ii)(A)`, "Data backup plan", "R", `${s308}(a)(7)`],
    [`${s308}(a)(7)(ii)(B)`, "Disaster recovery plan", "R", `${s308}(a)(7)`],
    [`${s308}(a)(7)(ii)(C)`, "Emergency mode operation plan", "R", `${s308}(a)(7)`],
    [`${s308}(a)(7)(ii)(D)`, "Testing and revision procedures", "A", `${s308}(a)(7)`],
    [`${s308}(a)(7)(ii)(E)`, "Applications and data criticality analysis", "A", `${s308}(a)(7)`],
    [`${s308}(a)(8)`, "Evaluation", "R"],
    [`${s308}(b)(1)`, "Business associate contracts and other arrangements", "R"],
    [`${s308}(b)(3)`, "Written contract or other arrangement", "R", `${s308}(b)(1)`],
  ]),
  ...build("physical", [
    [`${s310}(a)(1)`, "Facility access controls", "R"],
    [`${s310}(a)(2)(i)`, "Contingency operations", "A", `${s310}(a)(1)`],
    [`${s310}(a)(2)(ii)`, "Facility security plan", "A", `${s310}(a)(1)`],
    [`${s310}(a)(2)(iii)`, "Access control and validation procedures", "A", `${s310}(a)(1)`],
    [`${s310}(a)(2)(iv)`, "Maintenance records", "A", `${s310}(a)(1)`],
    [`${s310}(b)`, "Workstation use", "R"],
    [`${s310}(c)`, "Workstation security", "R"],
    [`${s310}(d)(1)`, "Device and media controls", "R"],
    [`${s310}(d)(2)(i)`, "Disposal", "R", `${s310}(d)(1)`],
    [`${s310}(d)(2)(ii)`, "Media re-use", "R", `${s310}(d)(1)`],
    [`${s310}(d)(2)(iii)`, "Accountability", "A", `${s310}(d)(1)`],
    [`${s310}(d)(2)(iv)`, "Data backup and storage", "A", `${s310}(d)(1)`],
  ]),
  ...build("technical", [
    [`${s312}(a)(1)`, "Access control", "R"],
    [`${s312}(a)(2)(i)`, "Unique user identification", "R", `${s312}(a)(1)`],
    [`${s312}(a)(2)(ii)`, "Emergency access procedure", "R", `${s312}(a)(1)`],
    [`${s312}(a)(2)(iii)`, "Automatic logoff", "A", `${s312}(a)(1)`],
    [`${s312}(a)(2)(iv)`, "Encryption and decryption", "A", `${s312}(a)(1)`],
    [`${s312}(b)`, "Audit controls", "R"],
    [`${s312}(c)(1)`, "Integrity", "R"],
    [
      `${s312}(c)(2)`,
      "Mechanism to authenticate electronic protected health information",
      "A",
      `${s312}(c)(1)`,
    ],
    [`${s312}(d)`, "Person or entity authentication", "R"],
    [`${s312}(e)(1)`, "Transmission security", "R"],
    [`${s312}(e)(2)(i)`, "Integrity controls", "A", `${s312}(e)(1)`],
    [`${s312}(e)(2)(ii)`, "Encryption", "A", `${s312}(e)(1)`],
  ]),
  ...build("documentation", [
    [`${s316}(a)`, "Policies and procedures", "R"],
    [`${s316}(b)(1)`, "Documentation", "R"],
    [`${s316}(b)(2)(i)`, "Time limit (retain six years)", "R", `${s316}(b)(1)`],
    [`${s316}(b)(2)(ii)`, "Availability", "R", `${s316}(b)(1)`],
    [`${s316}(b)(2)(iii)`, "Updates", "R", `${s316}(b)(1)`],
  ]),
];

const byCitation = new Map(HIPAA_CONTROLS.map((c) => [c.citation, c]));

/** The control with this citation, or undefined. */
export function hipaaControl(citation: string): HipaaControl | undefined {
  return byCitation.get(citation);
}

/** True if the citation names a control in the catalogue. */
export function isKnownCitation(citation: string): boolean {
  return byCitation.has(citation);
}

/** The standard a citation rolls up to (itself for a standard). */
export function standardOf(citation: string): string {
  const c = byCitation.get(citation);
  return c?.parent ?? citation;
}
