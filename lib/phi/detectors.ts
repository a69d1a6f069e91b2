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
  /** A cheap test the text must pass before `re` runs (most lines have no "PID|", no ZIP, no "box"). */
  requires?: RegExp;
}

const SEP = String.raw`["']?\s*(?:[:=#]|no\.?|number|num|id)?\s*[:=#]?\s*["']?`;
const MONTHS =
  "Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?";
const DAY = String.raw`\d{1,2}(?:st|nd|rd|th)?`;
// 19850314 as HL7, file names and exports write a date.
const COMPACT_DATE = String.raw`(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])`;
/** A date as people and systems write it (the `v` part of the date detectors). */
export const DATE = String.raw`(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|(?:${MONTHS})\.? ${DAY},? \d{4}|\d{1,2}[ -](?:${MONTHS})\.?[ -]\d{4}|${COMPACT_DATE})`;
// A personal name: 1–4 capitalised words, initials, particles; also "Last, First".
const NAME_WORD = String.raw`(?:(?:Mc|Mac|O')\p{Lu}\p{Ll}+|\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}?\p{Ll}+)*|\p{Lu}\.|(?!(?:ID|MRN|DOB|BORN|NAME|NO|NUMBER|ACCT|SSN|DATE|WAS|IS|HAS|HAD|WITH|FOR|AND|OR|THE|AN|TO|FROM|AT|ON|IN|BY|OF|RE|TESTED|PRESENTED|PRESENTS|SEEN|RETURNED|PRESCRIBED|CALLED|MOVED|DENIES|REPORTS|STATES|PORTAL|RESET)\b)\p{Lu}['’]?\p{Lu}+(?:[-'’]\p{Lu}+)*)`;
// Words that follow "Patient" in product and service names, never a person's name, and honorifics
// (the honorific detector takes the name after them).
const NOT_A_NAME = String.raw`(?!(?:Mr|Mrs|Ms|Miss|Mx|Dr|Portal|Portals|Education|Services?|Access|Safety|Monitor|Check-?in|Intake|Kiosk|Records?|Chart|Data|List|Lookup|Search|Room|Care|Experience|Engagement|Registration|Scheduling|Information|Info|Management|Flow|Tracker|Summary|Statement)\b)`;
const NAME = `${NAME_WORD}(?:,? ${NAME_WORD}){0,3}`;
// USPS street suffixes (Publication 28, appendix C1), full and abbreviated.
const STREET_SUFFIX =
  "Alley|Aly|Annex|Anx|Arcade|Arc|Avenue|Ave|Av|Bayou|Byu|Beach|Bch|Bend|Bnd|Bluffs?|Blfs?|Bottom|Btm|Boulevard|Blvd|Branch|Br|Bridge|Brg|Brook|Brk|Brooks|Brks|Burgs?|Bgs?|Bypass|Byp|Camp|Cp|Canyon|Cyn|Cape|Cpe|Causeway|Cswy|Center|Ctr|Centers|Ctrs|Circles?|Cirs?|Cliffs?|Clfs?|Club|Clb|Common|Cmn|Commons|Cmns|Corners?|Cors?|Course|Crse|Courts?|Cts?|Coves?|Cvs?|Creek|Crk|Crescent|Cres|Crest|Crst|Crossing|Xing|Crossroads?|Xrds?|Curve|Curv|Dale|Dl|Dam|Dm|Divide|Dv|Drives?|Drs?|Estates?|Ests?|Expressway|Expy|Extensions?|Exts?|Falls?|Fls?|Ferry|Fry|Fields?|Flds?|Flats?|Flts?|Fords?|Frds?|Forest|Frst|Forge|Frg|Forges|Frgs|Fork|Frk|Forks|Frks|Fort|Ft|Freeway|Fwy|Gardens?|Gdns?|Gateway|Gtwy|Glens?|Glns?|Greens?|Grns?|Groves?|Grvs?|Harbors?|Hbrs?|Haven|Hvn|Heights|Hts|Highway|Hwy|Hills?|Hls?|Hollow|Holw|Inlet|Inlt|Islands?|Iss?|Isle|Junctions?|Jcts?|Keys?|Kys?|Knolls?|Knls?|Lakes?|Lks?|Land|Landing|Lndg|Lane|Ln|Light|Lgt|Lights|Lgts|Loaf|Lf|Locks?|Lcks?|Lodge|Ldg|Loop|Mall|Manors?|Mnrs?|Meadows?|Mdws?|Mews|Mill|Ml|Mills|Mls|Mission|Msn|Motorway|Mtwy|Mount|Mt|Mountains?|Mtns?|Neck|Nck|Orchard|Orch|Oval|Overpass|Opas|Park|Parks|Parkways?|Pkwys?|Pass|Passage|Psge|Path|Pike|Pines?|Pnes?|Place|Pl|Plains?|Plns?|Plaza|Plz|Point|Pt|Points|Pts|Port|Prt|Ports|Prts|Prairie|Pr|Radial|Radl|Ramp|Ranch|Rnch|Rapids?|Rpds?|Rest|Rst|Ridges?|Rdgs?|River|Riv|Roads?|Rds?|Route|Rte|Row|Rue|Run|Shoals?|Shls?|Shores?|Shrs?|Skyway|Skwy|Springs?|Sprgs?|Spgs?|Spur|Spurs|Squares?|Sqs?|Station|Sta|Stravenue|Stra|Stream|Strm|Streets?|Sts?|Summit|Smt|Terrace|Ter|Throughway|Trwy|Trace|Trce|Track|Trak|Trafficway|Trfy|Trail|Trl|Trailer|Trlr|Tunnel|Tunl|Turnpike|Tpke|Underpass|Upas|Unions?|Uns?|Valleys?|Vlys?|Viaduct|Via|Views?|Vws?|Village|Vlg|Villages|Vlgs|Ville|Vl|Vista|Vis|Walks?|Wall|Ways?|Wells?|Wls?";
