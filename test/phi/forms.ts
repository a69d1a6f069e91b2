/**
 * A second tuning corpus, by a third method: every kind of identifier HIPAA Safe Harbor names
 * (45 CFR 164.514(b)(2)) that the scrubber removes, each written in many textual forms (labelled
 * and unlabelled, document titles, file names, paths, URLs, e-mail headers, CSV, JSON, XML, key=value,
 * fax covers, calendar entries, SMS, mailing labels), crossed with case (shouted, lowercase).
 * People and places come from neither list the scrubber or the other corpora use: names from the
 * `chance` package (given names in four languages, surnames in eight), words its syllable generator
 * invents, the same names transliterated into Cyrillic and Greek, and particles and double-barrelled
 * forms; cities are chance's invented ones and ZIPs are random. PHI-free lines are operational and
 * clinic text with capitalised words that are not names. The scrubber may be tuned on this corpus
 * (unlike heldout.ts): it exists to generalise rules by kind of identifier, not by word.
 */
import Chance from "chance";
import { prng } from "../../lib/testing/prng.ts";
import { assemble, type CorpusLine, MONTH_NAMES, type Part } from "./corpus.ts";

const GIVEN_LANGS = ["en", "it", "nl", "fr"] as const;
const SURNAME_LANGS = ["en", "it", "nl", "uk", "de", "jp", "es", "fr"] as const;
const CYRILLIC: Record<string, string> = Object.fromEntries(
  [..."abcdefghijklmnopqrstuvwxyz"].map((c, i) => [c, "абкдефгхийклмнопкрстуввксиз"[i]!]),
);
const GREEK: Record<string, string> = Object.fromEntries(
  [..."abcdefghijklmnopqrstuvwxyz"].map((c, i) => [c, "αβκδεφγηιζκλμνοπκρστυββξυζ"[i]!]),
);
const DOC_TITLES = [
  "Operative report",
  "Progress note",
  "Consult note",
  "After-visit summary",
  "Care plan",
  "Lab requisition",
  "Superbill",
  "Prior authorization",
  "Radiology report",
  "Pathology report",
  "Vaccination record",
  "Work excuse",
  "Release of information",
  "Referral letter",
  "Discharge instructions",
  "Visit summary",
  "Encounter summary",
  "Treatment plan",
  "Medication list",
  "Sick note",
];
const DOC_FILE_WORDS = [
  "CT",
  "MRI",
  "labs",
  "consent",
  "referral",
  "EOB",
  "xray",
  "intake",
  "HIPAA_release",
  "ins_card",
  "ID",
  "summary",
  "notes",
  "scan",
];
const EXT = ["pdf", "PDF", "docx", "tif", "jpg", "png", "xlsx", "txt"];
const DOMAINS = ["gmail.com", "hotmail.com", "aol.com", "msn.com", "me.com", "att.net", "mail.example.org"];
const HOSTS = [
  "RECEPTION-01",
  "EXAM3-PC",
  "BILLING-LT2",
  "NP-OFFICE",
  "LAB-WS4",
  "XRAY-CONSOLE",
  "SRV-EHR01",
];
const APPS = ["Outlook", "Teams", "Chrome", "Acrobat", "Dragon", "eClinicalWorks", "Athena", "Kareo", "Epic"];
const RELATIONS = [
  "wife",
  "husband",
  "daughter",
  "son",
  "mother",
  "father",
  "sister",
  "brother",
  "grandson",
  "aunt",
];
const CONDITIONS = ["type 2 diabetes", "hypertension", "asthma", "COPD", "migraine", "GERD", "depression"];

