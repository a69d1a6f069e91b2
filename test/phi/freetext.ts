/**
 * A third, hand-written sanity sample in another style again: not log lines but the free text people
 * type — help-desk tickets to the MSP, phone-message slips, e-mails between staff, sticky notes —
 * written by hand for issue #15 item 3 before the scrubber changes it measures, and never tuned on.
 * Names, places and numbers are invented here, from no package or list. PHI is marked
 * `{{kind:text}}` (see handwritten.ts); clinicians and staff are not PHI.
 */
import type { CorpusLine } from "./corpus.ts";
import { parseMarked } from "./handwritten.ts";

const LINES = [
  "Hi team, the scanner at the front desk keeps naming files like {{name:Hollis_Marguerite}}_insurance.pdf instead of using the chart number. Can you fix the profile?",
  "Ticket 4471: Printer in exam 2 printed half of the after-visit summary for {{name:Desmond Achterberg}} and then jammed.",
  "Message for Dr. Whitfield: {{name:Lorraine Pettibone}} called at 10:15, wants to know if her biopsy came back. Call her at {{phone:(570) 555-0133}}.",
  "Can someone shred the mailing labels in the tray? The top one says {{name:ARCHIBALD QUINTERO}}, {{address:44 LAUREL RIDGE RD}}, {{address:WILKES-BARRE PA 18704}}.",
  "Please remove the old share \\\\CLINIC-NAS\\scans\\2019 — it still has {{name:Oyelaran, Temitope}} - Discharge Summary.pdf in it.",
  "Outlook keeps flagging the e-mail titled 'Records request for {{name:Bartholomew Szymanski}}' as spam.",
  "The new girl at reception saved {{name:Priyanka Venkataraman}}'s consent form to her desktop, can we move it to the EHR?",
  "Reminder: {{name:Ignatius Fairweather}} (MR# {{mrn:88213}}) has a standing order for B12 shots every 4 weeks.",
  "Browser history on FRONTDESK-3 shows https://portal.examplehealth.net/patients/{{name:cordelia-vantongeren}}/billing opened at 3 am, is that a breach?",
  "Returned mail for {{name:Florencio Abubakar}}: moved, no forwarding address, last known {{address:Scranton, PA 18505}}.",
  "Fax cover sheet left on the copier: Re: {{name:Winifred Osei-Bonsu}}, DOB {{dob:02/11/1947}}, knee MRI results.",
  "mrs {{name:lindqvist}} is upset that her statement went to her old address, pls update it to {{address:903 birchwood ln, altoona, pa 16601}}",
  "The lab interface dropped the result for {{name:TREMBLAY, GENEVIEVE}} again. MRN {{mrn:3310457}}.",
  "Dropbox link shared by mistake: https://files.example.com/s/abc123/{{name:Ruairi_OConnell}}_xray.zip — please revoke it.",
  "Spoke with {{name:Hamid Rostami}}, the patient's son, who was calling for his dad about the refill.",
  "Sticky note on EXAM-4 monitor: call back {{name:Thaddeus}} re: colonoscopy prep, {{phone:570-555-0178}}",
  "Requesting access for the new MA so she can see the referral queue (current referral: {{name:Eudora Blackwood}}, cardiology).",
  "Scanned the wrong insurance card into {{name:Nakamura-Hale, Sachiko}}'s chart, please unlink the image.",
  "Subject line of the bounced e-mail: FW: {{name:Cosmin Dragomir}} - prior auth denial - urgent",
  "Patient {{name:Ebony Castellanos-Whitaker}} says the portal shows someone else's lab results.",
  "I found a USB stick in room 6 labelled 'photos {{name:Barnaby Thistlewood}} wound care'.",
  "Our old EMR exported everything as LASTNAME_FIRSTNAME.txt, e.g. {{name:MCALLISTER_DORIS}}.txt, do we need to keep those?",
  "Voicemail transcript: Hi this is {{name:Magdalena Wierzbicka}}, I need to reschedule my physical, my number is {{phone:717.555.0191}}.",
  "Address on the intake form: {{address:17 Old Mill Road}}, {{address:Mechanicsburg, PA 17055}}. The patient wrote the ZIP twice.",
  "Could you check why the label printer only prints the first line? It cut off after '{{name:Fitzwilliam Okonjo-Adeyemi}}'.",
  "Chart of {{name:Rosalind Featherstonehaugh}} was opened by a user who is not on her care team.",
  "Clinical note: patient reports better sleep since the dose change, no side effects, follow up in 6 weeks.",
  "Clinical note: {{name:Anselm Krzyzanowski}} came in with his wife for the diabetes education class.",
  // Lines with no PHI: the same people writing about machines.
  "Hi team, the scanner at the front desk keeps jamming on double-sided pages. Can you look at the rollers?",
  "Can we get a second monitor for the billing office? Grace says she needs it for the claims screen.",
  "The Wi-Fi in the waiting room drops every afternoon around 3 pm, guests keep complaining.",
  "Please renew the certificate on the patient portal before it expires on the 14th.",
  "Windows updates rebooted EXAM-2 in the middle of a visit, can we move the window to 7 pm?",
  "Reception needs a new badge printer ribbon, the old one is streaking.",
  "Dr. Whitfield wants the dictation software installed on her laptop before Monday.",
  "Who changed the backup schedule? Last night's job did not run.",
  "The fax line has static again, Verizon says the problem is inside the building.",
  "Can you add Hope and Will to the front desk group? They start next week.",
  "The label printer prints blank labels after the toner change.",
  "Clinic closes early on Friday for the holiday party, please push updates Thursday night instead.",
];

/** The free-text lines with their gold spans. */
export function freeTextLines(): CorpusLine[] {
  return LINES.map(parseMarked);
}