const UNIT = String.raw`(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Bldg|Building|Fl|Floor|Rm|Room|Lot|Trlr|APT|APARTMENT|SUITE|STE|UNIT|BLDG|FL|RM|LOT|#)\.? ?#?[A-Za-z0-9-]{1,6})?`;
// US states, DC and territories, as the postal service abbreviates them.
const STATE =
  "A[KLRSZ]|C[AOT]|D[CE]|FL|G[AU]|HI|I[ADLN]|K[SY]|LA|M[ADEINOPST]|N[CDEHJMVY]|O[HKR]|P[AR]|RI|S[CD]|T[NX]|UT|V[AIT]|W[AIVY]";
// A city: one to four capitalised (or shouted) words, hyphenated or not ("Wilkes-Barre", "St. Louis",
// "WINSTON-SALEM", "McAllen", "Ft. Myers", "Coeur d'Alene", "Cape May Court House"), not starting with a
// preposition the sentence put before it.
const CITY_WORD = String.raw`(?:St\.|ST\.?|(?:Ft|Mt|Pt|FT|MT|PT)\.|d['’]\p{Lu}\p{Ll}+|(?:[DdLlOo]['’])?(?:(?:Mc|Mac|De|La|Le|Du)?\p{Lu}[\p{Ll}'’]+|\p{Lu}{2,})(?:-(?:\p{Lu}[\p{Ll}'’]+|\p{Lu}{2,}|\p{Ll}+))*)`;
const NOT_CITY = String.raw`(?!(?:to|in|at|from|of|for|and|the|on|by|moved|lives|TO|IN|AT|FROM|OF|FOR|AND|THE|ON|BY|MOVED|LIVES)\b)`;
const CITY = `${NOT_CITY}${CITY_WORD}(?: ${NOT_CITY}${CITY_WORD}){0,3}`;
const CITY_STATE_ZIP = String.raw`${CITY},? (?:${STATE}),? \d{5}(?:-\d{4})?(?!\d)`;
// A word of a street name ("O'Farrell", "McKinley", "Wilkes-Barre"); not a dose or size unit nor a
// small word ("40 MG AT BEDTIME BY DR. ADAMS").
const STREET_WORD = String.raw`(?!(?:MG|MCG|ML|KG|GB|MB|KB|TB|MS|AM|PM|AT|BY|IN|ON|OF|TO|FOR|AND|THE|OR|Mg|Ml|At|By|In|On|Of|To|For|And|The)\b)(?:(?:Mc|Mac|O['’]|De|Du|La|Le|Van|Von)?\p{Lu}[\p{Ll}'’]+(?:-\p{Lu}[\p{Ll}'’]+)?|\p{Lu}{2,}|\d{1,3}(?:st|nd|rd|th|ST|ND|RD|TH)|\p{Lu}(?= \p{Lu}))`;
// A direction after the street's suffix: "198 MAIN STREET W", "500 Oak Ave NW".
const AFTER_DIRECTION = String.raw`(?: (?:[NSEW]|NE|NW|SE|SW)\.?(?![\p{L}\p{N}]))?`;
// Suffixes as written and shouted ("Street", "ST"), never lowercase: "3 jobs in 2 days" is no address.
// The suffixes every city has; the rest of the USPS list is English too ("Key", "Route", "Plain", "Is").
const COMMON_SUFFIX =
  "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|Trl|Square|Sq|Way";
