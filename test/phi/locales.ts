/**
 * A third tuning corpus, by a fourth method: people from @faker-js/faker in locales that neither the
 * held-out corpus (heldout.ts) nor the other tuning corpora draw from (Dutch, Brazilian Portuguese,
 * Swedish, Turkish, Romanian, Czech, Hungarian, Indonesian, Danish, Finnish, Croatian, Norwegian,
 * Indian, Nigerian and Ghanaian English), US places from faker's en_US location data, rendered into
 * the artefacts of a clinic's front office that these templates write: fax logs, scan folders,
 * voicemail slips, portal messages, chart-prep lists, labels, referral trackers, eligibility checks,
 * in mixed case. PHI-free lines carry capitalised words that are not people: faker's products,
 * materials, departments, counties and catch phrases, and clinicians. The
 * scrubber may be tuned on this corpus: it exists to teach names the census lists lack by context.
 */
import {
  base,
  cs_CZ,
  da,
  en,
  en_GH,
  en_IN,
  en_NG,
  en_US,
  Faker,
  fi,
  hr,
  hu,
  id_ID,
  nb_NO,
  nl,
  pt_BR,
  ro,
  sv,
  tr,
} from "@faker-js/faker";
import { prng } from "../../lib/testing/prng.ts";
import { assemble, type CorpusLine, type Part } from "./corpus.ts";

const LOCALES = [nl, pt_BR, sv, tr, ro, cs_CZ, hu, id_ID, da, fi, hr, nb_NO, en_IN, en_NG, en_GH];
const DOCS = [
  "Lab results",
  "Referral",
  "Consent form",
  "Visit summary",
  "Imaging report",
  "Care plan",
  "Rx history",
];
const FILE_DOCS = ["labs", "referral", "consent", "summary", "insurance", "intake", "xray"];
const VISITS = ["well visit", "med check", "sick visit", "wound care", "BP check", "vaccines"];
const RELATIONS = ["daughter", "son", "wife", "husband", "mother", "father", "caregiver"];

