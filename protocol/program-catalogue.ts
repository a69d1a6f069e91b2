/**
 * What the compliance program asks and offers, with the HIPAA citations each item supports: the
 * security risk assessment's questions (in the seven sections of the HHS/ONC SRA Tool), the policy
 * library and the training courses. Scoring reads the citations from here, so a control is covered
 * by the program exactly when some item below cites it (program-state.ts).
 */

/** One SRA question. `prefillFrom`: answer it from the latest findings citing these controls. */
export interface SraQuestion {
  id: string;
  text: string;
  /** What a "no" exposes the practice to (the SRA Tool's threat/vulnerability pairing). */
  threat: string;
  citations: string[];
  prefillFrom?: string[];
}

/** One section of the SRA. */
export interface SraSection {
  id: string;
  title: string;
  questions: SraQuestion[];
}

const q = (
  id: string,
  text: string,
  threat: string,
  citations: string[],
  prefillFrom?: string[],
): SraQuestion => ({ id, text, threat, citations, ...(prefillFrom ? { prefillFrom } : {}) });

/** The SRA, in the order of the HHS/ONC SRA Tool's sections. */
export const SRA_SECTIONS: readonly SraSection[] = [
  {
    id: "basics",
    title: "SRA basics",
    questions: [
      q(
        "basics.security-official",
        "Has the practice named one security official responsible for HIPAA security?",
        "Nobody owns security decisions; gaps go unnoticed.",
        ["§164.308(a)(2)"],
      ),
      q(
        "basics.risk-process",
        "Does the practice assess risks to ePHI at least yearly and after major changes?",
        "New systems or threats are never assessed.",
        ["§164.308(a)(1)", "§164.308(a)(8)"],
      ),
      q(
        "basics.activity-review",
        "Are system activity records (logins, audit logs, alerts) reviewed regularly?",
        "Misuse of records or intrusions stay hidden.",
        ["§164.308(a)(1)(ii)(D)"],
        ["§164.312(b)", "§164.308(a)(1)(ii)(D)"],
      ),
    ],
  },
  {
    id: "policies",
    title: "Security policies",
    questions: [
      q(
        "policies.written",
        "Are security policies and procedures written down, adopted and available to staff?",
        "Staff do not know what is expected of them.",
        ["§164.316(a)", "§164.316(b)(1)", "§164.316(b)(2)(ii)"],
      ),
      q(
        "policies.review",
        "Are policies reviewed at least yearly and updated after changes?",
        "Policies no longer match how the practice works.",
        ["§164.316(b)(2)(iii)"],
      ),
      q(
        "policies.retention",
        "Are policies, assessments and records kept for six years?",
        "The practice cannot show an auditor what it did.",
        ["§164.316(b)(2)(i)"],
      ),
    ],
  },
  {
    id: "workforce",
    title: "Security and the workforce",
    questions: [
      q(
        "workforce.authorization",
        "Is each person's access to ePHI approved and supervised according to their job?",
        "Staff see records they do not need.",
        ["§164.308(a)(3)", "§164.308(a)(3)(ii)(A)", "§164.308(a)(4)(ii)(B)"],
      ),
      q(
        "workforce.clearance",
        "Are new staff checked (references, background as appropriate) before getting access?",
        "An unsuitable person gains access to ePHI.",
        ["§164.308(a)(3)(ii)(B)"],
      ),
      q(
        "workforce.termination",
        "Is access removed on a person's last day (accounts, keys, badges)?",
        "Former staff keep access to ePHI.",
        ["§164.308(a)(3)(ii)(C)"],
      ),
      q(
        "workforce.training",
        "Does every staff member complete security awareness training at hire and yearly?",
        "Phishing and careless handling of ePHI.",
        ["§164.308(a)(5)", "§164.308(a)(5)(ii)(A)"],
      ),
      q(
        "workforce.sanctions",
        "Are staff who break security policies sanctioned, and is that recorded?",
        "Repeated violations without consequence.",
        ["§164.308(a)(1)(ii)(C)"],
      ),
      q(
        "workforce.passwords",
        "Do staff use unique user IDs and strong passwords, with failed logins monitored?",
        "Shared or guessed passwords expose ePHI.",
        ["§164.308(a)(5)(ii)(C)", "§164.308(a)(5)(ii)(D)", "§164.312(a)(2)(i)", "§164.312(d)"],
        ["§164.312(a)(2)(i)", "§164.312(d)"],
      ),
    ],
  },
  {
    id: "data",
    title: "Security and data",
    questions: [
      q(
        "data.access-management",
        "Are access rights to systems holding ePHI granted, reviewed and changed through a procedure?",
        "Access grows without anyone deciding it.",
        ["§164.308(a)(4)", "§164.308(a)(4)(ii)(C)", "§164.312(a)(1)"],
        ["§164.312(a)(1)"],
      ),
      q(
        "data.clearinghouse",
        "If the practice runs a health care clearinghouse function, is it isolated from the rest? (Answer N/A if not.)",
        "Clearinghouse data mixed with the practice's systems.",
        ["§164.308(a)(4)(ii)(A)"],
      ),
      q(
        "data.encryption",
        "Is ePHI on computers and media encrypted?",
        "A lost or stolen device discloses ePHI.",
        ["§164.312(a)(2)(iv)"],
        ["§164.312(a)(2)(iv)"],
      ),
      q(
        "data.malware",
        "Is anti-malware protection running and updated on every system?",
        "Ransomware or spyware on a workstation.",
        ["§164.308(a)(5)(ii)(B)"],
        ["§164.308(a)(5)(ii)(B)"],
      ),
      q(
        "data.logoff",
        "Do workstations lock or log off automatically after inactivity?",
        "An unattended screen shows ePHI to passers-by.",
        ["§164.312(a)(2)(iii)"],
        ["§164.312(a)(2)(iii)"],
      ),
      q(
        "data.integrity",
        "Is ePHI protected from improper change or destruction, with a way to detect it?",
        "Records are altered without anyone noticing.",
        ["§164.312(c)(1)", "§164.312(c)(2)"],
        ["§164.312(c)(1)"],
      ),
      q(
        "data.transmission",
        "Is ePHI encrypted and protected from tampering when sent over networks?",
        "ePHI is intercepted or changed in transit.",
        ["§164.312(e)(1)", "§164.312(e)(2)(i)", "§164.312(e)(2)(ii)"],
        ["§164.312(e)(1)", "§164.312(e)(2)(ii)"],
      ),
      q(
        "data.audit",
        "Do systems record who accessed ePHI and what they did?",
        "No trail to investigate an incident.",
        ["§164.312(b)"],
        ["§164.312(b)"],
      ),
      q(
        "data.emergency-access",
        "Is there a way to reach ePHI in an emergency when normal access fails?",
        "Care is delayed because records are unreachable.",
        ["§164.312(a)(2)(ii)"],
      ),
    ],
  },
  {
    id: "practice",
    title: "Security and the practice",
    questions: [
      q(
        "practice.facility",
        "Are rooms holding servers and records locked, with a plan for who may enter?",
        "Theft of equipment or paper records.",
        ["§164.310(a)(1)", "§164.310(a)(2)(ii)", "§164.310(a)(2)(iii)"],
      ),
      q(
        "practice.maintenance",
        "Are repairs and changes to locks, doors and walls recorded?",
        "Physical weaknesses nobody tracks.",
        ["§164.310(a)(2)(iv)"],
      ),
      q(
        "practice.facility-contingency",
        "Can authorised people enter the facility to restore data during an emergency?",
        "Recovery blocked by physical access.",
        ["§164.310(a)(2)(i)"],
      ),
      q(
        "practice.workstations",
        "Are workstations placed and used so that screens and devices are protected from view and theft?",
        "ePHI seen or taken at a workstation.",
        ["§164.310(b)", "§164.310(c)"],
      ),
      q(
        "practice.media",
        "Are disks and devices wiped or destroyed before disposal or re-use, and their moves recorded?",
        "ePHI leaves on a discarded or re-used device.",
        ["§164.310(d)(1)", "§164.310(d)(2)(i)", "§164.310(d)(2)(ii)", "§164.310(d)(2)(iii)"],
      ),
      q(
        "practice.media-backup",
        "Is a backup copy of ePHI made before equipment is moved?",
        "Data lost when a device is moved.",
        ["§164.310(d)(2)(iv)"],
      ),
    ],
  },
  {
    id: "vendors",
    title: "Security and vendors",
    questions: [
      q(
        "vendors.baa",
        "Does every vendor that handles ePHI have a signed business associate agreement?",
        "A vendor mishandles ePHI with no contract to hold it to.",
        ["§164.308(b)(1)", "§164.308(b)(3)"],
      ),
    ],
  },
  {
    id: "contingency",
    title: "Contingency planning",
    questions: [
      q(
        "contingency.backup",
        "Are exact copies of ePHI backed up and restorable?",
        "Ransomware or hardware failure destroys records.",
        ["§164.308(a)(7)", "§164.308(a)(7)(ii)(A)"],
        ["§164.308(a)(7)(ii)(A)"],
      ),
      q(
        "contingency.recovery",
        "Is there a written plan to restore systems and data after a disaster?",
        "Long outage after fire, flood or ransomware.",
        ["§164.308(a)(7)(ii)(B)"],
      ),
      q(
        "contingency.emergency-mode",
        "Can the practice keep protecting ePHI while running in emergency mode?",
        "Security switched off during a crisis.",
        ["§164.308(a)(7)(ii)(C)"],
      ),
      q(
        "contingency.testing",
        "Is the contingency plan tested and revised periodically?",
        "A plan that fails when needed.",
        ["§164.308(a)(7)(ii)(D)"],
      ),
      q(
        "contingency.criticality",
        "Has the practice ranked which applications and data are most critical to restore?",
        "The wrong systems restored first.",
        ["§164.308(a)(7)(ii)(E)"],
      ),
      q(
        "contingency.incidents",
        "Are security incidents identified, responded to, documented and reported?",
        "Breaches handled late or not reported.",
        ["§164.308(a)(6)", "§164.308(a)(6)(ii)"],
      ),
    ],
  },
];