// Shouted, the rare suffixes count only after a number that is not a protocol reply ("250 AUTH PLAIN").
const SUFFIXES = `${STREET_SUFFIX}|${COMMON_SUFFIX.toUpperCase()}|(?<!(?<![\\d])[1-5]\\d\\d [A-Z ]+)(?:${STREET_SUFFIX.toUpperCase()})`;
const NOT_STREET_LOWER = String.raw`(?!(?:mg|mcg|ml|kg|gb|mb|kb|tb|ms|am|pm|at|by|in|on|of|to|for|and|the|or|units?|daily|tabs?|times)\b)`;
const AFTER_DIRECTION_LOWER = String.raw`(?: (?:[nsew]|ne|nw|se|sw)\.?(?![\p{L}\p{N}]))?`;
const UNIT_LOWER = String.raw`(?:,? (?:apt|apartment|suite|ste|unit|bldg|building|fl|floor|rm|room|lot|trlr|#)\.? ?#?[a-z0-9-]{1,6})?`;
// A field of a row (CSV, semicolon, pipe or tab separated, quoted or not) starts and ends here.
const FIELD_START = String.raw`(?<=(?:^|[,;|\t])"?)`;
const FIELD_END = String.raw`(?="?(?:[,;|\t]|$))`;
const STREET_WORD_LOWER = String.raw`${NOT_STREET_LOWER}\p{Ll}[\p{Ll}'’-]*`;
// A street address that is a whole field of a lowercase row ("…,4895 birch springs rm 13,scranton,…"):
// there the field's edges tell a street, so every USPS suffix counts, with a direction and a unit.
// A comma inside a number in prose ("across 2,000 requests", "of 1,000 keys") starts no field.
const LOWERCASE_STREET_FIELD = String.raw`${FIELD_START}(?<![\p{L} ]\d{1,3},)[1-9]\d{0,5} (?:(?:[nsew]|ne|nw|se|sw)\.? )?(?:${STREET_WORD_LOWER}|\d{1,3}(?:st|nd|rd|th))(?: ${STREET_WORD_LOWER}){0,3} (?:${STREET_SUFFIX.toLowerCase()}|${COMMON_SUFFIX.toLowerCase()})\.?${AFTER_DIRECTION_LOWER}${UNIT_LOWER}${FIELD_END}`;
// City, state and ZIP as three fields of a lowercase row ("scranton,pa,18503", "\"macon\";\"ga\";\"31201\"").
const LOWERCASE_PLACE_FIELDS = String.raw`${FIELD_START}${NOT_CITY}\p{Ll}[\p{Ll}'’.-]*(?: \p{Ll}[\p{Ll}'’.-]*){0,3}"?[,;|\t]"?(?:${STATE.toLowerCase()})"?[,;|\t]"?\d{5}(?:-\d{4})?${FIELD_END}`;
/**
 * Addresses in a line typed all in lowercase ("7402 n. 47th st, denver, co 85764"), where
 * capitals cannot tell a street from other words: only applied to lines without capitals.
 */
