/**
 * PHI detectors: one regular expression per kind of identifier. Context-bound detectors (MRN,
 * member id, date of birth…) capture only the value in the named group `v`, so the label stays
 * readable in logs ("MRN: [REDACTED:mrn]"). Patterns are tuned against the synthetic corpus in
 * corpus.ts; anything that is routinely in device logs (timestamps, IPs, ports, build numbers, KB
 * ids, hashes) must not match without a patient context word.
 */

/** Kinds of PHI the scrubber recognises; the kind is kept in the redaction marker. */
export type PhiKind = "ssn" | "mrn" | "dob" | "phone" | "email" | "address" | "name" | "member-id" | "note";

/** One detector: every match of `re` (global, with indices) is PHI of `kind` (group `v` if present). */
export interface Detector {
  kind: PhiKind;
  re: RegExp;
}

const SEP = String.raw`["']?\s*(?:[:=#]|no\.?|number|num|id)?\s*[:=#]?\s*["']?`;
const MONTHS =
  "Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?";
const DATE = String.raw`(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|(?:${MONTHS})\.? \d{1,2},? \d{4}|\d{1,2} (?:${MONTHS})\.? \d{4})`;
// A personal name: 1–4 capitalised words, initials, particles; also "Last, First".
const NAME_WORD = String.raw`(?:(?:Mc|Mac|O')\p{Lu}\p{Ll}+|\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}?\p{Ll}+)*|\p{Lu}\.|(?!(?:ID|MRN|DOB|NAME|NO|NUMBER|ACCT|SSN|DATE)\b)\p{Lu}['’]?\p{Lu}+(?:[-'’]\p{Lu}+)*)`;
// Words that follow "Patient" in product and service names, never a person's name, and honorifics
// (the honorific detector takes the name after them).
const NOT_A_NAME = String.raw`(?!(?:Mr|Mrs|Ms|Miss|Mx|Dr|Portal|Portals|Education|Services?|Access|Safety|Monitor|Check-?in|Intake|Kiosk|Records?|Chart|Data|List|Lookup|Search|Room|Care|Experience|Engagement|Registration|Scheduling|Information|Info|Management|Flow|Tracker|Summary|Statement)\b)`;
const NAME = `${NAME_WORD}(?:,? ${NAME_WORD}){0,3}`;
const STREET_SUFFIX =
  "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|Trl";
const UNIT = String.raw`(?:,? (?:Apt|Apartment|Suite|Ste|Unit|#)\.? ?[A-Za-z0-9-]{1,6})?`;
const CITY_STATE_ZIP = String.raw`(?:,? [A-Z][a-z]+(?: [A-Z][a-z]+){0,2},? [A-Z]{2} \d{5}(?:-\d{4})?)?`;

function re(source: string, flags = "gdi"): RegExp {
  return new RegExp(source, flags);
}