/** Every SRA question by id. */
export const SRA_QUESTIONS: ReadonlyMap<string, SraQuestion & { sectionId: string }> = new Map(
  SRA_SECTIONS.flatMap((s) => s.questions.map((qq) => [qq.id, { ...qq, sectionId: s.id }] as const)),
);

/** A policy of the library: what scoring needs (the text lives with the cloud's templates). */
export interface PolicyMeta {
  id: string;
  title: string;
  version: number;
  citations: string[];
}

/** The policy library, one policy per HIPAA standard or group of standards. */
export const POLICY_LIBRARY: readonly PolicyMeta[] = [
  {
    id: "access-control",
    title: "Access control",
    version: 1,
    citations: [
      "§164.308(a)(4)",
      "§164.308(a)(4)(ii)(B)",
      "§164.308(a)(4)(ii)(C)",
      "§164.312(a)(1)",
      "§164.312(a)(2)(i)",
      "§164.312(a)(2)(ii)",
      "§164.312(a)(2)(iii)",
      "§164.312(d)",
    ],
  },
  {
    id: "audit-logging",
    title: "Audit logging and activity review",
    version: 1,
    citations: ["§164.312(b)", "§164.308(a)(1)(ii)(D)", "§164.312(c)(1)", "§164.312(c)(2)"],
  },
  {
    id: "contingency-backup",
    title: "Contingency plan and backup",
    version: 1,
    citations: [
      "§164.308(a)(7)",
      "§164.308(a)(7)(ii)(A)",
      "§164.308(a)(7)(ii)(B)",
      "§164.308(a)(7)(ii)(C)",
      "§164.308(a)(7)(ii)(D)",
      "§164.308(a)(7)(ii)(E)",
      "§164.310(a)(2)(i)",
    ],
  },
  {
    id: "incident-response",
    title: "Security incident response",
    version: 1,
    citations: ["§164.308(a)(6)", "§164.308(a)(6)(ii)"],
  },
  {
    id: "device-media",
    title: "Device and media controls",
    version: 1,
    citations: [
      "§164.310(d)(1)",
      "§164.310(d)(2)(i)",
      "§164.310(d)(2)(ii)",
      "§164.310(d)(2)(iii)",
      "§164.310(d)(2)(iv)",
      "§164.312(a)(2)(iv)",
    ],
  },
  {
    id: "workforce-security",
    title: "Workforce security",
    version: 1,
    citations: [
      "§164.308(a)(3)",
      "§164.308(a)(3)(ii)(A)",
      "§164.308(a)(3)(ii)(B)",
      "§164.308(a)(3)(ii)(C)",
      "§164.308(a)(5)",
    ],
  },
  {
    id: "sanctions",
    title: "Sanctions",
    version: 1,
    citations: ["§164.308(a)(1)(ii)(C)"],
  },
  {
    id: "risk-management",
    title: "Risk analysis and management",
    version: 1,
    citations: [
      "§164.308(a)(1)",
      "§164.308(a)(1)(ii)(A)",
      "§164.308(a)(1)(ii)(B)",
      "§164.308(a)(2)",
      "§164.308(a)(8)",
    ],
  },
  {
    id: "facility-workstation",
    title: "Facility and workstation security",
    version: 1,
    citations: [
      "§164.310(a)(1)",
      "§164.310(a)(2)(ii)",
      "§164.310(a)(2)(iii)",
      "§164.310(a)(2)(iv)",
      "§164.310(b)",
      "§164.310(c)",
    ],
  },
  {
    id: "transmission-security",
    title: "Transmission security",
    version: 1,
    citations: ["§164.312(e)(1)", "§164.312(e)(2)(i)", "§164.312(e)(2)(ii)"],
  },
  {
    id: "business-associates",
    title: "Business associates",
    version: 1,
    citations: ["§164.308(b)(1)", "§164.308(b)(3)"],
  },
];

/** A training course staff are assigned. */
export interface CourseMeta {
  id: string;
  title: string;
  version: number;
  citations: string[];
}

/** The training courses. */
export const TRAINING_COURSES: readonly CourseMeta[] = [
  {
    id: "security-awareness",
    title: "HIPAA security awareness",
    version: 1,
    citations: ["§164.308(a)(5)", "§164.308(a)(5)(ii)(A)", "§164.308(a)(5)(ii)(C)", "§164.308(a)(5)(ii)(D)"],
  },
  {
    id: "phishing-malware",
    title: "Phishing and malicious software",
    version: 1,
    citations: ["§164.308(a)(5)(ii)(B)"],
  },
];
