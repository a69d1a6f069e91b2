/**
 * A fourth tuning corpus, by a fifth method: the staff chat of a clinic's front desk and back office,
 * typed fast and mostly in lowercase, where a patient's name often stands with no cue word before it
 * ("naledi mbatha in rm 4", "moved jaco castens to 2:30", "pulled ruta karlsone's labs"). People come
 * from @faker-js/faker in locales that no other corpus draws (Australian and South African English,
 * European Portuguese, Swiss German, Flemish, Slovak, Latvian, Slovenian, Afrikaans, Zulu, Yoruba,
 * Serbian, Uzbek, Nepali, Senegalese French) and, for a third of them, from `chance` (its English,
 * Italian, Dutch and French given names and its surname lists); given names alone count as names too, and one in six full names has a middle name. PHI-free lines
 * are the same chat about drugs, devices, vendors and IT, full of words no dictionary holds (drug and
 * product names, abbreviations, host names). The scrubber may be tuned on this corpus.
 */
import {
  af_ZA,
  base,
  de_CH,
  en,
  en_AU,
  en_NP,
  en_US,
  en_ZA,
  Faker,
  fr_SN,
  lv,
  nl_BE,
  pt_PT,
  sk,
  sl_SI,
  sr_RS_latin,
  uz_UZ_latin,
  yo_NG,
  zu_ZA,
} from "@faker-js/faker";
import Chance from "chance";
import { prng } from "../../lib/testing/prng.ts";
import { assemble, type CorpusLine, type Part } from "./corpus.ts";

const LOCALES = [
  en_AU,
  en_ZA,
  pt_PT,
  de_CH,
  nl_BE,
  sk,
  lv,
  sl_SI,
  af_ZA,
  zu_ZA,
  yo_NG,
  sr_RS_latin,
  uz_UZ_latin,
  en_NP,
  fr_SN,
];
// Words a clinic's chat is full of that no English dictionary holds, or holds rarely.
const DRUGS = [
  "lisinopril",
  "metformin",
  "atorvastatin",
  "amlodipine",
  "omeprazole",
  "gabapentin",
  "hctz",
  "losartan",
  "sertraline",
  "levothyroxine",
  "albuterol",
  "prednisone",
  "amoxicillin",
  "azithromycin",
  "tamsulosin",
  "montelukast",
  "meloxicam",
  "zoloft",
  "lipitor",
  "synthroid",
  "ozempic",
  "eliquis",
  "januvia",
  "flonase",
  "tdap",
  "shingrix",
  "keflex",
  "augmentin",
];
const LABS = ["cbc", "bmp", "cmp", "a1c", "tsh", "lipids", "ua", "inr", "psa", "hcg", "strep", "flu swab"];
const VENDORS = [
  "labcorp",
  "quest",
  "athena",
  "epic",
  "citrix",
  "meraki",
  "sophos",
  "datto",
  "kareo",
  "eclinicalworks",
  "nextgen",
  "availity",
  "surescripts",
  "mckesson",
  "henry schein",
  "cerner",
  "drchrono",
  "okta",
];
const DEVICES = [
  "otoscope",
  "glucometer",
  "pulse ox",
  "bp cuff",
  "ekg machine",
  "autoclave",
  "nebulizer",
  "tympanometer",
];
const VISITS = [
  "physical",
  "f/u",
  "wcc",
  "med check",
  "flu shot",
  "wound check",
  "bp check",
  "sports physical",
  "tb read",
  "ua",
];
const RELATIONS = ["mom", "dad", "husband", "wife", "daughter", "son", "grandma", "caregiver"];
const DAYS = ["today", "tmrw", "mon", "tues", "wed", "thurs", "fri", "next wk"];