/** The detectors, in the order they are applied (overlaps are merged afterwards). */
export const DETECTORS: readonly Detector[] = [
  // SSN with separators anywhere; 9 bare digits only after an SSN label.
  { kind: "ssn", re: /\b(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}\b/dg },
  {
    kind: "ssn",
    re: re(
      String.raw`\b(?:SSN|social security(?: number| no\.?| #)?|SS#)${SEP}(?<v>\d{3}[- ]?\d{2}[- ]?\d{4})\b`,
    ),
  },
  // Starts only where a run of address characters starts, so long runs are scanned once (linear).
  { kind: "email", re: /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/dgu },
  // Phone numbers need separators, parentheses or +1, so build numbers and byte counts stay.
  {
    kind: "phone",
    re: /(?<![\d.-])(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?![\d.-])/dg,
  },
  {
    kind: "phone",
    re: re(String.raw`\b(?:phone|tel|telephone|cell|mobile|fax|ph|contact number)${SEP}(?<v>\+?\d{10,11})\b`),
  },
  {
    kind: "mrn",
    re: re(
      String.raw`\b(?:MRN|medical record(?: number| no\.?| #)?|chart(?: number| no\.?| #)|patient(?: |_)?(?:id|number|no\.?|#)|(?:patient )?(?:account|acct)(?: number| no\.?| ?#))${SEP}(?<v>[A-Z]{0,3}-?\d[A-Z0-9-]{3,14})\b`,
    ),
  },
  {
    kind: "member-id",
    re: re(
      String.raw`\b(?:(?:member|subscriber|policy|insurance|insured|medicaid|medicare|MBI|plan|beneficiary|HICN)(?: |_)?(?:id|number|no\.?|#|num)?|group(?: |_)?(?:number|no\.?|#|num))${SEP}(?<v>(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{4,19})\b`,
    ),
  },
  // Medicare Beneficiary Identifier shape, with or without dashes.
  {
    kind: "member-id",
    re: /\b[1-9][AC-HJKMNP-RT-Yac-hjkmnp-rt-y][AC-HJKMNP-RT-Yac-hjkmnp-rt-y0-9]\d-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y]{2}\d{2}\b/dg,
  },
  {
    kind: "dob",
    re: re(
      String.raw`\b(?:DOB|D\.O\.B\.?|date of birth|birth ?date|birthday|born(?: on)?|admitted(?: on)?|admission date|discharged(?: on)?|discharge date|date of service|DOS|date of death|deceased(?: on)?|visit date)${SEP}(?<v>${DATE})`,
    ),
  },
  {
    kind: "address",
    re: re(
      String.raw`\b(?<v>\d{1,6} (?:[NSEW]\.? )?(?:[A-Z][a-z]+|\d{1,3}(?:st|nd|rd|th))(?: [A-Z][a-z]+){0,3} (?:${STREET_SUFFIX})\b\.?${UNIT}${CITY_STATE_ZIP})`,
      "gd",
    ),
  },
  { kind: "address", re: re(String.raw`\b(?<v>P\.? ?O\.? Box \d{1,6}${CITY_STATE_ZIP})`, "gdi") },
  { kind: "address", re: re(String.raw`\b(?:zip(?: ?code)?|postal code)${SEP}(?<v>\d{5}(?:-\d{4})?)\b`) },
  // Names in known fields: patient name, guarantor, emergency contact, first/last name keys…
  {
    kind: "name",
    re: new RegExp(
      String.raw`(?:\b(?:[Pp]atient|PATIENT|[Pp]t\.?|PT)(?:[ _]?(?:[Nn]ame|NAME|[Ff]ull[ _]?[Nn]ame))?|\b(?:[Pp]atient|[Pp]t)(?:[Nn]ame|[Ff]ullName)|\b(?:[Gg]uarantor|[Ss]ubscriber|[Ii]nsured|[Rr]esponsible party|[Ee]mergency[ _]?[Cc]ontact|[Nn]ext of kin|NOK|[Pp]arent|[Gg]uardian|[Ss]pouse)(?:[ _]?[Nn]ame)?|\b(?:[Ff]irst|[Ll]ast|[Mm]iddle|[Gg]iven|[Ff]amily|[Ff]ull|[Mm]aiden)[ _]?[Nn]ame|\b(?:first|last|full|given|family)name|\b(?:[Rr]eferrals?|[Rr]esults?|[Ll]etters?|[Rr]ecords?|[Ll]abs?|[Cc]hart|[Ss]tatements?|[Ii]nvoices?) (?:for|of|to)|\bPID-5)["']?\s*[:=]?\s*["']?${NOT_A_NAME}(?<v>${NAME})(?!\p{Ll})`,
      "gdu",
    ),
  },
  // Honorifics in free text ("Mrs. Garcia called", "spoke with Mr. John O'Brien").
  { kind: "name", re: new RegExp(String.raw`\b(?:Mr|Mrs|Ms|Miss|Mx)\.? (?<v>${NAME})`, "gdu") },
  // Clinical free text after a note label runs to the end of the field (line, quote or semicolon).
  {
    kind: "note",
    re: re(
      String.raw`\b(?:clinical note|progress note|visit note|nurse(?:'s)? note|note to chart|chief complaint|CC|HPI|history of present illness|Dx|diagnosis|assessment|plan of care|chart note|medications?|allergies|reason for visit)\s*[:=]\s*["']?(?<v>(?:[^"'\n;|.]|\.(?=\d))(?:[^"'\n;|]){2,})`,
    ),
  },
  // Clinical phrases that only occur in notes about a person.
  {
    kind: "note",
    re: re(
      String.raw`\b(?<v>(?:presented|presents|was seen|c/o|complain(?:s|ed|ing) of|diagnosed with|prescribed|positive for|tested positive|admitted for|referred for|follow-up for|treated for)\b(?:[^"'\n;|.]|\.(?=\d)){3,})`,
    ),
  },
];