export const LOWERCASE_ADDRESS = new RegExp(
  String.raw`${LOWERCASE_STREET_FIELD}|${LOWERCASE_PLACE_FIELDS}|(?<![\p{L}\p{N}])\d{1,6} (?:(?:[nsew]|ne|nw|se|sw)\.? )?(?:${NOT_STREET_LOWER}[\p{Ll}]+|\d{1,3}(?:st|nd|rd|th))(?: ${NOT_STREET_LOWER}[\p{Ll}]+){0,3} (?:${COMMON_SUFFIX.toLowerCase()})(?![\p{L}\p{N}])(?!(?<=dr)\.? [\p{Ll}]{3})\.?${AFTER_DIRECTION_LOWER}${UNIT_LOWER}(?:,? [\p{Ll}'’. -]{2,30},? (?:${STATE.toLowerCase()}),? \d{5}(?:-\d{4})?)?|(?<![\p{L}\p{N}])${NOT_CITY}[\p{Ll}][\p{Ll}'’.-]*(?: ${NOT_CITY}[\p{Ll}][\p{Ll}'’.-]*){0,2},? (?:${STATE.toLowerCase()}),? \d{5}(?:-\d{4})?(?!\d)`,
  "gdu",
);
/** A date next to a patient's name: not part of a log timestamp ("2026-11-25T10:14", "11/25/2026 10:14"). */
export const DATE_BESIDE_NAME = new RegExp(
  String.raw`(?<![\dA-Za-z/.:-])(?<v>${DATE})(?![\d/.:-]|T\d|\s+\d{1,2}:\d{2})`,
  "gdi",
);

const NAME_FIELD = `patient[ _]?name|pt[ _]?name|patient|full[ _]?name|first[ _]?name|last[ _]?name|middle[ _]?name|given[ _]?name|family[ _]?name|maiden[ _]?name|guarantor(?:[ _]?name)?|subscriber[ _]?name|insured[ _]?name|emergency[ _]?contact|next[ _]of[ _]kin|fname|lname`;
const FIELD_WORD = String.raw`\p{L}[\p{L}\p{M}'’-]*\.?`;
const NOT_A_FIELD = String.raw`(?!(?:dob|mrn|ssn|phone|tel|address|age|sex|gender|email|acct|account|id|date|born|zip)\b)`;