/** Build the corpus: `phiLines` lines with PHI and `cleanLines` PHI-free lines, shuffled by seed. */
export function localesCorpus(
  opts: { seed?: number; phiLines?: number; cleanLines?: number } = {},
): CorpusLine[] {
  const seed = opts.seed ?? 2024;
  const rnd = prng(seed);
  const fakers = LOCALES.map((l, n) => {
    const f = new Faker({ locale: [l, en, base] });
    f.seed(seed + n);
    return f;
  });
  const us = new Faker({ locale: [en_US, en, base] });
  us.seed(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const person = () => {
    const f = pick(fakers);
    const sex = rnd() < 0.5 ? "female" : "male";
    const g = f.person.firstName(sex);
    const s = f.person.lastName(sex);
    return { g, s, full: `${g} ${s}` };
  };
  // Names in file names and URLs lose their diacritics and spaces.
  const plain = (s: string) => s.normalize("NFD").replace(/[^A-Za-z]/g, "");
  const date = () =>
    pick([
      `${pad(int(1, 12))}/${pad(int(1, 28))}/${int(1930, 2020)}`,
      `${int(1930, 2020)}-${pad(int(1, 12))}-${pad(int(1, 28))}`,
      `${pick(["Jan", "Mar", "Jun", "Sep", "Nov"])} ${int(1, 28)}, ${int(1930, 2020)}`,
    ]);
  const time = () => `${pad(int(7, 17))}:${pad(int(0, 59))}`;
  const phone = () => `(${int(201, 989)}) ${int(200, 999)}-${pad(int(0, 9999), 4)}`;
  const street = () => `${int(1, 9999)} ${us.location.street()}`;
  const cityLine = () =>
    `${us.location.city()}, ${us.location.state({ abbreviated: true })} ${us.location.zipCode("#####")}`;
  const mrn = () => String(int(100000, 9999999));

  const phi: Array<() => Part[]> = [
    () => [`Fax received: ${pick(DOCS)} for `, ["name", person().full], `, ${int(1, 9)} pages`],
    () => {
      const p = person();
      return [`S:\\Clinic\\Scans\\${int(2019, 2025)}\\`, ["name", p.full], ` - ${pick(FILE_DOCS)}.pdf`];
    },
    () => [
      `Voicemail from `,
      ["name", person().full],
      ` at `,
      ["phone", phone()],
      `: wants to move the appointment`,
    ],
    () => [`Chart prep: `, ["name", person().full], ` (${int(2, 95)} y/o) arriving ${time()}`],
    () => {
      const p = person();
      return [
        `Label: `,
        ["name", p.full.toUpperCase()],
        ` / `,
        ["address", street().toUpperCase()],
        ` / `,
        ["address", cityLine().toUpperCase()],
      ];
    },
    () => [`Portal message from `, ["name", person().full], `: "please call me back"`],
    () => [`${pick(DOCS)} for `, ["name", person().full], ` posted to the portal`],
    () => [`Consent form signed by `, ["name", person().full], ` on `, ["dob", date()]],
    () => {
      const p = person();
      return [`Insurance card scan: `, ["name", `${plain(p.s)}_${plain(p.g)}`], `_front.jpg`];
    },
    () => {
      const p = person();
      return [
        `https://ehr.example.net/chart?patient=`,
        ["name", `${plain(p.g)}%20${plain(p.s)}`],
        `&tab=labs`,
      ];
    },
    () => [`Patient `, ["name", person().full], ` checked in at the front desk`],
    () => [`Rx refill request from `, ["name", person().full], `, DOB `, ["dob", date()]],
    () => {
      const p = person();
      return [["name", `${p.s}, ${p.g}`], ` - MRN `, ["mrn", mrn()]];
    },
    () => [`Reminder call to `, ["name", person().full], ` failed: number disconnected`],
    () => [`Dear `, ["name", person().full], `, your test results are ready.`],
    () => {
      const p = person();
      const mail = `${plain(p.g).toLowerCase()}.${plain(p.s).toLowerCase()}${int(1, 99)}@example.com`;
      return [`Sender: `, ["name", p.full], ` <`, ["email", mail], `>`];
    },
    () => [["name", person().full], ` (${pick(RELATIONS)} of patient) called about visiting hours`],
    () => [`Incident: `, ["name", person().full], `'s records printed to the wrong printer`],
    () => [`Document "${pick(DOCS)} - `, ["name", person().full], `" uploaded by the front desk`],
    () => [`Home address on file: `, ["address", street()], `, `, ["address", cityLine()]],
    () => [`ok to release records to `, ["name", person().full.toLowerCase()], `?`],
    () => [`Referral to cardiology for `, ["name", person().full], ` faxed to Dr. ${us.person.lastName()}`],
    () => {
      const p = person();
      return [
        `Scan failed: `,
        ["name", `${plain(p.g)}${plain(p.s)}`],
        `_${pad(int(1, 12))}${pad(int(1, 28))}.pdf`,
      ];
    },
    () => [
      `Eligibility check: `,
      ["name", person().full],
      `, member id `,
      ["member-id", `W${int(10000000, 99999999)}`],
    ],
    () => [`${time()} `, ["name", person().full], ` - ${pick(VISITS)}`],
    () => [`Reschedule `, ["name", person().full], ` to next week`],
    () => [
      `Walk-in: `,
      ["name", person().full],
      `, ${int(2, 95)}, ${pick(["cough", "rash", "ear pain", "fever"])}`,
    ],
    () => [`Printed visit summary for `, ["name", person().full], ` on FRONT-PC2`],
  ];

  const clean: Array<() => string> = [
    () => `Invoice for ${us.commerce.productName()} paid`,
    () => `${us.commerce.productName()} restocked in supply room ${int(1, 4)}`,
    () => `${us.commerce.department()} budget approved for Q${int(1, 4)}`,
    () => `Meeting with the ${us.commerce.department()} vendor rep at ${time()}`,
    () => `${us.company.catchPhrase()} (vendor slide ${int(1, 30)})`,
    () => `Dr. ${us.person.firstName()} ${us.person.lastName()} on call tonight`,
    () => `${us.location.county()} parking permits renewed`,
    () => `Called ${us.commerce.productMaterial()} Copier Support about the jam`,
    () => `Order of ${us.commerce.productName()} shipped by ground`,
    () => `${time()} ${us.commerce.department()} huddle - break room`,
  ];

  const lines: CorpusLine[] = [];
  for (let i = 0; i < (opts.phiLines ?? 800); i++) {
    const parts = pick(phi)();
    const r = rnd();
    const cased =
      r < 0.1
        ? parts.map((p) => (typeof p === "string" ? p.toUpperCase() : ([p[0], p[1].toUpperCase()] as Part)))
        : r < 0.2
          ? parts.map((p) => (typeof p === "string" ? p.toLowerCase() : ([p[0], p[1].toLowerCase()] as Part)))
          : parts;
    lines.push(assemble(cased));
  }
  for (let i = 0; i < (opts.cleanLines ?? 300); i++) lines.push({ text: pick(clean)(), spans: [] });
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return lines;
}