/** Build the corpus: `phiLines` lines with PHI and `cleanLines` PHI-free lines, shuffled by seed. */
export function chatCorpus(
  opts: { seed?: number; phiLines?: number; cleanLines?: number } = {},
): CorpusLine[] {
  const seed = opts.seed ?? 515;
  const rnd = prng(seed);
  const fakers = LOCALES.map((l, n) => new Faker({ locale: [l, en, base], seed: seed + n }));
  const us = new Faker({ locale: [en_US, en, base], seed });
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pad = (n: number) => String(n).padStart(2, "0");
  // Chat drops diacritics half the time ("ruta karlsone" for "Rūta Karlsone").
  const typed = (s: string) => (rnd() < 0.5 ? s.normalize("NFD").replace(/\p{M}/gu, "") : s);
  const chance = new Chance(seed);
  const person = () => {
    const sex = rnd() < 0.5 ? "female" : "male";
    if (rnd() < 1 / 3) {
      const g = chance.first({ nationality: pick(["en", "it", "nl", "fr"]), gender: sex });
      const s = chance.last({ nationality: pick(["en", "it", "nl", "uk", "de", "jp", "es", "fr"]) });
      return { g, s, full: `${g} ${s}` };
    }
    const f = pick(fakers);
    const g = typed(f.person.firstName(sex));
    const s = typed(f.person.lastName(sex));
    // One in six typed with a middle name.
    const full = rnd() < 1 / 6 ? `${g} ${typed(f.person.firstName(sex))} ${s}` : `${g} ${s}`;
    return { g, s, full };
  };
  // Names in file names and links lose their diacritics.
  const plain = (x: string) => x.normalize("NFD").replace(/[^A-Za-z]/g, "");
  // Whom a line is about: a full name mostly, a given name alone a quarter of the time.
  const who = (): Part => ["name", rnd() < 0.75 ? person().full : person().g];
  const full = (): Part => ["name", person().full];
  const time = () => `${int(7, 12) > 11 ? 12 : int(1, 11)}:${pick(["00", "15", "30", "45"])}`;
  const phone = () => `${int(201, 989)}-${int(200, 999)}-${String(int(0, 9999)).padStart(4, "0")}`;
  const date = () => `${int(1, 12)}/${int(1, 28)}/${pad(int(30, 99))}`;

  const phi: Array<() => Part[]> = [
    () => [who(), ` in rm ${int(1, 9)}`],
    () => [who(), ` here for ${pick(VISITS)}`],
    () => [who(), ` cant make it ${pick(DAYS)}`],
    () => [who(), ` no show again`],
    () => [`is `, who(), ` still in the lobby?`],
    () => [who(), ` + ${pick(RELATIONS)} in lobby`],
    () => [`moved `, full(), ` to ${time()}`],
    () => [`pulled `, full(), `'s chart`],
    () => [`pls pull `, who(), `'s ${pick(LABS)}`],
    () => [full(), ` ok to release?`],
    () => [`can someone room `, who(), `?`],
    () => [who(), ` asking for a work note`],
    () => [who(), ` needs refill on ${pick(DRUGS)}`],
    () => [who(), ` paid copay`],
    () => [full(), ` bp ${int(100, 180)}/${int(60, 110)}`],
    () => [who(), ` waiting on ride`],
    () => [`got `, full(), `'s fax`],
    () => [full(), `, `, full(), ` both double booked at ${time()}`],
    () => [who(), ` says the ${pick(DRUGS)} isn't working`],
    () => [`running late w/ `, who()],
    () => [full(), ` = new pt, needs intake`],
    () => [`lvm x2 `, full()],
    () => [full(), ` ins termed, self pay?`],
    () => [`re `, full(), `: auth approved`],
    () => [who(), ` walked out`],
    () => [`scheduled `, full(), ` ${pick(DAYS)} am`],
    () => [full(), ` tel `, ["phone", phone()]],
    () => [full(), ` dob `, ["dob", date()], ` needs ${pick(LABS)}`],
    () => [`${pick(LABS)} back on `, full(), `, flagged high`],
    () => [who(), `'s ${pick(RELATIONS)} on line 2`],
    () => [`anyone seen `, who(), `?`],
    () => [`checked in `, full(), ` ${time()}`],
    () => [full(), ` - ${pick(VISITS)} - ${time()}`],
    () => [`${pick(DRUGS)} pa for `, full(), ` denied`],
    () => [full(), ` wants a callback`],
    () => [`told `, who(), ` we'd call`],
    () => [`ty! `, full(), ` is all set`],
    () => [who(), ` in waiting room asking how long`],
    // What staff paste into chat: file names, HL7 segments, mail headers, portal links.
    () => {
      const p = person();
      return [
        `can someone reupload `,
        ["name", `${plain(p.s)}_${plain(p.g)}`],
        `_${pick(["labs", "intake", "consent", "ins"])}.pdf`,
      ];
    },
    () => {
      const p = person();
      return [
        `hl7 error: pid|1||`,
        ["mrn", String(int(10000, 99999))],
        `||`,
        ["name", `${plain(p.s)}^${plain(p.g)}`],
        `||`,
      ];
    },
    () => {
      const p = person();
      const mail = `${plain(p.g)}.${plain(p.s)}${int(1, 99)}@example.org`.toLowerCase();
      return [`fwd from: `, ["name", p.full], ` <`, ["email", mail], `>`];
    },
    () => {
      const p = person();
      return [`link is /portal/search?q=`, ["name", `${plain(p.g)}+${plain(p.s)}`], ` fyi`];
    },
  ];

  const clean: Array<() => string> = [
    () => `${pick(DRUGS)} back ordered, use ${pick(DRUGS)}`,
    () => `${pick(DRUGS)} samples in the closet`,
    () => `${pick(VENDORS)} slow again this am`,
    () => `${pick(VENDORS)} courier came at ${time()}`,
    () => `${pick(DEVICES)} in rm ${int(1, 9)} broken`,
    () => `pls restock ${pick(DEVICES)} supplies`,
    () => `${pick(LABS)} and ${pick(LABS)} standing orders updated`,
    () => `${pick(VENDORS)} login loop, cleared cookies`,
    () => `vpn down for ${pick(VENDORS)} users`,
    () => `ws-${pick(["front", "rm", "lab", "bill"])}${int(1, 12)} rebooting`,
    () => `${us.commerce.productName().toLowerCase()} arrived ${pick(DAYS)}`,
    () => `${pick(VENDORS)} rep lunch ${pick(DAYS)} ${time()}`,
    () => `${pick(LABS)} machine calibrated`,
    () => `anyone know the ${pick(VENDORS)} support #?`,
    () => `${us.word.adjective()} ${us.word.noun()} in the break room lol`,
    () => `ordered more ${pick(DRUGS)} from ${pick(VENDORS)}`,
    () => `epic downtime til ${time()}`,
    () => `${pick(VISITS)} slots open ${pick(DAYS)}`,
    () => `kinda swamped today, ${pick(VISITS)} running ${int(10, 40)} min behind`,
  ];

  const lines: CorpusLine[] = [];
  for (let i = 0; i < (opts.phiLines ?? 800); i++) {
    const parts = pick(phi)();
    // Chat is lowercase four times in five; the rest is typed with capitals where a name has them.
    const lower = rnd() < 0.8;
    const cased = lower
      ? parts.map((p) => (typeof p === "string" ? p.toLowerCase() : ([p[0], p[1].toLowerCase()] as Part)))
      : parts;
    // One lowercase line in five ends with a shouted abbreviation ("… - LVM", "… per EHR").
    if (lower && rnd() < 0.2)
      cased.push(pick([" - LVM", " per EHR", " FYI", " ASAP", " (PA pending)", " - MA"]));
    lines.push(assemble(cased));
  }
  for (let i = 0; i < (opts.cleanLines ?? 300); i++)
    lines.push({
      text: pick(clean)().toLowerCase() + (rnd() < 0.2 ? pick([" - FYI", " per IT", " ASAP", " (EHR)"]) : ""),
      spans: [],
    });
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return lines;
}