// Labels before a name, as written and as shouted; then the name itself.
const NAME_KEYS = String.raw`(?:\b(?:[Pp]atient|PATIENT|[Pp]t\.?|PT)(?:[ _]?(?:[Nn]ame|NAME|[Ff]ull[ _]?[Nn]ame))?|\b(?:[Pp]atient|[Pp]t)(?:[Nn]ame|[Ff]ullName)|\b(?:[Gg]uarantor|[Ss]ubscriber|[Ii]nsured|[Rr]esponsible party|[Ee]mergency[ _]?[Cc]ontact|[Nn]ext of kin|NOK|[Pp]arent|[Gg]uardian|[Ss]pouse)(?:[ _]?[Nn]ame)?|\b(?:[Ff]irst|[Ll]ast|[Mm]iddle|[Gg]iven|[Ff]amily|[Ff]ull|[Mm]aiden)[ _]?[Nn]ame|\b(?:first|last|full|given|family)name|\b(?:[Rr]eferrals?|[Rr]esults?|[Ll]etters?|[Rr]ecords?|[Ll]abs?|[Cc]hart|[Ss]tatements?|[Ii]nvoices?) (?:for|of|to)|\bPID-5)`;
const SHOUTED_NAME_KEYS = String.raw`(?:\b(?:PATIENT|PT\.?)(?:[ _]?(?:NAME|FULL[ _]?NAME))?|\b(?:GUARANTOR|SUBSCRIBER|INSURED|RESPONSIBLE PARTY|EMERGENCY[ _]?CONTACT|NEXT OF KIN|NOK|PARENT|GUARDIAN|SPOUSE)(?:[ _]?NAME)?|\b(?:FIRST|LAST|MIDDLE|GIVEN|FAMILY|FULL|MAIDEN)[ _]?NAME|\b(?:REFERRALS?|RESULTS?|LETTERS?|RECORDS?|LABS?|CHART|STATEMENTS?|INVOICES?) (?:FOR|OF|TO)|\bPID-5)`;
const NAME_AFTER_KEY = String.raw`["']?\s*[:=]?\s*["']?${NOT_A_NAME}(?<v>${NAME})(?!\p{Ll})`;
const NAME_LABEL = `${NAME_KEYS}${NAME_AFTER_KEY}`;
/** The field-label name detector for shouted lines ("INSURED: LAINHART, THAIS"). */
export const SHOUTED_NAME_LABEL = new RegExp(`${SHOUTED_NAME_KEYS}${NAME_AFTER_KEY}`, "gdu");

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
    re: /(?<![\d.-])(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?:\s?(?:x|X|ext\.?|EXT\.?)\s?\d{1,5})?(?![\d-]|\.\d)/dg,
  },
  {
    kind: "phone",
    re: re(String.raw`\b(?:phone|tel|telephone|cell|mobile|fax|ph|contact number)${SEP}(?<v>\+?\d{10,11})\b`),
    requires: /\d{10}/,
  },
  // Record, account and encounter numbers: "MRN 00123", "MR# 64358", "Med Rec No. 1234567", "Acct 419540381".
  // A Windows SID ("Account S-1-5-21-…") is not one.
  {
    kind: "mrn",
    re: re(
      String.raw`(?<![A-Za-z0-9])(?:MRN|MR ?#|MR ?No\.?|med(?:ical)?\.? ?rec(?:ord)?s?\.?(?: ?(?:number|no\.?|#))?|chart ?(?:number|no\.?|#)|patient(?: |_)?(?:id|number|no\.?|#)|pt ?(?:id|#)|(?:patient )?(?:account|acct)\.?(?: ?(?:number|no\.?|#))?|enc(?:ounter)?\.? ?(?:id|#|no\.?|number)|visit ?(?:#|id|no\.?|number)|FIN|CSN)${SEP}(?!S-1-)(?<v>[A-Z]{0,3}-?\d[A-Z0-9-]{3,14})\b`,
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
      String.raw`(?<![A-Za-z])(?:DOB|D\.O\.B\.?|date of (?:birth|service|death|admission|discharge|visit)|birth[ _]?date|birthday|born(?: on)?|admit(?:ted)?(?: date)?(?: on)?|admission date|discharged(?: on)?|discharge date|DOS|deceased(?: on)?|visit date|(?<!last )seen on|visited on)(?:${SEP}|\s*[-–—]\s*)(?<v>${DATE})`,
    ),
  },
  // A street address, capitalised or shouted ("12 Elm Street", "98301 FOREST WALL, APT. 696"), with
  // its unit and city, state and ZIP when they follow.
  {
    kind: "address",
    re: re(
      String.raw`(?<![\p{L}\p{N}])(?<v>\d{1,6} (?:(?:[NSEW]|NE|NW|SE|SW)\.? )?${STREET_WORD}(?: ${STREET_WORD}){0,3} (?:${SUFFIXES})(?![\p{L}\p{N}])(?!(?<=Dr|DR)\.? \p{Lu}\p{Ll})\.?${AFTER_DIRECTION}${UNIT}(?:,? ${CITY_STATE_ZIP})?)`,
      "gdu",
    ),
  },
  // City, state and ZIP together ("Wilkes-Barre, PA 18701", "ART TX 76820"): Safe Harbor identifiers.
  {
    kind: "address",
    re: re(String.raw`(?<![\p{L}\p{N}.'’-])(?<v>${CITY_STATE_ZIP})`, "gdu"),
    requires: /[A-Z]{2},? \d{5}/,
  },
  // A whole address line in any case ("1610 movpa tpke, apt. 17, zuwadjir-sawfi, wa 37410-2751",
  // "131 WIDRUN PASS, MIZOJEGI-POHPA, CO 27557"): number, street, suffix, unit, city, state and ZIP
  // together are an address whatever the suffix and the case.
  {
    kind: "address",
    re: re(
      String.raw`(?<![\p{L}\p{N}])(?<v>\d{1,6} (?:[NSEW]{1,2}\.? )?(?:${STREET_WORD}|\p{L}[\p{L}'’]+)(?: [\p{L}'’]+){0,3} (?:${STREET_SUFFIX}|${COMMON_SUFFIX})\.?${AFTER_DIRECTION}(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Bldg|Fl|Rm|Lot|Trlr|#)\.? ?#?[A-Za-z0-9-]{1,6})?(?:,? | ?[/|] ?)${CITY},? (?:${STATE}),? \d{5}(?:-\d{4})?)(?!\d)`,
      "gdiu",
    ),
    requires: /\d{5}/,
  },
  // A street after a word that introduces one ("lives at 457 Cuvija River, Ste 16", "Home: 446 Peik
  // Gln;", "ship to 12 Oak Hollow"): any USPS suffix, in any case.
  {
    kind: "address",
    re: re(
      String.raw`\b(?:lives|living|resides|residing|moved|home|address|addr|street|residence|ship(?:ping)? to|mail(?:ing)? to|send to|deliver to|return to)(?: at| to| is)?\s*[:=-]?\s*(?<v>\d{1,6} (?:[NSEW]{1,2}\.? )?\p{L}[\p{L}'’]*(?: [\p{L}'’]+){0,3} (?:${STREET_SUFFIX}|${COMMON_SUFFIX})(?![\p{L}\p{N}])\.?(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Bldg|Fl|Rm|Lot|#)\.? ?#?[A-Za-z0-9-]{1,6})?)`,
      "gdiu",
    ),
  },
  // A city given as a field ("City: Vofegku;", "town=Wilkes-Barre").
  {
    kind: "address",
    re: re(String.raw`\b(?:city|town)\s*[:=]\s*"?(?<v>${CITY})`, "gdiu"),
    requires: /(?:city|town)\s*[:=]/i,
  },
  // City, state and ZIP as the fields of a row ("Kadetba",ND,15887; Denver|CO|80202).
  {
    kind: "address",
    re: re(
      String.raw`(?<![\p{L}\p{N}.'’-])(?<v>${CITY}"?[,;|\t]\s?"?(?:${STATE})"?[,;|\t]\s?"?\d{5}(?:-\d{4})?)(?!\d)`,
      "gdu",
    ),
    requires: /[A-Z]{2}"?[,;|\t]\s?"?\d{5}/,
  },
  // Where a person was born, lives or moved ("born 1980 in Ujaocto, NC", "moved to Erie, PA"):
  // a city smaller than a state, named with its state.
  {
    kind: "address",
    re: re(
      String.raw`\b(?:born|lives|living|resides|residing|moved|relocated|relocating|raised)\b[^;\n]{0,40}?\b(?:in|to|from) (?<v>${CITY},? (?:${STATE}))(?![\p{L}\p{N}])`,
      "gdiu",
    ),
  },
  {
    kind: "address",
    re: re(String.raw`\b(?<v>P\.? ?O\.? Box \d{1,6}(?:,? ${CITY_STATE_ZIP})?)`, "gdiu"),
    requires: /box/i,
  },
  { kind: "address", re: re(String.raw`\b(?:zip(?: ?code)?|postal code)${SEP}(?<v>\d{5}(?:-\d{4})?)\b`) },
  // HL7 v2 PID segment: PID-3 patient identifiers, PID-5 name, PID-7 birth date, PID-11 address,
  // PID-13/14 phones, PID-19 SSN ("PID|1||123456^^^MAIN^MR||NGUYEN^ROBERT^J||19850314|M").
  ...(
    [
      ["mrn", 3],
      ["name", 5],
      ["name", 6],
      ["dob", 7],
      ["address", 11],
      ["phone", 13],
      ["phone", 14],
      ["ssn", 19],
    ] as const
  ).map(([kind, field]) => ({
    kind,
    // PID-3 repeats identifier^check digit^…^type: only the identifier is the patient's.
    re: new RegExp(
      String.raw`(?<=\bPID\|(?:[^|\n]*\|){${field - 1}})(?<v>${field === 3 ? "[^|^\\n]+" : "[^|\\n]+"})`,
      "gdi",
    ),
    requires: /PID\|/i,
  })),
  // A person's page on a social network is a personal URL ("facebook.com/cesare.marilli").
  {
    kind: "name",
    re: re(
      String.raw`\b(?:facebook|fb|instagram|twitter|x|linkedin|tiktok|threads)\.com/(?:in/|@)?(?!(?:groups|pages|share|sharer|login|help|events|watch|marketplace|search|hashtag|explore|company|jobs|policies|privacy|settings|home|intent|i)\b)(?<v>[\p{L}\p{N}._-]{2,60})`,
      "gdiu",
    ),
    requires: /\.com\//i,
  },
  // Names in known fields: patient name, guarantor, emergency contact, first/last name keys…
  { kind: "name", re: new RegExp(NAME_LABEL, "gdu") },
  // The value of a name field in any case: `"LASTNAME": "NGUÉŁ"`, `patient_name=robert laube`,
  // `patient: okafor, ovł  dob: …` (up to four words, stopping before the next field's label).
  {
    kind: "name",
    re: new RegExp(
      String.raw`(?<![\p{L}])(?:${NAME_FIELD})(?:["']?\s*[:=]\s*"(?<q>[^"\n]{1,60})"|[:=] ?(?<v>${FIELD_WORD}(?:(?:,? |\+|%20)${NOT_A_FIELD}${FIELD_WORD}){0,3})(?![\p{L}(]))`,
      "gdiu",
    ),
  },
  // Honorifics in free text ("Mrs. Garcia called", "spoke with Mr. John O'Brien").
  { kind: "name", re: new RegExp(String.raw`\b(?:Mr|Mrs|Ms|Miss|Mx)\.? (?<v>${NAME})`, "gdu") },
  // A labelled clinical field (diagnosis, chief complaint, medications, allergies) is replaced to the
  // end of the field (line, quote or semicolon), as scrubJson replaces such a key's value. A free-text
  // note ("Clinical note: …") keeps its words: the identifiers in it are what the other detectors remove.
  {
    kind: "note",
    re: re(
      String.raw`(?<![:\w])(?:chief complaint|CC(?!:[0-9A-Fa-f]{2})|HPI|history of present illness|Dx|diagnosis|diagnoses|assessment|plan of care|medications?|allergies|reason for visit)\s*[:=]\s*["']?(?<v>(?:[^"'\n;|.]|\.(?=\d))(?:[^"'\n;|]){2,})`,
    ),
  },
];