/** Build the corpus: `phiLines` lines with PHI and `cleanLines` PHI-free lines, shuffled by seed. */
export function formsCorpus(
  opts: { seed?: number; phiLines?: number; cleanLines?: number } = {},
): CorpusLine[] {
  const seed = opts.seed ?? 4242;
  const c = new Chance(seed);
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const digits = (n: number) => Array.from({ length: n }, () => String(int(0, 9))).join("");
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  const letters = (n: number) =>
    Array.from({ length: n }, () => "ABCDEFGHJKLMNPRSTUVWXYZ"[int(0, 22)]).join("");
  const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);

  // Names: chance's lists, its syllable words, transliterations, particles, double barrels.
  const invented = () => cap(c.word({ syllables: int(2, 3) }));
  const script = (w: string, table: Record<string, string>) =>
    cap([...w.toLowerCase()].map((ch) => table[ch] ?? ch).join(""));
  const given = () => {
    const r = rnd();
    if (r < 0.55) return c.first({ nationality: pick(GIVEN_LANGS) });
    if (r < 0.85) return invented();
    return script(c.first({ nationality: "en" }), pick([CYRILLIC, GREEK]));
  };
  const surname = () => {
    const r = rnd();
    if (r < 0.5) return c.last({ nationality: pick(SURNAME_LANGS) });
    if (r < 0.7) return invented();
    if (r < 0.8) return `${pick(["van der ", "de la ", "bin ", "Al-", "O'", "Mc", "Da"])}${invented()}`;
    if (r < 0.9) return `${c.last({ nationality: pick(SURNAME_LANGS) })}-${invented()}`;
    return script(c.last({ nationality: "en" }), pick([CYRILLIC, GREEK]));
  };
  const ascii = (x: string) => x.normalize("NFD").replace(/[^A-Za-z]/g, "") || "Ana";
  const person = () => {
    const g = given();
    const s = surname();
    return { g, s, full: `${g} ${s}` };
  };
  const nameForm = () => {
    const p = person();
    return pick([
      p.full,
      p.full,
      `${p.s}, ${p.g}`,
      `${p.g} ${letters(1)}. ${p.s}`,
      `${p.s.toUpperCase()}, ${p.g.toUpperCase()}`,
      `${p.g[0]}. ${p.s}`,
    ]);
  };

  // Other identifiers.
  const year = () => int(1928, 2023);
  const month = () => int(1, 12);
  const day = () => int(1, 28);
  const date = () => {
    const y = year();
    const m = month();
    const d = day();
    const mon = MONTH_NAMES[m - 1]!;
    return pick([
      `${pad(m, 2)}/${pad(d, 2)}/${y}`,
      `${m}/${d}/${y}`,
      `${y}-${pad(m, 2)}-${pad(d, 2)}`,
      `${pad(d, 2)}.${pad(m, 2)}.${y}`,
      `${mon} ${d}, ${y}`,
      `${mon.slice(0, 3)} ${d} ${y}`,
      `${d} ${mon} ${y}`,
      `${d}-${mon.slice(0, 3)}-${y}`,
      `${mon} ${d}${d % 10 === 1 && d !== 11 ? "st" : d % 10 === 2 && d !== 12 ? "nd" : d % 10 === 3 && d !== 13 ? "rd" : "th"}, ${y}`,
      `${y}${pad(m, 2)}${pad(d, 2)}`,
    ]);
  };
  const phone = () => {
    const a = int(201, 989);
    const b = int(200, 999);
    const n = pad(int(0, 9999), 4);
    return pick([
      `(${a}) ${b}-${n}`,
      `(${a})${b}-${n}`,
      `${a}-${b}-${n}`,
      `${a}.${b}.${n}`,
      `${a} ${b} ${n}`,
      `+1-${a}-${b}-${n}`,
      `+1 (${a}) ${b}-${n}`,
    ]);
  };
  const email = (p = person()) =>
    `${pick([
      `${ascii(p.g)}.${ascii(p.s)}`.toLowerCase(),
      `${ascii(p.g)[0]}${ascii(p.s)}`.toLowerCase(),
      `${ascii(p.s)}${int(1, 99)}`.toLowerCase(),
      `${ascii(p.g)}_${ascii(p.s)}${int(50, 99)}`,
    ])}@${pick(DOMAINS)}`;
  const ssn = () => {
    const a = pad(int(1, 665), 3);
    const b = pad(int(1, 99), 2);
    const d = pad(int(1, 9999), 4);
    return pick([`${a}-${b}-${d}`, `${a} ${b} ${d}`, `${a}${b}${d}`]);
  };
  const mrn = () =>
    pick([
      digits(5),
      digits(7),
      digits(8),
      `${letters(1)}${digits(6)}`,
      `${letters(2)}-${digits(6)}`,
      `00${digits(6)}`,
    ]);
  const memberId = () =>
    pick([
      `${letters(3)}${digits(9)}`,
      `${letters(1)}${digits(8)}`,
      `${digits(9)}${letters(2)}`,
      `${letters(2)}${digits(7)}-${pad(int(1, 9), 2)}`,
    ]);
  const city = () => (rnd() < 0.7 ? c.city() : `${invented()}-${invented()}`);
  const state = () => c.state();
  const zip = () =>
    rnd() < 0.8 ? pad(int(1001, 99950), 5) : `${pad(int(1001, 99950), 5)}-${pad(int(1, 9999), 4)}`;
  const street = () => {
    const s = c.address({ short_suffix: rnd() < 0.5 });
    return rnd() < 0.25
      ? `${s}, ${pick(["Apt", "Apt.", "Unit", "#", "Ste"])} ${pick([String(int(1, 40)), `${int(1, 9)}${letters(1)}`])}`
      : s;
  };
  const cityLine = () => `${city()}, ${state()} ${zip()}`;
  const host = () => pick(HOSTS);
  const when = () => `${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}`;

  const phi: Array<() => Part[]> = [
    // Names in document titles, headers and subjects.
    () => [`${pick(DOC_TITLES)} for `, ["name", nameForm()]],
    () => [`${pick(DOC_TITLES).toUpperCase()} - `, ["name", nameForm()]],
    () => [
      `${pick(DOC_TITLES)}: `,
      ["name", person().full],
      `, seen ${pick(["today", "on Tuesday", "this morning"])}`,
    ],
    () => [`Subject: ${pick(["RE: ", "FW: ", ""])}${pick(DOC_TITLES)} - `, ["name", person().full]],
    () => [
      `Subject: `,
      ["name", person().full],
      ` - ${pick(["follow up", "billing question", "refill", "appointment"])}`,
    ],
    () => {
      const p = person();
      return [`From: `, ["name", p.full], ` <`, ["email", email(p)], `>`];
    },
    () => [`To: "`, ["name", `${person().s}, ${person().g}`], `" <`, ["email", email()], `>`],
    () => [`${pick(APPS)}: opened "${pick(DOC_TITLES)} - `, ["name", person().full], `"`],
    // File names and paths.
    () => {
      const p = person();
      const sep = pick(["_", "-", " ", "."]);
      const w = pick(DOC_FILE_WORDS);
      return [
        `${host()} saved C:\\Users\\frontdesk\\Documents\\`,
        ["name", `${ascii(p.s)}${sep}${ascii(p.g)}`],
        `${sep}${w}.${pick(EXT)}`,
      ];
    },
    () => {
      const p = person();
      const w = pick(DOC_FILE_WORDS);
      return [`\\\\NAS01\\scans\\${year()}\\${w}_`, ["name", `${ascii(p.g)}_${ascii(p.s)}`], `.${pick(EXT)}`];
    },
    () => {
      const p = person();
      return [
        `upload: `,
        ["name", `${ascii(p.s).toLowerCase()}_${ascii(p.g).toLowerCase()}`],
        `_${pick(DOC_FILE_WORDS).toLowerCase()}_${year()}.${pick(EXT)}`,
      ];
    },
    () => {
      const p = person();
      return [
        `/home/share/patients/`,
        ["name", `${ascii(p.s)}, ${ascii(p.g)}`],
        `/${pick(DOC_FILE_WORDS)}.${pick(EXT)}`,
      ];
    },
    () => {
      const p = person();
      return [
        `Scanned ${pick(["document", "image", "page"])}: `,
        ["name", `${ascii(p.s)}${ascii(p.g)}`],
        `_${pad(month(), 2)}${pad(day(), 2)}.${pick(EXT)}`,
      ];
    },
    // URLs.
    () => {
      const p = person();
      return [`GET /api/patients?name=`, ["name", `${ascii(p.g)}+${ascii(p.s)}`], `&page=2 200`];
    },
    () => {
      const p = person();
      return [
        `https://portal.example.net/chart/`,
        ["name", `${ascii(p.s)}-${ascii(p.g)}`.toLowerCase()],
        `/visits`,
      ];
    },
    () => {
      const p = person();
      return [
        `referer: https://ehr.example.org/search?lastName=`,
        ["name", ascii(p.s)],
        `&firstName=`,
        ["name", ascii(p.g)],
      ];
    },
    () => {
      const p = person();
      return [
        `https://www.facebook.com/`,
        ["name", `${ascii(p.g)}.${ascii(p.s)}`.toLowerCase()],
        ` linked in chat`,
      ];
    },
    // Captions, labels, letters, notes.
    () => [
      `Image caption: `,
      ["name", person().full],
      `, ${pick(["left knee", "rash, day 2", "pre-op", "wound check"])}`,
    ],
    () => [`Photo of `, ["name", person().full], ` attached to chart`],
    () => [`Dear `, pick(["Mr. ", "Ms. ", "Mrs. "]), ["name", surname()], `,`],
    () => [`Dear `, ["name", person().full], `,`],
    () => [`Attn: `, ["name", person().full], `, `, ["address", street()], `, `, ["address", cityLine()]],
    () => [
      ["name", person().full.toUpperCase()],
      ` / `,
      ["address", street().toUpperCase()],
      ` / `,
      ["address", cityLine().toUpperCase()],
    ],
    () => [
      `c/o `,
      ["name", person().full],
      `, `,
      ["address", `PO Box ${int(1, 9999)}`],
      `, `,
      ["address", cityLine()],
    ],
    () => [
      `Return to sender: `,
      ["name", person().full],
      ` `,
      ["address", street()],
      ` `,
      ["address", cityLine()],
    ],
    () => [
      `Patient `,
      ["name", person().full],
      ` ${pick(["was seen", "called", "no-showed", "cancelled", "checked in", "arrived late"])} ${pick(["today", `at ${when()}`, "for follow-up"])}`,
    ],
    () => [
      ["name", person().full],
      ` ${pick(["called", "left a voicemail", "requested records", "wants a callback", "is asking about"])} ${pick(["re: billing", "about her MRI", "for a refill", `at ${when()}`])}`,
    ],
    () => [
      `${pick(["Spoke with", "Left message for", "Called", "Texted", "Emailed"])} `,
      ["name", person().full],
      ` ${pick(["re: results", "about the bill", "to reschedule", "- no answer"])}`,
    ],
    () => [`Pt's ${pick(RELATIONS)} `, ["name", person().full], ` will pick up the prescription`],
    () => [`${cap(pick(RELATIONS))}: `, ["name", person().full], `, `, ["phone", phone()]],
    () => [
      `${when()} `,
      ["name", person().full],
      ` - ${pick(["annual physical", "f/u", "new patient", "telehealth", "flu shot"])} (Dr. ${c.last({ nationality: "en" })})`,
    ],
    () => [
      `Appointment reminder sent to `,
      ["name", person().full],
      ` for ${pick(["Monday", "tomorrow", "next week"])}`,
    ],
    () => [`SMS to `, ["phone", phone()], `: Hi `, ["name", given()], `, your appointment is confirmed.`],
    () => [
      `Received fax from Dr. ${c.last({ nationality: "en" })} re: `,
      ["name", person().full],
      `, DOB `,
      ["dob", date()],
    ],
    () => [`Re: `, ["name", person().full], ` (DOB `, ["dob", date()], `)`],
    () => [["name", person().full], `, `, ["dob", date()], `, MRN `, ["mrn", mrn()]],
    () => [["name", `${person().s}, ${person().g}`], ` (MR# `, ["mrn", mrn()], `)`],
    // Structured rows.
    () => {
      const p = person();
      return [
        `${digits(5)},`,
        ["name", p.s],
        `,`,
        ["name", p.g],
        `,`,
        ["dob", date()],
        `,`,
        ["phone", phone()],
        `,${pick(["Aetna", "Cigna", "BCBS", "Medicare"])}`,
      ];
    },
    () => {
      const p = person();
      return [
        `<Patient><Name>`,
        ["name", p.full],
        `</Name><BirthDate>`,
        ["dob", date()],
        `</BirthDate><MRN>`,
        ["mrn", mrn()],
        `</MRN></Patient>`,
      ];
    },
    () => {
      const p = person();
      return [
        `{"name": "`,
        ["name", p.full],
        `", "dob": "`,
        ["dob", date()],
        `", "email": "`,
        ["email", email(p)],
        `"}`,
      ];
    },
    () => [
      `name=`,
      ["name", person().full],
      ` birth_date=`,
      ["dob", date()],
      ` zip=`,
      ["address", zip().slice(0, 5)],
    ],
    () => [
      `PID|1||`,
      ["mrn", digits(7)],
      `^^^HOSP^MR||`,
      ["name", `${ascii(person().s).toUpperCase()}^${ascii(person().g).toUpperCase()}`],
      `||`,
      ["dob", `${year()}${pad(month(), 2)}${pad(day(), 2)}`],
      `|F`,
    ],
    // Addresses in other forms.
    () => [`Address: `, ["address", `${street()}, ${cityLine()}`]],
    () => [`Lives at `, ["address", street()], ` in `, ["address", `${city()}, ${state()} ${zip()}`]],
    () => [`Moved to `, ["address", `${city()}, ${state()} ${zip()}`], ` last year`],
    () => [`ship to: `, ["address", `${street()}, ${cityLine()}`.toLowerCase()]],
    () => [
      `${digits(4)},"`,
      ["address", street()],
      `","`,
      ["address", city()],
      `",${state()},`,
      ["address", zip()],
    ],
    () => [
      `Home: `,
      ["address", street()],
      `; City: `,
      ["address", city()],
      `; State: ${state()}; ZIP: `,
      ["address", zip()],
    ],
    () => [`returned mail - `, ["address", `${city()} ${state()} ${zip()}`]],
    // Dates in other forms.
    () => [`DOB: `, ["dob", date()]],
    () => [`D.O.B. `, ["dob", date()], ` / Age ${int(18, 88)}`],
    () => [`Born `, ["dob", date()], ` in `, ["address", `${city()}, ${state()}`]],
    () => [`Date of birth - `, ["dob", date()]],
    () => [`Admit date: `, ["dob", date()], `  Discharge date: `, ["dob", date()]],
    () => [`Date of service ${pick([":", "-", ""])} `, ["dob", date()]],
    () => [`Seen on `, ["dob", date()], ` for ${pick(CONDITIONS)}`],
    () => [`birthdate=`, ["dob", date()], `&sex=F`],
    // Phones and e-mail.
    () => [`Fax: `, ["phone", phone()]],
    () => [`Cell `, ["phone", phone()], ` / Work `, ["phone", phone()]],
    () => [`Best callback number is `, ["phone", phone()], `.`],
    () => [`Tel.: `, ["phone", phone()], ` ext ${int(10, 999)}`],
    () => [`mailto:`, ["email", email()]],
    () => [`Bounced: <`, ["email", email()], `> mailbox unavailable`],
    () => [`portal invite sent to `, ["email", email()], ` at ${when()}`],
    // SSN.
    () => [`SSN: `, ["ssn", ssn()]],
    () => [`Social Security No. `, ["ssn", ssn()]],
    () => [`ss#`, ["ssn", ssn()]],
    () => [
      `SSN last 4 on file, full SSN `,
      ["ssn", `${pad(int(1, 665), 3)}-${pad(int(1, 99), 2)}-${pad(int(1, 9999), 4)}`],
      ` entered by mistake`,
    ],
    // Record, account, claim numbers.
    () => [`MR# `, ["mrn", mrn()]],
    () => [`MR #`, ["mrn", mrn()]],
    () => [`MRN:`, ["mrn", mrn()]],
    () => [`Med Rec #`, ["mrn", mrn()]],
    () => [`Chart # `, ["mrn", mrn()]],
    () => [`Patient ID ${pick([":", "#", ""])} `, ["mrn", mrn()]],
    () => [`Account # `, ["mrn", digits(int(6, 10))]],
    () => [`Acct No. `, ["mrn", digits(int(6, 10))]],
    () => [`Encounter # `, ["mrn", digits(9)]],
    () => [`Visit ID `, ["mrn", `V${digits(8)}`]],
    // Plan and member numbers.
    () => [`Member ID: `, ["member-id", memberId()]],
    () => [`Policy # `, ["member-id", memberId()], `, Group # `, ["member-id", digits(6)]],
    () => [`Subscriber ID `, ["member-id", memberId()]],
    () => [`Medicaid ID: `, ["member-id", `${letters(2)}${digits(8)}`]],
    () => [`Insurance ID `, ["member-id", memberId()]],
    // Several kinds on one line, as notes run on.
    () => {
      const p = person();
      return [
        ["name", p.full],
        ` (DOB `,
        ["dob", date()],
        `) ${pick(["lives at", "at"])} `,
        ["address", street()],
        `, `,
        ["address", cityLine()],
        `, ph `,
        ["phone", phone()],
      ];
    },
    () => [`New pt: `, ["name", person().full], `; `, ["email", email()], `; `, ["phone", phone()]],
    () => [`Clinical note: `, ["name", person().full], ` reports improvement in ${pick(CONDITIONS)}.`],
  ];

  const clean: Array<() => string> = [
    () => `${host()} ${pick(APPS)} updated to ${int(1, 30)}.${int(0, 9)}.${int(0, 999)}`,
    () =>
      `Windows Defender definitions ${int(1, 1)}.${int(400, 420)}.${int(0, 999)}.0 installed on ${host()}`,
    () => `Printer "Exam Room ${int(1, 9)}" offline since ${when()}`,
    () => `${pick(DOC_TITLES)} template updated by the practice manager`,
    () => `Blank_${pick(DOC_FILE_WORDS)}_Form_v${int(1, 9)}.${pick(EXT)} copied to \\\\NAS01\\templates`,
    () => `Scanned ${int(1, 60)} pages to \\\\NAS01\\scans\\inbox at ${when()}`,
    () => `GET /api/patients?page=${int(1, 50)}&sort=lastName 200 ${int(2, 900)}ms`,
    () => `Dr. ${c.first({ nationality: "en" })} ${c.last({ nationality: "en" })} signed ${int(2, 40)} notes`,
    () => `Quest Diagnostics interface resumed; ${int(1, 300)} results queued`,
    () => `Backup job "Nightly EHR" completed: ${int(1, 900)} GB in ${int(1, 59)} min`,
    () => `Grant Access to the Billing share for the new front desk role`,
    () => `Will retry the upload in ${int(1, 30)} seconds`,
    () => `Mark all as read in the shared mailbox`,
    () => `Page ${int(1, 9)} of ${int(10, 20)} printed on ${host()}`,
    () => `The Texas office moved its fax line to the cloud fax service`,
    () => `Staff meeting in the Conference Room on Friday at ${when()}`,
    () => `Vaccine fridge temperature ${int(2, 8)}.${int(0, 9)} C at ${when()}`,
    () => `Referral queue has ${int(1, 90)} items; oldest is ${int(1, 30)} days`,
    () => `Clinical note template: Subjective, Objective, Assessment and Plan sections`,
    () => `Discharge summary for the ${pick(["cardiology", "orthopedics", "pediatrics"])} service exported`,
    () => `Firewall blocked ${int(1, 999)} connections from 203.0.113.${int(1, 254)}`,
    () => `License for ${pick(APPS)} expires in ${int(2, 90)} days`,
    () => `Spring Valley Family Medicine newsletter sent to the mailing list`,
    () => `Lakeside Pediatrics Group shares the Main Street parking lot`,
    () => `Ticket ${digits(5)} closed: ${pick(APPS)} crashed when opening large PDFs`,
    () => `Event ID ${int(1000, 9999)}: The Print Spooler service entered the stopped state`,
    () => `User FRONTDESK\\${pick(["mhall", "jdoe2", "reception"])} logged on to ${host()}`,
    () => `Patient Portal maintenance window Sunday ${when()} to ${when()}`,
    () => `Encounter forms for Monday printed in advance`,
    () => `Care Team view shows ${int(1, 40)} open tasks`,
    // Capitalised words where the name rules look: schedule slots, verbs that reach people, scans.
    () => `${when()} Staff Meeting - Conference Room (Dr. ${c.last({ nationality: "en" })} presenting)`,
    () => `${when()} Vendor Demo - new phone system`,
    () => `Emailed Quest Diagnostics about the interface`,
    () => `Spoke with Epic Support about the upgrade`,
    () => `Sent to Iron Mountain for shredding`,
    () => `Left message for Lakeside Pharmacy re: fax line`,
    () => `Called Comcast Business to report the outage`,
    () => `Scanned page: InsuranceCard_${pad(month(), 2)}${pad(day(), 2)}.${pick(EXT)}`,
    () => `Scanned image: ScreenShot_${pad(month(), 2)}${pad(day(), 2)}.png`,
    () => `${host()} saved C:\\Users\\frontdesk\\Documents\\Fax Cover ${pick(DOC_FILE_WORDS)}.${pick(EXT)}`,
  ];

  const lines: CorpusLine[] = [];
  for (let i = 0; i < (opts.phiLines ?? 1_000); i++) {
    const parts = pick(phi)();
    const r = rnd();
    // Legacy systems shout and chat whispers: a tenth of the lines in each.
    const cased =
      r < 0.1
        ? recase(parts, (s) => s.toUpperCase())
        : r < 0.2
          ? recase(parts, (s) => s.toLowerCase())
          : parts;
    lines.push(assemble(cased));
  }
  for (let i = 0; i < (opts.cleanLines ?? 400); i++) lines.push({ text: pick(clean)(), spans: [] });
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return lines;
}

function recase(parts: Part[], f: (s: string) => string): Part[] {
  return parts.map((p) => (typeof p === "string" ? f(p) : [p[0], f(p[1])]));
}
