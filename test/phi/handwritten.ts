/**
 * Hand-written lines, not produced by the corpus templates (written before the scrubber's name
 * dictionary; the generated held-out corpus is heldout.ts). PHI is marked `{{kind:text}}`; clinical
 * phrases in free text are not identifiers and stay unmarked.
 */

import type { PhiKind } from "../../lib/phi/detectors.ts";
import type { CorpusLine, LabelledSpan } from "./corpus.ts";

const LINES = [
  "Faxed the referral to {{phone:(503) 555-0142}} for {{name:Rosa Delgado}}, DOB {{dob:7/4/1961}}",
  "ehr-bridge: HL7 ADT^A08 for MRN {{mrn:004417732}} (PID-5 {{name:NAKAMURA, KENJI}}) queued",
  "scanner FRONTDESK-02 saved intake form: patient name = {{name:Lucía Fernández}}",
  "Pt {{name:Omar Haddad}} c/o chest tightness since Tuesday; callback {{phone:206.555.0199}}",
  "insurance verification failed: Subscriber # {{member-id:XEH882213401}}, group no. {{member-id:77120}}",
  "Mailed statement to {{address:880 W. Harbor Blvd, Apt 12, Long Beach, CA 90802}}",
  "Outlook rule forwarded mail from {{email:k.obrien77@hotmail.com}} to the front desk",
  "SSN on the paper form ({{ssn:512-44-9087}}) was typed into the notes field",
  "Spoke with Mrs. {{name:Kowalczyk}} about the balance; she will call back",
  "Last name: {{name:Papadopoulos}}; First name: {{name:Eleni}}; DOB: {{dob:1979-02-28}}",
  "Diagnosis: {{note:generalized anxiety disorder, on sertraline}}",
  "Medicaid ID {{member-id:QX4471982}} expired per eligibility check",
  "born on {{dob:March 3, 1950}}, lives at {{address:12 Elm Street}}",
  "Emergency contact {{name:Jamal Washington}} {{phone:+1 312 555 0107}}",
  "lab interface: result for {{name:Chen, Mei}} acct# {{mrn:55102938}} posted",
  "Dr. Patel reviewed the chart of Ms. {{name:Ana Souza}} — tested positive for strep throat",
  // Written later, after the name rules, as a second sample of how clinic staff write.
  "Fax to {{phone:(412) 555-0199}} failed: Referral packet - {{name:Dorothy Kowalczyk}}",
  "Outlook: 'Lab results for Mr. {{name:Teodoro Villanueva}}' moved to Junk",
  "Print job '{{name:Villanueva_Teodoro}}_CBC.pdf' completed on FRONTDESK-2",
  "EHR audit: user mjones viewed chart of {{name:Abernathy, Gloria}} (MRN {{mrn:00719234}})",
  "Patient {{name:Gloria Abernathy}} checked in 9:42 AM",
  "Letter to Ms. {{name:Tran}} re: overdue balance generated",
  "Chart note: pt {{name:Quang Tran}} c/o dizziness x3 days",
  "Referral from Dr. Okonkwo for {{name:Mariana Esquivel-Rojas}} received",
  "Insurance eligibility 270/271 for {{name:ESQUIVEL-ROJAS, MARIANA}}: active",
  "\\\\fs01\\Clinical\\Scans\\2024\\{{name:Esquivel-Rojas, Mariana}} - MRI.pdf",
  "Voicemail from {{name:Bettina}} (daughter of {{name:Gloria Abernathy}})",
  "Home health order for {{name:Reginald P. Okafor}}, {{address:1142 Linden Ave, Wilkes-Barre PA 18702}}",
  "Wound care photos of {{name:Harold Finch}} uploaded from iPad",
  "Meds rec done for {{name:Finch, Harold}} — see note",
  "ROI request: records of {{name:Ana Lucía Benítez}} sent to attorney",
  "Hospice referral — {{name:Benítez, Ana Lucía}}, 87 y/o",
  "[chat] can u call back mr. {{name:delacroix}} abt his colonoscopy prep",
  "Sticky note on monitor: 'Call {{name:Yolanda}} re: biopsy results'",
  "Collection notice for acct {{mrn:20931-4}} ({{name:Yolanda Pierce}})",
  "Immunization record - {{name:Oluwaseun Adeyemi}} - 2 doses",
  "2026-11-24T08:01:22Z INFO backup: 142 files, 3.1 GB, checksum ok",
  "WinRM 10.0.0.12:5985 answered 200 in 38 ms",
  "KB5034441 failed to install: 0x80070643",
  "Patient Portal certificate renewed; expires 2027-01-14",
  "Defender definitions 1.421.88.0 applied on EXAM-2",
  "Local account Administrator last logon 2026-11-20 07:55",
  "Printer queue on FRONTDESK-01: 3 jobs, 0 errors",
  "Group Policy: MinimumPasswordLength = 12, LockoutBadCount = 5",
  "Firewall rule 'EHR sync 8443' allows TCP 8443 from 10.0.0.0/24",
  "Service MSSQL$EHR is Running (pid 2204)",
  "BitLocker recovery protector added to C: (ID {5A1F3C2E-9B7D-4E61-8F2A-0C3D4B5E6F70})",
  "Results for scan 77: 0 threats; 48,211 files scanned",
];

/** The hand-written lines with their gold spans. */
export function handWrittenLines(): CorpusLine[] {
  return LINES.map(parseMarked);
}

/** A line with its PHI marked `{{kind:text}}`, as its text and gold spans. */
export function parseMarked(raw: string): CorpusLine {
  const spans: LabelledSpan[] = [];
  let text = "";
  let at = 0;
  for (const m of raw.matchAll(/\{\{([a-z-]+):(.*?)\}\}/g)) {
    text += raw.slice(at, m.index);
    spans.push({ kind: m[1] as PhiKind, start: text.length, end: text.length + m[2]!.length });
    text += m[2]!;
    at = m.index! + m[0].length;
  }
  return { text: text + raw.slice(at), spans };
}
