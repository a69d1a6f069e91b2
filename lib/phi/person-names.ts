/**
 * Personal names without a field label: "Discharge summary for Robert Nguyen", "Referral_Jennifer_
 * Johnson.pdf", "/patients/jennifer-johnson/chart", "NGUYEN^ROBERT^J", "Mailing label: ROBERT NGUYEN".
 * The census lists (names.ts) say which words can be given names and surnames; context decides
 * whether they are: a given name beside a surname, a name after an honorific or after a document
 * title's "for", a possessive, a given name that calls or asks, a path segment under /patients/. A
 * dictionary word alone is never enough, because the lists also hold "Will", "Grant", "Record",
 * "Service" and "Street": the words below that the lists share with English and with device logs
 *  need more evidence or never count (name-words.ts). Clinicians ("Dr. Adams") are not patients and are left alone.
 */
import { DATE } from "./detectors.ts";
import { englishLevel } from "./english.ts";
import { compoundSep, type Token, tokenize } from "./name-tokens.ts";
import {
  accented,
  BEFORE_NAME,
  BY_PERSON,
  CLINICIAN,
  COMMON_SURNAMES,
  clauseStart,
  commonSurname,
  DOB_LABEL,
  DOCUMENT,
  documentAfter,
  english,
  everyday,
  evident,
  foreign,
  honorific,
  isGiven,
  isSurname,
  likelySurname,
  nameWord,
  ORG_TAIL,
  PARTICLE,
  PERSON_KEY,
  PERSON_PATH,
  PERSON_VERB,
  plainGiven,
  prose,
  REACHED,
  RELATIVE,
  ranks,
  runTogetherName,
  SAYS,
  SEARCH_KEY,
  SUBJECT_VERB,
  shorthand,
  strongGiven,
  strongSingle,
  touchesDigits,
  unlisted,
  WORDLIKE,
  wordsBefore,
} from "./name-words.ts";

/** A name found in text: [start, end) in UTF-16 code units. */
export interface NameSpan {
  start: number;
  end: number;
}

const MAX_TOKENS = 5;
// What ends a file name: "…-labs.csv", "Referral.PDF" ("elda.taube" in a URL is a name, not a file).
const FILE_EXTENSION =
  /^(?:pdf|docx?|xlsx?|csv|txt|rtf|tiff?|jpe?g|png|gif|heic|html?|json|xml|zip|msg|eml|hl7|dcm)$/i;
// A document word and a file extension after a name: "Zuvi Stobbe - xray.pdf", "ANNELIESE_ALSAYED - Consent.pdf".
const DOCUMENT_FILE = /^\s*(?:[-_.]|\s-)\s*(\p{L}+)(?:[-_ ]\p{L}+)?\.(\p{L}{2,4})\b/u;
// What follows a lowercase name in a message: "left voicemail for priya lopez at 555-…", "(…".
const LOWER_NAME_END = /^(?:\s+(?:at|re|dob|about|called|asked|back)\b|\s*\()/;
// ".entries(", ".name.toLowerCase" follow an identifier; ".pdf", ".docx" end a file name.
const METHOD_CALL = /^\.\p{Ll}(?![a-z0-9]{0,3}(?:["'\s)\],;]|$))/u;
// What may follow a lowercase surname the census lacks ("for robert rantanen, born…", "… at 555-…").
const NAME_END =
  /^(?:$|[,.;:)(/]|\s+[-–—]\s|['’]s\b|\s+(?:at|re|on|for|to|about|dob|mrn|and|called|asked|phoned|presented|presents|was|is|reports|states|denies|seen|no-showed|returned|tested|back)\b)/;

/**
 * Find personal names in `text` that no field label announces. `addressStarts` are where street
 * addresses begin: the words just before one, on a mailing label, are the addressee.
 */
export function findPersonNames(
  text: string,
  addressStarts: readonly number[] = [],
  labelled: readonly NameSpan[] = [],
): NameSpan[] {
  const toks = tokenize(text);
  if (toks.length === 0) return [];
  const lowerLine = !/\p{Lu}/u.test(text) || casual(toks, text);
  const out: NameSpan[] = [];
  const add = (from: number, to: number) => {
    if (to >= from) out.push({ start: toks[from]!.start, end: toks[to]!.end });
  };
  const taken = new Uint8Array(toks.length);
  const claim = (first: number, last: number) => {
    let [from, to] = widen(toks, text, first, last, taken);
    if (lowerLine) [from, to] = thirdWord(toks, text, from, surnameAfter(toks, text, to, taken), taken);
    for (let k = from; k <= to; k++) taken[k] = 1;
    add(from, to);
  };

  const line: Line = {
    toks,
    text,
    lowerLine,
    shouted: !/\p{Ll}/u.test(text),
    taken,
    valueAt: undefined,
    mail: undefined,
    row: undefined,
  };
  for (let i = 0; i < toks.length; i++) {
    if (taken[i]) continue;
    const t = toks[i]!;
    // Clinicians are staff, not patients: skip "Dr. Priya Patel" whole.
    if (CLINICIAN.has(t.lower) && (t.shape === "title" || t.shape === "upper") && text[t.end] === ".") {
      i = skipRun(toks, i + 1);
      continue;
    }
    // "dr. jon harris on call": in a lowercase line, the clinician's two name words.
    if (lowerLine && CLINICIAN.has(t.lower) && text[t.end] === ".") {
      i = skipLowerName(toks, i + 1, text);
      continue;
    }
    for (const rule of RULES) {
      const found = rule(line, i);
      if (found && !business(toks, found[1])) {
        claim(found[0], found[1]);
        i = Math.max(i, found[1]);
        break;
      }
    }
  }
  for (const at of addressStarts) {
    const span = addressee(toks, text, at);
    if (span) claim(span[0], span[1]);
  }
  // A name a field label announced ("Patient Ruderre de la Inaba") takes its parts as well.
  // One pass over the words for all the spans, in order (a line of many labels stays linear).
  let a = 0;
  for (const n of [...labelled].sort((x, y) => x.start - y.start)) {
    while (a < toks.length && toks[a]!.start < n.start) a++;
    let b = a;
    while (b + 1 < toks.length && toks[b + 1]!.end <= n.end) b++;
    if (a >= toks.length || toks[b]!.end > n.end) continue;
    const [from, to] = widen(toks, text, a, b, taken);
    if (from < a || to > b) add(from, to);
  }
  return out;
}

/**
 * A line typed in lowercase but for shouted abbreviations and a capital opening it ("pt destinee
 * schinner needs MRI", "Called lien dewilde, LVM"): it is read as a lowercase line.
 */
function casual(toks: Token[], text: string): boolean {
  let lower = 0;
  for (const [k, t] of toks.entries()) {
    if (t.shape === "lower") lower++;
    else if (t.shape === "mixed" || t.compound) return false;
    else if (
      t.shape === "title" &&
      !(k === 0 || /[.!?:]\s*$/.test(text.slice(toks[k - 1]!.end, t.start)) || /^(?:Dr|I)$/.test(t.text))
    )
      return false;
  }
  return lower >= 3 && lower * 3 >= toks.length * 2;
}

/**
 * A found name takes the parts its rule stopped before: the other half of a double-barrelled name
 * ("Fernando Fry-Rohnifbut", "Jan-Willem Brouwer") and a particle with the surname after it ("Olga
 * van Veen", "Claudia bin Lildaag", "Okvuel J. de Lange").
 */
function widen(toks: Token[], text: string, from: number, to: number, taken: Uint8Array): [number, number] {
  // A word the lists hold as something else ("Jan" of "Jan-Willem") only beside a census name.
  const part = (t: Token, like: Token) =>
    (t.shape === like.shape || (t.shape !== "lower" && like.shape !== "lower" && t.shape !== "mixed")) &&
    t.text.length >= 2 &&
    (nameWord(t) || evident(like)) &&
    !DOCUMENT.has(t.lower) &&
    !touchesDigits(t, text);
  while (from > 0 && !taken[from - 1] && toks[from]!.sep === "-" && part(toks[from - 1]!, toks[from]!))
    from--;
  for (;;) {
    const cur = toks[to]!;
    const n = toks[to + 1];
    if (!n || taken[to + 1]) break;
    if (n.sep === "-" && part(n, cur)) {
      to++;
      continue;
    }
    // "jean-baptiste lefèvre": a surname English lacks after a double-barrelled given name.
    if (
      n.sep === " " &&
      cur.sep === "-" &&
      n.shape === cur.shape &&
      (accented(n) || isSurname(n)) &&
      unlisted(n, text)
    ) {
      to++;
      continue;
    }
    // Particles ("van der", "de la") are lowercase or capitalised; the surname after them is a word
    // of the name's case.
    const spaced = (t: Token, k: number) =>
      t.sep === " " || (t.sep === ". " && toks[k - 1]!.shape === "initial" && k - 1 === to);
    let k = to + 1;
    while (k < toks.length && k - to <= 3 && PARTICLE.has(toks[k]!.lower) && spaced(toks[k]!, k)) k++;
    const last = toks[k];
    if (k === to + 1 || !last || taken[k] || last.sep !== " " || !part(last, toks[from]!) || !nameWord(last))
      break;
    if (
      PARTICLE.has(last.lower) ||
      toks.slice(to + 1, k).some((p) => p.shape === "upper" && cur.shape !== "upper")
    )
      break;
    to = k;
  }
  return [from, to];
}

// What ends a lowercase name whose surname is also an English word ("janeth cross: yes confirm",
// "shavonne friend?", "raye key needs intake forms", "autumn duvall 262-979-…").
const LOWER_SURNAME_END = new RegExp(
  String.raw`^(?:\s*$|\s*[,.;:?!)(]|\s+[-–—]\s|['’]s\b|\s+\+?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}|\s+(?:${[...SAYS].join("|")}|back|re|dob|to|and|at|both|still|also|just|now|dropped|paid|checked|walked|here|no show|tel|ph|cell|in (?:rm|room|the lobby)|is (?:here|waiting|in|on))\b)`,
);

/**
 * "marcos r. sinquefield back re labs", "janeth cross: yes confirm": in a lowercase line a given name
 * (or a middle initial after one) that a rule found alone takes the surname after it: a word no list
 * holds, or a census surname that English lacks or before what ends a name.
 */
function surnameAfter(toks: Token[], text: string, to: number, taken: Uint8Array): number {
  const cur = toks[to]!;
  const initial = cur.text.length === 1 && text[cur.end] === "." && to > 0 && strongGiven(toks[to - 1]!);
  if (cur.shape !== "lower" || !(initial || strongGiven(cur))) return to;
  let k = to + 1;
  let n = toks[k];
  // A middle initial first: "marcos r. sinquefield".
  if (!initial && n?.text.length === 1 && n.sep === " " && text[n.end] === ".") n = toks[++k];
  if (n === undefined || taken[k] || n.sep !== (k === to + 1 && !initial ? " " : ". ")) return to;
  if (n.shape !== "lower" || n.text.length < 2 || shorthand(n) || touchesDigits(n, text)) return to;
  // Surnames that are everyday words ("cross", "west", "price") only when common ones; the words that
  // end a name ("back", "re") are none.
  const r = ranks(n);
  const surname =
    isSurname(n) && !WORDLIKE.has(n.lower) ? r.surname >= 0 : r.surname >= 0 && r.surname < 2000;
  if (LOWER_SURNAME_END.test(` ${n.lower}`)) return to;
  // "elena j. istha": a surname no list holds.
  if (!surname) return n.text.length >= 3 && unlisted(n, text) ? k : to;
  return english(n) === 0 || LOWER_SURNAME_END.test(text.slice(n.end, n.end + 40)) ? k : to;
}

/**
 * "damjan aleksander fister here for f/u", "oona lily michiels cant make it": in a lowercase line a
 * name found as two words takes a third beside it. After it: a word English lacks, a census surname
 * English lacks, or a rarer census surname before what ends a name. Before it, opening the clause: a
 * word English lacks or a census given name that is no everyday word.
 */
function thirdWord(
  toks: Token[],
  text: string,
  from: number,
  to: number,
  taken: Uint8Array,
): [number, number] {
  if (to !== from + 1 || toks[to]!.sep !== " " || toks[to]!.possessive) return [from, to];
  const name = (t: Token) =>
    t.shape === "lower" && t.text.length >= 3 && !shorthand(t) && !touchesDigits(t, text);
  const n = toks[to + 1];
  if (
    n !== undefined &&
    !taken[to + 1] &&
    n.sep === " " &&
    name(n) &&
    (unlisted(n, text) ||
      (isSurname(n) &&
        (english(n) === 0 ||
          (english(n) > 20 &&
            !WORDLIKE.has(n.lower) &&
            LOWER_SURNAME_END.test(text.slice(n.end, n.end + 40))))))
  )
    return [from, to + 1];
  const p = toks[from - 1];
  if (
    p !== undefined &&
    !taken[from - 1] &&
    toks[from]!.sep === " " &&
    name(p) &&
    (unlisted(p, text) || plainGiven(p)) &&
    clauseStart(toks, from - 1, text)
  )
    return [from - 1, to];
  return [from, to];
}

/** A line being read: its words, which of them a rule has claimed, and whether it has no capitals. */
interface Line {
  toks: Token[];
  text: string;
  lowerLine: boolean;
  /** No lowercase letter: a legacy system's shouted line. */
  shouted: boolean;
  taken: Uint8Array;
  /** Where a setting's quoted value starts (`detects = "…"`), -1 if none; found on first need. */
  valueAt?: number;
  /** Whether the line holds an "@" (an e-mail address a display name may precede); found on first need. */
  mail?: boolean;
  /** Whether the line is a row of fields about a person (rowFields); found on first need. */
  row?: boolean;
}
/** The first and last word of a name a rule found. */
type Found = [number, number];
/** The rules, in the order they are tried on each word; the first that finds a name claims it. */
const RULES: ReadonlyArray<(line: Line, i: number) => Found | undefined> = [
  afterHonorific,
  afterContextWord,
  caseless,
  inFileAfterDocument,
  inFileBeforeDocument,
  displayName,
  beforeFileDocument,
  beforeBirthDateLabel,
  patientFolder,
  patientPathOrQuery,
  rowFields,
  givenAndSurname,
  camelFileName,
  surnameAndInitial,
  possessive,
  clauseSubject,
  unlistedPair,
  lowerInitialAndSurname,
  lowerCensusPair,
  unlistedInFileName,
  runTogetherStem,
  loneGiven,
  loneUnlisted,
];

/** "Mr. Nguyen", "MRS GARCIA", "mrs wilderman". */
function afterHonorific(line: Line, i: number): Found | undefined {
  const { toks, text } = line;
  const t = toks[i]!;
  if (honorific(t, text) && i + 1 < toks.length && /^\.?\s+$/.test(toks[i + 1]!.sep)) {
    const end = run(toks, i + 1, text, {
      lowerOk: t.shape === "lower",
      lowerAny: true,
      needDictionary: false,
    });
    if (end >= i + 1) {
      return [i + 1, end];
    }
  }
  return undefined;
}

// Words that address a person: a letter's or message's greeting, a mailing label's "Attn".
const GREETING = new Set(["dear", "hi", "hello", "attn", "attention"]);
// "Photo of …": a picture of a person.
const PICTURE = new Set(["photo", "photos", "picture", "image", "images", "x-ray", "xray", "video"]);

/** "<document> for <name>", "<DOCUMENT> — <NAME>", "signed by <name>", "for <name>", "Dear <name>". */
function afterContextWord(line: Line, i: number): Found | undefined {
  const { toks, text, lowerLine } = line;
  const t = toks[i]!;
  // "mother Dmitri Feiler", "spoke to Ana's son, Elov Rentha": a relative's name follows the word.
  const relative =
    RELATIVE.has(t.lower) && !t.compound && i + 1 < toks.length && /^[,:]?\s+$/.test(toks[i + 1]!.sep);
  // "Photo caption: "Kwame Vilo - wound, day 3"": a caption opens with the person pictured.
  const caption = t.lower === "caption" && i + 1 < toks.length && /^:\s*["'“]?$/.test(toks[i + 1]!.sep);
  // "Dear Hujhe Watson,", "Hi Gussij,", "Attn: …", "c/o …", "Photo of …": only a person follows.
  const prevWord = i > 0 ? toks[i - 1]! : undefined;
  const addressed =
    ((GREETING.has(t.lower) && !t.compound) ||
      (t.lower === "o" && prevWord?.lower === "c" && t.sep === "/") ||
      (t.lower === "of" && !t.compound && prevWord !== undefined && PICTURE.has(prevWord.lower))) &&
    i + 1 < toks.length &&
    /^:?\s+$/.test(toks[i + 1]!.sep);
  const before =
    relative ||
    caption ||
    addressed ||
    (BEFORE_NAME.has(t.lower) && !t.compound && i + 1 < toks.length && /^:?\s+$/.test(toks[i + 1]!.sep));
  const titleDash =
    DOCUMENT.has(t.lower) && i + 1 < toks.length && /^\s*(?:[-–—:|]|\s-)\s+$/.test(toks[i + 1]!.sep);
  if (before || titleDash) {
    // After "<document> for" or "signed by" any capitalised words are the name; after a title dash
    // two of them are; elsewhere a census name must be among them.
    const prev = i > 0 ? toks[i - 1]!.lower : "";
    // "Referral to cardiology for Else Karlsen": a document a few words before "for" counts too.
    const documentBefore = t.lower === "for" && !line.shouted && lowercaseAfterDocument(toks, i);
    const afterDocument =
      before &&
      (relative ||
        caption ||
        addressed ||
        DOCUMENT.has(prev) ||
        documentBefore ||
        (t.lower === "by" && BY_PERSON.has(prev))) &&
      !lowerLine;
    const o = { lowerOk: lowerLine, shouted: afterDocument || titleDash ? 3 : 2 };
    let end = run(toks, i + 1, text, {
      ...o,
      needDictionary: !afterDocument && !titleDash,
      colonOk: afterDocument,
    });
    // "Pt Priya Kaisvi presented…": two capitalised words and a verb only people do need no census name.
    if (end < i + 1 && before) {
      const loose = run(toks, i + 1, text, { ...o, needDictionary: false });
      const words = toks.slice(i + 1, loose + 1);
      const titled =
        words.length >= 2 &&
        words.every((x) => x.shape === "title" || x.shape === "initial" || PARTICLE.has(x.lower));
      const after = text.slice(toks[loose]!.end, toks[loose]!.end + 40);
      // "Emailed Giada Voorn to reschedule", "reminder sent to Kibug Sauh for Monday": after a verb
      // that reaches a person, two capitalised words and what follows a name.
      const reached = REACH.has(t.lower) || (REACH_BY.has(t.lower) && REACH_BEFORE.has(prev));
      if (titled && (PERSON_VERB.test(after) || (reached && REACH_END.test(after)))) end = loose;
    }
    const colon = titleDash && /:/.test(toks[i + 1]!.sep);
    const single = titleDash
      ? colon
        ? strongGiven(toks[i + 1]!)
        : evident(toks[i + 1]!)
      : strongSingle(toks[i + 1]!);
    // Lowercase prose ("for various reasons", "to keep around") needs two words and a census given
    // name, or a census surname last and what follows a name in a message ("for priya lopez at 555…").
    const lowerRun = toks[i + 1]!.shape === "lower";
    const words = toks.slice(i + 1, end + 1);
    const lowerOk =
      !lowerRun ||
      (end > i + 1 &&
        // "for appliance kit-a1": an English word that is no census name is no part of one.
        !words.some((w) => english(w) > 0 && english(w) <= 35 && !isGiven(w) && !isSurname(w)) &&
        (words.some(strongGiven) ||
          allForeign(words) ||
          (evident(words[words.length - 1]!) &&
            LOWER_NAME_END.test(text.slice(words[words.length - 1]!.end)))));
    if (end >= i + 1 && lowerOk && (end > i + 1 || afterDocument || single) && !business(toks, end)) {
      return [i + 1, end];
    }
  }
  return undefined;
}

// A document word, then only lowercase words up to toks[i]: "Referral to cardiology <for>".
function lowercaseAfterDocument(toks: Token[], i: number): boolean {
  for (let k = i - 1; k >= Math.max(0, i - 4); k--) {
    const x = toks[k]!;
    if (DOCUMENT.has(x.lower) && !x.compound) return true;
    if (x.shape !== "lower") return false;
  }
  return false;
}

/** Two or more words, none of them English (english.ts), each of three letters or more: "schinner_bergnaum". */
function allForeign(words: readonly Token[]): boolean {
  return words.length >= 2 && words.every((w) => w.text.length >= 3 && foreign(w));
}

/** Whether the capitalised words ending at `end` name a business or place ("Lakeside Pharmacy"). */
function business(toks: Token[], end: number): boolean {
  const next = toks[end + 1];
  return (
    ORG_TAIL.has(toks[end]!.lower) ||
    (next !== undefined &&
      next.sep === " " &&
      (next.shape === "title" || next.shape === toks[end]!.shape) &&
      ORG_TAIL.has(next.lower))
  );
}

// Verbs that reach a person, and the prepositions that do after the words before them ("spoke with",
// "sent to", "message for").
const REACH = new Set([...REACHED, "notified", "reschedule", "rescheduled"]);
const REACH_BY = new Set(["with", "to", "for"]);
const REACH_BEFORE = new Set([
  "spoke",
  "talked",
  "sent",
  "message",
  "voicemail",
  "vm",
  "mailed",
  "faxed",
  "letter",
  "call",
  "reminder",
]);
// What follows the person reached: "re:", "about", "to", "for", a dash, a comma, a parenthesis, the end.
const REACH_END =
  /^(?:\s+(?:re|about|to|for|regarding|at|on|today|yesterday|failed|bounced)\b|\s*[-–—,(;.:?]|\s*$)/i;

// What follows a name whatever the census says of its words: a phone or a birth date, an age, a page
// count, a callback, a verb only people do.
const CLEAR_NAME_END =
  /^(?:\s+at\s+[\d(+]|\s+(?:dob|born)\b|,\s*(?:dob|born)\b|,\s+\d{1,3}(?:\s*y\/?o|\s+pages?)\b|\s*\(\s*[\d+]|\s+back\b|\s+(?:presented|presents|no-showed|reports|denies|states|called|asked|was prescribed|was seen|checked (?:in|out)|arrived|cancell?ed|rescheduled)\b)/i;

/**
 * A line in one case (lowercase chat, shouted legacy systems) has no capitals to tell a name, and
 * the census may not know it ("left voicemail for kwame geeslin at 555-…", "PLS CALL DOROV CURCI
 * BACK"): after a word that introduces a person, two or three words are a name when what follows is
 * what follows a name (CLEAR_NAME_END), or when one of them is a census name, a relative introduced
 * them, or they open a clause before a document title.
 */
function caseless(line: Line, i: number): Found | undefined {
  const { toks, text, shouted } = line;
  if (!line.lowerLine && !shouted) return undefined;
  const t = toks[i]!;
  const shape = shouted ? "upper" : "lower";
  const relative = RELATIVE.has(t.lower);
  // "records to …", "referral to cardiology for …": a document the person's name follows.
  const ofDocument =
    (t.lower === "for" || t.lower === "to" || t.lower === "of") &&
    i > 0 &&
    (DOCUMENT.has(toks[i - 1]!.lower) ||
      (i > 2 && toks[i - 2]!.lower === "to" && DOCUMENT.has(toks[i - 3]!.lower)));
  const context =
    relative ||
    ((BEFORE_NAME.has(t.lower) || honorific(t, text)) && !t.compound) ||
    (DOCUMENT.has(t.lower) && /^\s*[-–—:]\s+$/.test(toks[i + 1]?.sep ?? ""));
  const from = context ? i + 1 : clauseStart(toks, i, text) ? i : -1;
  if (
    from < 0 ||
    from >= toks.length ||
    !/^[:,]?\s+(?:[-–—:]\s+)?$|^$|^\s*\d{1,2}:\d{2}\s+$/.test(toks[from]!.sep)
  )
    return undefined;
  if (from === i && (BEFORE_NAME.has(t.lower) || RELATIVE.has(t.lower))) return undefined;
  let end = from - 1;
  let words = 0;
  for (let k = from; k < toks.length && words < 3; k++) {
    const w = toks[k]!;
    const initial = w.text.length === 1 && text[w.end] === "." && k > from;
    if (k > from && !(w.sep === " " || w.sep === "-" || w.sep === ". ")) break;
    if (!initial && (w.shape !== shape || !nameWord(w) || DOCUMENT.has(w.lower) || SAYS.has(w.lower))) break;
    if (
      touchesDigits(w, text) ||
      RELATIVE.has(w.lower) ||
      WORDLIKE.has(w.lower) ||
      DOB_LABEL.test(w.text) ||
      // "elegant ceramic chips arrived", "for isac xavier denied": a name neither opens with an
      // everyday English word nor has one third; only after a word that introduces a person may
      // the surname be one ("for alberte bang").
      (w.shape !== "initial" && (k === from || words >= 2 || !context) && everyday(w))
    )
      break;
    if (BEFORE_NAME.has(w.lower) || CLINICIAN.has(w.lower) || honorific(w, text)) break;
    if (!initial && w.sep !== "-") words++;
    end = k;
    if (words < 2) continue;
    const span = toks.slice(from, end + 1);
    const after = text.slice(w.end, w.end + 40);
    const given = span.some((x) => strongGiven(x) || accented(x)) || allForeign(span);
    // A relative's role, an age or an e-mail address after the words; a slot's visit after a time.
    const described =
      RELATIVE_AFTER.test(after) ||
      AGE_AFTER.test(after) ||
      /^\s*<[^<>\s@]+@/.test(after) ||
      (from === 0 && /^\s*\d{1,2}:\d{2}/.test(text) && VISIT_AFTER.test(after));
    if (
      CLEAR_NAME_END.test(after) ||
      described ||
      (ofDocument && DOCUMENT_NAME_END.test(after)) ||
      (context && (given || relative) && NAME_END.test(after.toLowerCase())) ||
      (!context && (PERSON_VERB.test(after) || documentAfter(after)))
    )
      return [from, end];
  }
  return undefined;
}

/** "KobayashiAlbert_1013.docx", "AnaVegopcah.pdf": a file name of two CamelCase parts, one a given name. */
function camelFileName(line: Line, i: number): Found | undefined {
  const { toks, text } = line;
  const a = toks[i]!;
  const b = toks[i + 1];
  if (!b || !a.compound || a.parts !== 2 || b.sep !== "" || a.shape !== "title" || b.shape !== "title")
    return undefined;
  if (!/^(?:[_.-]|$)/.test(text.slice(b.end, b.end + 1))) return undefined;
  const words = [a, b];
  if (!words.every((w) => nameWord(w) && !DOCUMENT.has(w.lower))) return undefined;
  // "SlavobojRataj_1022.pdf": two parts English lacks, three letters or more, are a name too.
  const unlistedParts = words.every((w) => w.text.length >= 3 && foreign(w));
  return words.some((w) => strongGiven(w) || accented(w)) || unlistedParts ? [i, i + 1] : undefined;
}

/**
 * "From: Ucizi Harjuwawa <ucizi_h75@…>", "To: "Aoki, Lydie" <…>": the display name before an e-mail
 * address in angle brackets.
 */
function displayName(line: Line, i: number): Found | undefined {
  const { toks, text, lowerLine } = line;
  const t = toks[i]!;
  // Most lines hold no e-mail address at all.
  if (line.mail === undefined) line.mail = text.includes("@");
  if (!line.mail) return undefined;
  const lower = lowerLine && t.shape === "lower";
  if (!(t.shape === "title" || t.shape === "upper" || lower) || t.compound) return undefined;
  if (i > 0 && !/(?:[:,]\s*"?|^\s*"|\s")$/.test(t.sep)) return undefined;
  let end = i - 1;
  if (lower) {
    // "from: lien dewilde <…>": lowercase words the dictionaries know, or that English lacks.
    end = i;
    while (
      end + 1 < toks.length &&
      end - i < 2 &&
      toks[end + 1]!.sep === " " &&
      toks[end + 1]!.shape === "lower"
    )
      end++;
    const words = toks.slice(i, end + 1);
    if (!(allForeign(words) || (words.length > 1 && words.some(evident)))) return undefined;
  } else end = run(toks, i, text, { lowerOk: false, needDictionary: false });
  if (end < i) return undefined;
  return /^"?\s*<[^<>\s@]+@/.test(text.slice(toks[end]!.end, toks[end]!.end + 80)) ? [i, end] : undefined;
}

/**
 * "Referral_Haddad_Priya.pdf", "Intake_GARCIA_M.pdf": capitalised words after a document word in a
 * file name (joined by "_", or by "-" when not shouted like a host name "XRAY-PC").
 */
function inFileAfterDocument(line: Line, i: number): Found | undefined {
  const { toks, text } = line;
  const t = toks[i]!;
  if (t.compound && DOCUMENT.has(t.lower) && i + 1 < toks.length && /^[_-]$/.test(toks[i + 1]!.sep)) {
    let end = i;
    for (let k = i + 1; k < toks.length && k - i <= 3; k++) {
      const n = toks[k]!;
      if (!/^[_-]?$/.test(n.sep) || (n.sep === "-" && n.shape === "upper") || touchesDigits(n, text)) break;
      const shaped = n.shape === "title" || n.shape === "upper" || (n.shape === "lower" && n.sep !== "");
      const word = shaped && nameWord(n) && !DOCUMENT.has(n.lower);
      const initial = (n.shape === "initial" || (n.shape === "lower" && n.text.length === 1)) && k > i + 1;
      if (!(word || initial)) break;
      end = k;
    }
    // One word needs to look like a name; lowercase words need a census name among them.
    const words = toks.slice(i + 1, end + 1);
    const lower = words.some((w) => w.shape === "lower");
    const withInitial = words.length === 2 && words[1]!.text.length === 1 && evident(words[0]!);
    const ok = lower
      ? words.length > 1
        ? words.some(strongGiven) ||
          words.some(isSurname) ||
          words.some(accented) ||
          withInitial ||
          allForeign(words)
        : runTogetherName(words[0]!)
      : end > i + 1 || evident(toks[i + 1]!) || runTogetherName(toks[i + 1]!);
    if (end > i && ok) {
      return [i + 1, end];
    }
  }
  return undefined;
}

/**
 * "kaufmann-viktor-consent.csv", "KOZIE_E_ekg.tif": words of a file name right before a document word.
 */
function inFileBeforeDocument(line: Line, i: number): Found | undefined {
  const { toks, text } = line;
  const t = toks[i]!;
  if (t.compound && t.shape !== "mixed" && nameWord(t) && !DOCUMENT.has(t.lower) && !touchesDigits(t, text)) {
    let end = i;
    while (
      end + 1 < toks.length &&
      end - i < 2 &&
      /^[_-]$/.test(toks[end + 1]!.sep) &&
      toks[end + 1]!.shape !== "mixed" &&
      !DOCUMENT.has(toks[end + 1]!.lower) &&
      (nameWord(toks[end + 1]!) || toks[end + 1]!.shape === "initial")
    )
      end++;
    const doc = toks[end + 1];
    const words = toks.slice(i, end + 1);
    const initialForm =
      words.length === 2 &&
      (words[1]!.shape === "initial" || (words[1]!.text.length === 1 && t.shape === "lower")) &&
      (t.shape === "upper" || evident(t));
    if (
      doc &&
      /^[_-]$/.test(doc.sep) &&
      (DOCUMENT.has(doc.lower) || CARD_SIDE.has(doc.lower)) &&
      (initialForm ||
        (words.length === 2 &&
          (t.shape === "lower"
            ? words.some((w) => strongGiven(w) || accented(w)) || allForeign(words)
            : words.some(evident) || words.some(isSurname))))
    ) {
      return [i, end];
    }
  }
  return undefined;
}

// The side of a scanned card after the holder's name: "Tangen_Jorgen_front.jpg".
const CARD_SIDE = new Set(["front", "back", "rear", "side1", "side2"]);

/**
 * "Deleted Zuvi Stobbe - xray.pdf", "Uploaded ANNELIESE_ALSAYED - Consent.pdf", "SofiaWray - EOB.docx":
 * a name opening a file name whose next word is a document word and then an extension.
 */
function beforeFileDocument(line: Line, i: number): Found | undefined {
  const { toks, text, lowerLine } = line;
  const t = toks[i]!;
  // In a lowercase line ("s:\clinic\scans\2021\klara danielsson - consent.pdf") lowercase words too.
  const shaped = (x: Token) =>
    x.shape === "title" ||
    x.shape === "upper" ||
    (x.shape === "mixed" && x.parts > 1) ||
    (lowerLine && x.shape === "lower");
  if (!shaped(t) || t.sep === "" || !nameWord(t) || DOCUMENT.has(t.lower) || touchesDigits(t, text))
    return undefined;
  if (i > 0 && !/(?:^|[\s"'“(\\/:])$/.test(t.sep)) return undefined;
  let end = i;
  while (
    end + 1 < toks.length &&
    end - i < 3 &&
    /^(?:[ _.-]|)$/.test(toks[end + 1]!.sep) &&
    (shaped(toks[end + 1]!) || toks[end + 1]!.sep === "") &&
    nameWord(toks[end + 1]!) &&
    !DOCUMENT.has(toks[end + 1]!.lower)
  )
    end++;
  const tail = text.slice(toks[end]!.end, toks[end]!.end + 40);
  // "…\documents\bondi ana mri.tif": in a lowercase path, a space before the document word too.
  const m =
    DOCUMENT_FILE.exec(tail) ?? (t.shape === "lower" ? /^ (\p{L}+)\.(\p{L}{2,4})\b/u.exec(tail) : null);
  if (!m || !DOCUMENT.has(m[1]!.toLowerCase()) || !FILE_EXTENSION.test(m[2]!)) return undefined;
  const words = toks.slice(i, end + 1);
  // Lowercase words need two, a census name or one English lacks among them, and no everyday word.
  // and open a path's segment ("…\2021\klara danielsson - consent.pdf").
  const lowerOk =
    words.length > 1 &&
    /[\\/]$/.test(t.sep) &&
    words.some((w) => isGiven(w) || isSurname(w) || foreign(w)) &&
    !words.some((w) => everyday(w) || BEFORE_NAME.has(w.lower));
  const ok =
    t.shape === "lower" ? lowerOk : words.length > 1 || evident(t) || accented(t) || runTogetherName(t);
  return ok ? [i, end] : undefined;
}

// A record label after a name: ", MRN 123", " (MR# 4567)", " - Acct 89", ", SSN …".
const RECORD_AFTER_NAME =
  /^\s*(?:[,(]|\s[-–—])?\s*(?:MRN|MR\s?#|MR\s?No\b|SSN\b|D\.?O\.?B\b|Acct\b|Account\s?#|member\s?(?:id|#)|policy\s?(?:id|#|no\b)|subscriber\s?id)/i;
// A date right after a name and a comma or parenthesis: "Heleen Huet, 1989-01-16".
const DATE_AFTER_NAME = new RegExp(String.raw`^\s*[,(]\s*${DATE}(?![\d:])`, "i");

/**
 * "NguyenPriya_DOB19940827.pdf", "Robert Nguyen DOB 3/4/85", "Chiba, Wesfus (MR# 553497)": the words
 * right before a birth-date or record label, or before a date.
 */
function beforeBirthDateLabel(line: Line, i: number): Found | undefined {
  const { toks, text, lowerLine } = line;
  const t = toks[i]!;
  const dobShape = (x: Token) =>
    x.shape === "title" ||
    x.shape === "upper" ||
    (lowerLine && x.shape === "lower" && !DOB_LABEL.test(x.text));
  if (
    dobShape(t) &&
    nameWord(t) &&
    !DOCUMENT.has(t.lower) &&
    (t.shape !== "lower" || clauseStart(toks, i, text) || t.compound)
  ) {
    let end = i;
    let comma = false;
    while (end + 1 < toks.length && end - i < 3) {
      const n = toks[end + 1]!;
      // "NGUYEN, ROBERT DOB: …": one comma between surname and given name.
      const commaSep = /^,\s?$/.test(n.sep) && !comma;
      if (!(nameSep(n.sep, n.compound) || commaSep)) break;
      // "Giuseppe bin Atutezna (DOB …)": a particle before the next word of the name.
      const after = toks[end + 2];
      if (
        PARTICLE.has(n.lower) &&
        n.shape === "lower" &&
        !line.lowerLine &&
        after?.sep === " " &&
        after.shape === "title" &&
        end + 1 - i < 3
      ) {
        end++;
        continue;
      }
      if (!(dobShape(n) || n.shape === "initial") || !nameWord(n) || DOB_LABEL.test(n.text)) break;
      if (commaSep) comma = true;
      end++;
    }
    const label = end + 1 < toks.length ? toks[end + 1]! : undefined;
    const after = text.slice(toks[end]!.end, toks[end]!.end + 40);
    // "Takahashi, Eteoki (MR# 25860)", "Heleen Huet, 1989-01-16, MRN …": a record label or a date
    // right after the words tells a name as a birth-date label does.
    const recordAfter = RECORD_AFTER_NAME.test(after) || DATE_AFTER_NAME.test(after);
    if (
      ((label && DOB_LABEL.test(label.text) && /^\s*(?:[_,(-]|\s-)?\s*$/.test(label.sep)) || recordAfter) &&
      (end > i || t.compound || evident(t)) &&
      (t.shape !== "lower" ||
        toks.slice(i, end + 1).some(evident) ||
        runTogetherName(t) ||
        allForeign(toks.slice(i, end + 1))) &&
      !touchesDigits(t, text)
    ) {
      return [i, end];
    }
  }
  return undefined;
}

// Folders that hold one person's records: "/chart/<name>/visits", "/profile/<name>/".
const FOLDER_OF_PERSON = new Set(["chart", "charts", "profile", "profiles"]);

/** A folder named after the patient: "D:\\Patients\\Plantz, Hiroshi\\intake.pdf", "/patients/Kohler, Annelies/". */
function patientFolder(line: Line, i: number): Found | undefined {
  const { toks, text } = line;
  const t = toks[i]!;
  // "/patients/Kohler, Annelies/" as "\\Patients\\…\\"; under "/chart/" a folder of one word is
  // more often a section ("/chart/summary/") than a person, so it takes two.
  const strong = PERSON_PATH.has(t.lower);
  if (
    (strong || FOLDER_OF_PERSON.has(t.lower)) &&
    /^[/\\]$/.test(text[t.end] ?? "") &&
    /^[/\\]$/.test(text[t.start - 1] ?? "")
  ) {
    const folder = /^[/\\]([\p{L}\p{M}'’ ,._-]{2,60})(?=[/\\])/u.exec(text.slice(t.end));
    if (folder) {
      let end = i;
      while (end + 1 < toks.length && toks[end + 1]!.end <= t.end + 1 + folder[1]!.length) end++;
      if (end > i && (strong || end > i + 1)) {
        return [i + 1, end];
      }
    }
  }
  return undefined;
}

/** A path segment under /patients/, or the value of ?patient= / &name=. */
function patientPathOrQuery(line: Line, i: number): Found | undefined {
  const { toks, text } = line;
  const t = toks[i]!;
  if (
    t.compound &&
    PERSON_PATH.has(t.lower) &&
    text[t.start - 1] === "/" &&
    i + 1 < toks.length &&
    toks[i + 1]!.sep === "/"
  ) {
    const end = valueEnd(toks, i + 1, text, 1);
    if (end >= i + 1) {
      return [i + 1, end];
    }
  }
  if (text[t.end] === "=" && i + 1 < toks.length && toks[i + 1]!.start === t.end + 1) {
    const key = /[\p{L}\p{N}_.-]*$/u.exec(text.slice(0, t.end))![0].toLowerCase();
    // ?patient=…, &name=…; a search box (?q=…) when its value is two or three words.
    const minWords = PERSON_KEY.has(key) ? 1 : SEARCH_KEY.has(key) ? 2 : 0;
    const end = minWords > 0 ? valueEnd(toks, i + 1, text, minWords) : -1;
    if (end >= i + 1) {
      return [i + 1, end];
    }
  }
  return undefined;
}

// A row of fields: three separators of one kind (counted, not matched: a long line stays linear), and
// a date, a phone number or a ZIP code among the fields.
function rowOfFields(text: string): boolean {
  const counts = [0, 0, 0, 0];
  for (let k = 0; k < text.length; k++) {
    const at = ",;|\t".indexOf(text[k]!);
    if (at >= 0 && ++counts[at]! >= 3) return ROW_PERSONAL_FIELD.test(text);
  }
  return false;
}
const ROW_PERSONAL_FIELD = new RegExp(
  String.raw`(?:^|[,;|\t]"?)(?:${DATE}|\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}|\d{5}(?:-\d{4})?)"?(?:[,;|\t]|$)`,
);
// Where a field ends: its closing quote, then a separator or the end of the line.
const FIELD_END = /^"?(?:[,;|\t]|$)/;

/**
 * "136745|pelletier|robert|1944-01-10|8553 cedar crk|…", "\"hansen, rhea\",\"27382 maple spgs\",…": in
 * a row of fields that holds a date, a phone or a ZIP code, a surname and a given name as two fields
 * side by side (either order) or as one quoted `surname, given` field are the person the row is
 * about: census names, or one beside a word English lacks, or particles opening the surname; one of
 * the two words must be one English lacks.
 */
function rowFields(line: Line, i: number): Found | undefined {
  const { toks, text } = line;
  const a = toks[i]!;
  const b = toks[i + 1];
  // Cheap tests first: the next word's separator holds a field's separator or a comma.
  if (b === undefined || b.sep.length === 0 || b.sep.length > 3 || !/[,;|\t]/.test(b.sep)) return undefined;
  if (a.shape !== b.shape || a.shape === "mixed" || a.shape === "initial") return undefined;
  // "van der meer|monique": particles open the surname's field.
  let from = i;
  while (from > 0 && toks[from]!.sep === " " && PARTICLE.has(toks[from - 1]!.lower)) from--;
  const before = from === 0 ? text.slice(0, toks[0]!.start) : toks[from]!.sep;
  const quotedPair = /^, ?$/.test(b.sep) && /(?:^|[,;|\t])"$/.test(before);
  const twoFields = /^"?[,;|\t]"?$/.test(b.sep) && /(?:^|[,;|\t])"?$/.test(before);
  if (!(quotedPair || twoFields) || !FIELD_END.test(text.slice(b.end, b.end + 2))) return undefined;
  if (quotedPair && text[b.end] !== '"') return undefined;
  line.row ??= rowOfFields(text);
  if (!line.row) return undefined;
  // A census surname and given name, or one of them beside a word English lacks ("heckel;vittorio").
  const ra = ranks(a);
  const rb = ranks(b);
  const surnameFirst = (ra.surname >= 0 || foreign(a)) && (rb.given >= 0 || foreign(b));
  const givenFirst = (ra.given >= 0 || foreign(a)) && (rb.surname >= 0 || foreign(b));
  // Particles before the surname ("van der laan, vincenzo") are evidence of a name as well.
  const particles = from < i;
  const census = particles || ra.given >= 0 || ra.surname >= 0 || rb.given >= 0 || rb.surname >= 0;
  const pair = census && (quotedPair ? surnameFirst || particles : surnameFirst || givenFirst || particles);
  return pair && (particles || english(a) === 0 || english(b) === 0) ? [from, i + 1] : undefined;
}

/** A given name beside a surname (either order), in prose or inside a file name or URL. */
function givenAndSurname(line: Line, i: number): Found | undefined {
  const { toks, text, lowerLine, taken } = line;
  const pair = namePair(toks, i, lowerLine, text);
  if (pair >= 0) {
    const from = extendLeft(toks, i, taken);
    const end = extendRight(toks, pair);
    return [from, end];
  }
  return undefined;
}

/** "NGUYEN_R_discharge.tif": a surname and an initial in a file name. */
function surnameAndInitial(line: Line, i: number): Found | undefined {
  const { toks } = line;
  const t = toks[i]!;
  if (
    t.compound &&
    i + 1 < toks.length &&
    isSurname(t) &&
    t.shape !== "lower" &&
    toks[i + 1]!.text.length === 1
  ) {
    if (/^[_-]$/.test(toks[i + 1]!.sep) && /^[\p{Lu}]$/u.test(toks[i + 1]!.text)) {
      return [i, i + 1];
    }
  }
  return undefined;
}

/** "Nguyen's chart", "Mateo Fitzgerald's lab results". */
function possessive(line: Line, i: number): Found | undefined {
  const { toks, text, lowerLine, taken } = line;
  const t = toks[i]!;
  const shaped = t.shape === "title" || t.shape === "upper" || (lowerLine && t.shape === "lower");
  if (t.possessive && shaped && nameWord(t) && !DOCUMENT.has(t.lower)) {
    let from = i;
    while (
      from > 0 &&
      i - from < 2 &&
      !taken[from - 1] &&
      (toks[from]!.sep === " " || toks[from]!.sep === "-") &&
      toks[from - 1]!.shape === toks[i]!.shape &&
      nameWord(toks[from - 1]!) &&
      // "pls pull krishna's cbc": shorthand and everyday words are not part of the name.
      !(toks[from - 1]!.shape === "lower" && (everyday(toks[from - 1]!) || shorthand(toks[from - 1]!))) &&
      !DOCUMENT.has(toks[from - 1]!.lower)
    )
      from--;
    // A census name among the words ("Mateo Fitzgerald's", "Nguyen's"); shouted or
    // lowercase words need a census name ("the JSON API's answers", "a person's approval").
    const words = toks.slice(from, i + 1);
    // "Dinah's son", "Lowy Toste's chart": whose relative or document it is.
    const next = toks[i + 1];
    const ofRelative = next !== undefined && RELATIVE.has(next.lower) && /^\s+$/.test(next.sep);
    const ofDocument =
      next !== undefined &&
      DOCUMENT.has(next.lower) &&
      /^\s+$/.test(next.sep) &&
      from < i &&
      words.every((w) => w.shape === "title" || w.shape === "upper");
    // "pls pull jure's strep", "Prisque's psa": one word English lacks, three letters or more,
    // owning something in prose, is a person (lowercase only in a lowercase line: "the runbook's").
    const ownerUnlisted =
      from === i &&
      (t.shape === "title" || (lowerLine && t.shape === "lower")) &&
      t.text.length >= 3 &&
      unlisted(t, text);
    const ok =
      ofRelative ||
      ofDocument ||
      ownerUnlisted ||
      (t.shape === "title"
        ? (from < i && words.some(evident)) || strongSingle(t)
        : words.some(evident) && (from < i || t.shape === "upper"));
    if (ok) {
      return [from, i];
    }
  }
  return undefined;
}

/**
 * A name opening a clause: "Robert called asking…", "Zora Bartoletti no-showed again",
 * "Elias Fitschen seen today…", "Zora Hayden Bartoletti - Immunization record".
 */
function clauseSubject(line: Line, i: number): Found | undefined {
  const { toks, text, lowerLine } = line;
  const t = toks[i]!;
  // "only root has UID 0": an everyday word opens no name.
  const lowerSubject =
    lowerLine &&
    t.shape === "lower" &&
    !everyday(t) &&
    (strongGiven(t) || accented(t) || (toks[i + 1]?.shape === "lower" && evident(toks[i + 1]!)));
  const initial = t.shape === "initial" && text[t.end] === "." && toks[i + 1]?.shape === "title";
  if ((t.shape === "title" || t.shape === "upper" || lowerSubject || initial) && clauseStart(toks, i, text)) {
    const end = run(toks, i, text, { lowerOk: lowerSubject, needDictionary: false });
    if (end >= i) {
      const after = text.slice(toks[end]!.end, toks[end]!.end + 40);
      const tokens = toks.slice(i, end + 1);
      const evidence = tokens.some(evident);
      const verb = SUBJECT_VERB.exec(after);
      const single = end === i;
      // Two capitalised words and a verb only people do ("Viren Carew no-showed") need no census name;
      // "is", "was", "has" follow devices too ("Windows Update was…"), so they need one.
      const copula =
        /^\s+(?:is|was|has|had)\b/i.test(after) &&
        !/^\s+(?:is|was) (?:waiting|seen|admitted|discharged)\b/i.test(after);
      // One capitalised word opening the line and a verb only people do: "Kwame called asking…".
      const personVerb = PERSON_VERB.test(after);
      // A shouted line ("PRIYA CALLED ASKING…") has no capitals to tell, so the same rules take capitals.
      const shoutedLine = line.shouted;
      const capital = (x: Token) => x.shape === "title" || (shoutedLine && x.shape === "upper");
      // "Clinical note: Bekelmar states…": a note's label, then its subject.
      const afterNote = i > 0 && DOCUMENT.has(toks[i - 1]!.lower) && /^:\s+$/.test(t.sep);
      const lone =
        single &&
        capital(t) &&
        ((i === 0 && personVerb) || (afterNote && verb !== null && !copula)) &&
        !WORDLIKE.has(t.lower) &&
        t.parts === 1;
      const titled =
        tokens.every((x) => capital(x) || x.shape === "initial") &&
        !(shoutedLine && /^\s+(?:cancel|resched|arrived)/i.test(after));
      // "Subject: Yusuf Pace - follow up", "09:30 Joep Wada - annual physical": a header or an
      // appointment slot opens with the person it is about.
      const timeSlot = i === 0 && /^\s*\d{1,2}:\d{2}(?:\s?[AaPp][Mm])?\s+$/.test(text.slice(0, t.start));
      const slot = (i > 0 && SUBJECT_HEADER.has(toks[i - 1]!.lower) && /^:\s*$/.test(t.sep)) || timeSlot;
      // "Kenes Saefullah (mother of patient) called", "Walk-in: Grigore Cucu, 88, fever": a relative's
      // role or an age after two capitalised words.
      const described = !single && titled && (RELATIVE_AFTER.test(after) || AGE_AFTER.test(after));
      const named =
        described ||
        (verb &&
          (single ? (strongGiven(t) && !copula) || lone : evidence || (titled && PERSON_VERB.test(after)))) ||
        (!single && documentAfter(after)) ||
        (!single && slot && evidence && titled && /^(?:\s+[-–—]\s|\s*\(|\s*$)/.test(after)) ||
        (!single && titled && timeSlot && VISIT_AFTER.test(after) && !business(toks, end));
      if (named) {
        return [i, end];
      }
    }
  }
  return undefined;
}

/**
 * Two or three words that no English list holds, side by side in prose: "ndleleni mthembu ok to
 * release?", "is Edgars Dombrovskis still in the lobby?", "isabel waters in waiting room". Most of
 * what English lacks in a clinic's chat is people's names; drug, product and host names rarely stand
 * two in a row, and one of the words must be a census name or have diacritics, or both be three
 * letters or more.
 */
function unlistedPair(line: Line, i: number): Found | undefined {
  const { toks, text, lowerLine, shouted } = line;
  const t = toks[i]!;
  const shape = shouted ? "upper" : lowerLine ? "lower" : "title";
  if (t.shape !== shape) return undefined;
  // The next word (or particle) must be of the same case and beside it.
  const after = toks[i + 1];
  if (after === undefined || !(after.sep === " " || after.sep === "-")) return undefined;
  if (after.shape !== shape && !PARTICLE.has(after.lower)) return undefined;
  const prev = i > 0 ? toks[i - 1] : undefined;
  if (prev && (CLINICIAN.has(prev.lower) || honorific(prev, text))) return undefined;
  // A given name that is an everyday word ("frank", "dale", "tea") only before a common surname
  // English lacks or a word with diacritics ("tea roškić").
  const first =
    unlisted(t, text) ||
    plainGiven(t) ||
    (isGiven(t) && english(after) === 0 && (commonSurname(after) || accented(after))) ||
    // "dean bucciarelli", "iris hodel": a given name that is a rarer English word before one English lacks.
    (isGiven(t) && english(t) > 10 && unlisted(after, text));
  if (!first || t.compound || touchesDigits(t, text) || assigned(line, t)) return undefined;
  let end = i;
  let words = 1;
  while (end + 1 < toks.length && words < 3) {
    const n = toks[end + 1]!;
    // "kalniņš-mednis": the other half of a double-barrelled word English lacks.
    if (
      n.sep === "-" &&
      n.shape === t.shape &&
      (foreign(n) || plainGiven(n) || (isSurname(n) && !everyday(n))) &&
      !touchesDigits(n, text)
    ) {
      end++;
      continue;
    }
    // "michael l. klemm": a middle initial between the words.
    const m0 = toks[end + 2];
    if (
      lowerLine &&
      n.text.length === 1 &&
      n.sep === " " &&
      text[n.end] === "." &&
      m0?.sep === ". " &&
      m0.shape === t.shape &&
      (unlisted(m0, text) || (isSurname(m0) && !everyday(m0)))
    ) {
      end += 2;
      words++;
      continue;
    }
    // "wilma van der hoff": particles before the surname.
    let k = end + 1;
    while (k < end + 3 && k < toks.length && PARTICLE.has(toks[k]!.lower) && toks[k]!.sep === " ") k++;
    const m = toks[k];
    if (k > end + 1 && m !== undefined && m.sep === " " && m.shape === t.shape && unlisted(m, text)) {
      end = k;
      words++;
      continue;
    }
    if (n.sep !== " " || n.shape !== t.shape || !prose(n, text)) break;
    // A census surname after a given name, English or not ("isabel waters", "santosh lama"), unless
    // an everyday word.
    const surname =
      (end === i || plainGiven(toks[end]!)) &&
      (plainGiven(t) ||
        english(n) === 0 ||
        english(n) > 20 ||
        (english(n) > 10 && ranks(n).surname < 1000)) &&
      isSurname(n) &&
      !WORDLIKE.has(n.lower) &&
      !everyday(n) &&
      // The commonest English words are surnames here only when common ones ("white", not "still").
      !(english(n) === 10 && ranks(n).surname >= 1000) &&
      !touchesDigits(n, text);
    if (!(unlisted(n, text) || plainGiven(n) || surname)) break;
    end++;
    words++;
  }
  // "Med Rec #…": words before a number sign are a field's label.
  if (words === 1 || business(toks, end) || /^\s*#/.test(text.slice(toks[end]!.end))) return undefined;
  const span = toks.slice(i, end + 1).filter((w) => !PARTICLE.has(w.lower));
  const named = span.some((w) => isGiven(w) || isSurname(w) || accented(w));
  // Shouted lines hold more codes and abbreviations: there every word needs three letters.
  const long = span.every((w) => w.text.length >= 3);
  return (named && !shouted) || long ? [i, end] : undefined;
}

/**
 * Two parts of a file name or URL that English lacks, joined as a name's parts are ("schinner_
 * bergnaum.pdf", "?q=lien%20dewilde"), in a file name's case: lowercase, capitalised or shouted.
 * A domain's dots ("sharepoint.contoso.com") join no name, and outside a file name or a query value
 * hyphens join check ids and host names ("winrm-unencrypted").
 */
function unlistedInFileName(line: Line, i: number): Found | undefined {
  const { toks, text } = line;
  const t = toks[i]!;
  const n = toks[i + 1];
  if (!t.compound || n === undefined || !n.compound || n.shape !== t.shape) return undefined;
  if (!/^(?:[_+-]|%20)$/.test(n.sep) || t.shape === "mixed" || t.shape === "initial") return undefined;
  const words = [t, n];
  if (!allForeign(words) || words.some((w) => FILE_EXTENSION.test(w.text) || touchesDigits(w, text)))
    return undefined;
  // Only in a file name (an extension ends the word) or a URL's query value.
  const rest = /^[^\s"'<>]*/.exec(text.slice(n.end))![0];
  const file = /\.(\p{L}{2,4})$/u.exec(rest);
  const query = /[?&][\w.-]*=[^&\s]*$/.test(text.slice(0, t.start));
  return (file && FILE_EXTENSION.test(file[1]!)) || query ? [i, i + 1] : undefined;
}

/**
 * "insured: j. martinez", "completed by elena j. istha" (the first word found by unlistedPair):
 * in a lowercase line, an initial and a surname, where a clause or a name's context opens.
 */
function lowerInitialAndSurname(line: Line, i: number): Found | undefined {
  const { toks, text, lowerLine } = line;
  const t = toks[i]!;
  const n = toks[i + 1];
  if (!lowerLine || t.text.length !== 1 || text[t.end] !== "." || n?.sep !== ". " || n.shape !== "lower")
    return undefined;
  const prev = i > 0 ? toks[i - 1] : undefined;
  const opens = clauseStart(toks, i, text) || (prev !== undefined && BEFORE_NAME.has(prev.lower));
  const surname = (isSurname(n) && !everyday(n)) || (n.text.length >= 4 && unlisted(n, text));
  if (!opens || !surname || touchesDigits(n, text)) return undefined;
  // "e. g. chart": an abbreviation's letters are no initial.
  return /^\s*\p{L}\./u.test(text.slice(n.end, n.end + 3)) ? undefined : [i, i + 1];
}

/**
 * "carolina donaldson texted back", "reply from young takahashi: yes confirm", "can you room meta
 * frappier?": in a lowercase line, any census given name (even one English or a place shares) before
 * a census surname English lacks, where a person stands: after a word that introduces or reaches a
 * person, or opening a clause, and before what ends a name.
 */
function lowerCensusPair(line: Line, i: number): Found | undefined {
  const { toks, text, lowerLine } = line;
  const t = toks[i]!;
  const n = toks[i + 1];
  if (!lowerLine || n === undefined || t.shape !== "lower" || n.shape !== "lower" || n.sep !== " ")
    return undefined;
  if (t.text.length < 2 || n.text.length < 3 || t.compound || n.compound) return undefined;
  if (ranks(t).given < 0 || ranks(n).surname < 0 || english(n) !== 0 || shorthand(n)) return undefined;
  const prev = i > 0 ? toks[i - 1] : undefined;
  // "holly crain and florance story both at 1:30": the second of two people.
  const second = prev?.lower === "and" && i > 1 && line.taken[i - 2] === 1;
  const opens =
    second ||
    clauseStart(toks, i, text) ||
    (prev !== undefined &&
      (BEFORE_NAME.has(prev.lower) || REACHES.has(prev.lower) || RELATIVE.has(prev.lower)));
  if (!opens || touchesDigits(t, text) || touchesDigits(n, text) || assigned(line, t)) return undefined;
  return LOWER_SURNAME_END.test(text.slice(n.end, n.end + 40)) ? [i, i + 1] : undefined;
}

/**
 * A file name's stem that English lacks, before a date or a number: "kamladwivedi_1014.pdf",
 * "ESBENSKOV_0617.PDF", "scan_ottovestergaard_dob19720114.pdf" — a name run together. Two English
 * words run together ("scansnap_0001.pdf", "screenshot_2024.png") are not one.
 */
function runTogetherStem(line: Line, i: number): Found | undefined {
  const { toks, text } = line;
  const t = toks[i]!;
  if (!t.compound || t.parts > 1 || t.text.length < 7 || !(t.shape === "lower" || t.shape === "upper"))
    return undefined;
  if (!/^[\s\\/:"'(]$|^_$/.test(text[t.start - 1] ?? " ")) return undefined;
  if (t.sep === "_" && !(i > 0 && DOCUMENT.has(toks[i - 1]!.lower))) return undefined;
  const after = /^[_-](?:\d|dob\d)[^\s"'<>]*?\.(\p{L}{2,4})\b/iu.exec(text.slice(t.end, t.end + 40));
  if (!after || !FILE_EXTENSION.test(after[1]!) || !foreign(t) || englishPair(t.lower)) return undefined;
  return [i, i];
}

// Two English words run together: "scansnap", "screenshot", "quickbooks".
function englishPair(w: string): boolean {
  for (let k = 3; k <= w.length - 3; k++)
    if (englishLevel(w.slice(0, k)) > 0 && englishLevel(w.slice(k)) > 0) return true;
  return false;
}

/**
 * A census given name alone that is no everyday English word: "is thomas still in the lobby?",
 * "told Lucas we'd call", "rosie cant make it". Shouted lines and words inside file names are left
 * to the rules above.
 */
function loneGiven(line: Line, i: number): Found | undefined {
  const { toks, text, lowerLine, shouted } = line;
  const t = toks[i]!;
  if (shouted || t.compound || !(t.shape === "title" || (t.shape === "lower" && lowerLine))) return undefined;
  if (t.text.length < (t.shape === "lower" ? 4 : 3) || !plainGiven(t) || touchesDigits(t, text))
    return undefined;
  const prev = i > 0 ? toks[i - 1] : undefined;
  if (prev && (CLINICIAN.has(prev.lower) || honorific(prev, text))) return undefined;
  // A capitalised given name opening a clause or a label is as often a product ("Athena: opened…",
  // "NP-OFFICE Athena updated"); mid-sentence after a lowercase word, or in a line otherwise in
  // lowercase, it is a person.
  if (
    t.shape === "title" &&
    (prev?.shape !== "lower" || t.sep !== " ") &&
    /\p{Lu}/u.test(text.slice(0, t.start) + text.slice(t.end))
  )
    return undefined;
  if (/^\s*[#:=]/.test(text.slice(t.end, t.end + 8)) || assigned(line, t)) return undefined;
  return business(toks, i) || english(t) > 0 ? undefined : [i, i];
}

// Words after which a lone word is the person reached: "told safiatou we'd call", "hi bouchard, …".
const REACHES = new Set([
  "hi",
  "hello",
  "hey",
  "dear",
  "told",
  "tell",
  "ask",
  "asked",
  "seen",
  "see",
  "room",
  "roomed",
  "w",
  "call",
  "text",
  "page",
  "paged",
  "remind",
]);
// What a person does or where a person is, after a lone word opening a line: "sipho in the lobby",
// "mpilo cant make it" (not "in rm 4", where devices are too), "zarije asking for a work note".
const PERSON_PREDICATE =
  /^\s+(?:in (?:the )?(?:lobby|waiting room)\b|here (?:for|to|with)\b|is (?:here|waiting|asking|on|in|still|back)\b|can['’]?t|cannot|won['’]?t|walked|waiting|paid|no[- ]?show|says|said|asking|asked|wants|needs|called|left|arrived|checked|declined|refused|missed|cancel+ed|rescheduled|on (?:line|hold)\b|\+ )/;
// What ends the person reached: the end of the line or clause, or words that follow an object.
const REACHED_END =
  /^(?:\s*$|\s*[?.!,;:]|\s+(?:we|that|to|about|re|back|again|today|tmrw|tomorrow|asap|pls)\b)/;

/**
 * A lone word that no dictionary lists (or a census given name that is no everyday word), lowercase in
 * a lowercase line or capitalised, where a person stands: opening a clause before what a person does
 * or where a person waits ("sipho in the lobby", "Amahle says…"), or after a verb that reaches a
 * person, ending the clause ("told safiatou we'd call").
 */
function loneUnlisted(line: Line, i: number): Found | undefined {
  const { toks, text, lowerLine } = line;
  const t = toks[i]!;
  if (!(t.shape === "lower" ? lowerLine : t.shape === "title" && !line.shouted) || t.text.length < 4)
    return undefined;
  const prev = i > 0 ? toks[i - 1]! : undefined;
  const reaching = prev !== undefined && REACHES.has(prev.lower) && /^[/:]?\s+$/.test(t.sep);
  if (!reaching && !clauseStart(toks, i, text)) return undefined;
  const after = text.slice(t.end, t.end + 40);
  if (!(reaching ? REACHED_END : PERSON_PREDICATE).test(after)) return undefined;
  const word = unlisted(t, text) || (plainGiven(t) && !t.compound && !touchesDigits(t, text));
  return word && !assigned(line, t) ? [i, i] : undefined;
}

// A setting's value (`detects = "tmutil startbackup"`): commands and identifiers, not prose; a
// person's name there is a labelled field's (fields.ts).
function assigned(line: Line, t: Token): boolean {
  line.valueAt ??= /^\s*[\w.-]+\s*[:=]\s*["']/.exec(line.text)?.[0].length ?? -1;
  return line.valueAt >= 0 && t.start >= line.valueAt;
}

// What follows the person in a schedule's slot: a dash, then the visit and its clinician ("09:30 Zuva
// Poole - flu shot (Dr. Simon)"), or a kind of visit.
const VISIT_AFTER =
  /^\s+[-–—]\s+(?:[^()\n]{1,40}\((?:Dr|NP|PA|PA-C|RN)\.? [\p{L}'’. -]{2,30}\)\s*$|(?:new patient|annual|physical|f\/u|follow[- ]?up|telehealth|flu shot|consult|recheck|well[- ]child|sick visit|procedure|post[- ]op|pre[- ]op|wound|bp check|vaccines?|shots?|med check|labs?|injection)\b)/iu;

// What follows a name after "<document> for": the end of the question or line, or the document's fate.
const DOCUMENT_NAME_END =
  /^(?:\s*[?"']?\s*$|\s*\?|\s+(?:posted|faxed|sent|printed|uploaded|scanned|signed|approved|denied|received|attached|ready)\b)/i;

// "(mother of patient)", "(pt's wife)": who the person is to the patient.
const RELATIVE_AFTER = new RegExp(
  String.raw`^\s*\(\s*(?:(?:the\s+)?(?:patient|pt)['’]?s\s+)?(?:${[...RELATIVE].join("|")})(?:\s+of\s+(?:the\s+)?(?:patient|pt))?\s*\)`,
  "i",
);
// ", 55," "(19 y/o)", "(67 F)": an age after a name.
const AGE_AFTER =
  /^(?:,\s*\d{1,3}\s*(?:y\/?o\b|yo\b|years?(?: old)?\b|[MF]\b)?\s*[,;)]|\s*\(\s*\d{1,3}\s*(?:y\/?o|yo|years?(?: old)?|[MF])\s*\))/i;

// Headers whose value opens with the person a message is about.
const SUBJECT_HEADER = new Set(["subject", "re", "fw", "fwd"]);

// The words right before a street address, after a label or separator: "ROBERT NGUYEN / 12 MAIN ST".
function addressee(toks: Token[], text: string, at: number): [number, number] | undefined {
  let end = -1;
  for (let k = toks.length - 1; k >= 0; k--) {
    if (toks[k]!.end <= at) {
      end = k;
      break;
    }
  }
  // Words another rule claimed ("AL-SAYED" of "PRIYA AL-SAYED") are still the addressee's.
  if (end < 0 || !/^\s*[,/|;]?\s*$/.test(text.slice(toks[end]!.end, at))) return undefined;
  let from = end;
  const lowerLine = !/\p{Lu}/u.test(text);
  const ok = (t: Token) =>
    (t.shape === "title" ||
      t.shape === "upper" ||
      t.shape === "initial" ||
      (lowerLine && t.shape === "lower")) &&
    nameWord(t) &&
    !DOCUMENT.has(t.lower) &&
    !BEFORE_NAME.has(t.lower) &&
    !honorific(t, text);
  if (!ok(toks[end]!)) return undefined;
  while (from > 0 && end - from < 3 && /^(?:\.?\s|-)$/.test(toks[from]!.sep) && ok(toks[from - 1]!)) from--;
  // A label before the name ("Label printed: …") ends at its colon.
  const words = toks.slice(from, end + 1);
  const dictionary = words.some((t) => t.shape !== "initial" && strongSingle(t));
  // In a lowercase line only census names tell an addressee from other words.
  if (lowerLine) return dictionary || allForeign(words) ? [from, end] : undefined;
  return end > from || dictionary ? [from, end] : undefined;
}

function sameCase(a: Token, b: Token): boolean {
  if (a.shape === "initial" || b.shape === "initial") return true;
  if (a.shape === b.shape) return true;
  // A given name may sit beside a shouted surname: "Robert NGUYEN" (not "JOSE Errors").
  return a.shape === "title" && b.shape === "upper";
}

// Separators that may sit inside one name.
function nameSep(sep: string, compound: boolean): boolean {
  if (sep === " ") return true;
  if (compound) return sep === "" || compoundSep(sep);
  return sep === "-";
}

// "NguyenPriya" is a name; "FederalRegisterPage" and "MAJOR.MINOR" are identifiers.
function identifierJoin(a: Token, b: Token): boolean {
  if (b.sep === "" && (a.parts > 3 || !a.compound)) return true;
  return b.sep === "." && (a.shape === "upper" || b.shape === "upper");
}

/**
 * Whether tokens i and i+1 (or i, an initial, i+2) form a name; returns the index of the last token
 * of the pair, or -1.
 */
function namePair(toks: Token[], i: number, lowerLine: boolean, text: string): number {
  const a = toks[i]!;
  let j = i + 1;
  if (j >= toks.length) return -1;
  // "Robert J. Nguyen": skip a middle initial.
  if (toks[j]!.shape === "initial" && j + 1 < toks.length && nameSep(toks[j]!.sep, a.compound)) j++;
  const b = toks[j]!;
  const sep = b.sep.replace(/^\.(?=\s)/, "");
  const compound = a.compound && b.compound;
  const commaForm = /^,\s?$/.test(b.sep) || b.sep === "^";
  if (!(nameSep(sep, compound) || commaForm) || identifierJoin(a, b)) return -1;
  if (!sameCase(a, b) || a.shape === "mixed" || b.shape === "mixed" || a.shape === "initial") return -1;
  // "TONIS,KAOVARA,04/25/1955": two words and a date, the fields of an exported row.
  if (
    b.sep === "," &&
    /^,\s?\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}/.test(text.slice(b.end, b.end + 12)) &&
    (a.shape !== "lower" || lowerLine)
  )
    return j;
  // Lowercase names only inside file names and URLs, or in a lowercase line after the rules above.
  if ((a.shape === "lower" || b.shape === "lower") && !compound && !lowerLine) return -1;
  // "insured: kojima, sonja", "to: "aoki, lydie" <…>": in a lowercase line, a surname, a comma and a
  // given name that English lacks, one of them a census name or with diacritics, ending the field.
  if (
    lowerLine &&
    a.shape === "lower" &&
    b.shape === "lower" &&
    /^, ?$/.test(b.sep) &&
    allForeign([a, b]) &&
    [a, b].some((w) => isGiven(w) || isSurname(w) || accented(w)) &&
    /^(?:$|[,;|)\]"'>(]|\s[-–—|/(<]|\.?$)/.test(text.slice(b.end, b.end + 2))
  )
    return j;
  // "bevel, hiroshi dob: 2/21/83": a census surname that is no everyday word, a comma and a census
  // given name that is none either or a word no list holds, before what ends a name.
  if (
    lowerLine &&
    a.shape === "lower" &&
    b.shape === "lower" &&
    /^, ?$/.test(b.sep) &&
    isSurname(a) &&
    !WORDLIKE.has(a.lower) &&
    (english(a) === 0 || english(a) > 20) &&
    (plainGiven(b) || (b.text.length >= 3 && unlisted(b, text))) &&
    (clauseStart(toks, i, text) || (i > 0 && BEFORE_NAME.has(toks[i - 1]!.lower))) &&
    LOWER_SURNAME_END.test(text.slice(b.end, b.end + 40))
  )
    return j;
  if (a.shape === "lower" && !compound) return -1;
  if (!nameWord(a) || !nameWord(b)) return -1;
  // "pid|1||…||schinner^destinee": an HL7 name's parts, whatever the dictionaries say.
  if (b.sep === "^" && allForeign([a, b])) return j;
  const aw = WORDLIKE.has(a.lower);
  const bw = WORDLIKE.has(b.lower);
  if (aw && bw) return -1;
  // Given name first: "Robert Nguyen", "jennifer_johnson".
  if (!commaForm && isGiven(a)) {
    if (aw ? commonSurname(b) : isSurname(b) && !bw) return j;
    if (!aw && a.shape !== "lower" && b.shape !== "lower" && !bw && unknownWord(b) && ranks(a).given < 2000)
      return j;
  }
  // "LOPEZ,HIROSHI", "Nguyen, Đức": a surname, a comma, and a word the census lacks that ends the field.
  if (
    /^, $/.test(b.sep) &&
    likelySurname(a) &&
    ranks(a).surname < COMMON_SURNAMES &&
    (unknownWord(b) || evident(b)) &&
    b.shape !== "lower" &&
    /^(?:$|[,;|)\]"'^]|\s[-–—|/]|\.?$)/.test(text.slice(b.end, b.end + 2))
  )
    return j;
  // Surname first: "NGUYEN, ROBERT", "Nguyen^Robert", "JohnsonJennifer".
  if (isSurname(a) && isGiven(b)) {
    if (commaForm || compound) return bw ? (commonSurname(a) ? j : -1) : j;
    // Without a comma only shouted ("NGUYEN ROBERT"): in prose a word before a given name is more
    // often a verb ("Call Yolanda", "Ask Robert") than a surname.
    if (a.shape === "upper" && !aw && !bw && strongGiven(b) && ranks(a).surname < 5000) return j;
  }
  return -1;
}

function unknownWord(t: Token): boolean {
  const r = ranks(t);
  return r.given < 0 && r.surname < 0 && t.text.length >= 2;
}

function extendLeft(toks: Token[], i: number, taken: Uint8Array): number {
  let from = i;
  while (from > 0 && i - from < 2 && !taken[from - 1]) {
    const p = toks[from - 1]!;
    const cur = toks[from]!;
    if (!nameSep(cur.sep, cur.compound) || !sameCase(p, cur) || p.shape === "initial" || p.shape === "mixed")
      break;
    if (p.compound !== cur.compound || identifierJoin(p, cur)) break;
    if (!(strongGiven(p) || (isSurname(p) && !WORDLIKE.has(p.lower) && (p.shape !== "lower" || evident(p)))))
      break;
    from--;
  }
  return from;
}

function extendRight(toks: Token[], j: number): number {
  let end = j;
  while (end + 1 < toks.length && end - j < 2) {
    const n = toks[end + 1]!;
    const cur = toks[end]!;
    // "VAN DYKE,ARLENE", "NGUYEN^ROBERT": a given name after a field separator.
    if ((n.sep === "," || n.sep === "^") && isGiven(n) && sameCase(cur, n)) {
      end++;
      break;
    }
    if (!nameSep(n.sep, n.compound) || !sameCase(cur, n) || n.shape === "mixed" || n.shape === "initial")
      break;
    if (n.compound !== cur.compound || identifierJoin(cur, n)) break;
    if (!(isSurname(n) && !WORDLIKE.has(n.lower) && (n.shape !== "lower" || evident(n)))) break;
    end++;
  }
  return end;
}

/**
 * The run of name-shaped words starting at i (after a context word): capitalised (or, in a
 * lowercase line, lowercase) name words and initials, "Last, First" allowed once. Returns the last
 * token of the run, or i - 1 when there is none.
 */
interface RunOptions {
  /** Lowercase words may be part of the name (a lowercase line, or after "mrs"). */
  lowerOk: boolean;
  /** The first word may be any lowercase word, not only a census name (after an honorific). */
  lowerAny?: boolean;
  /** At least one word must be evidence of a name (see `evident`). */
  needDictionary: boolean;
  /** How many shouted words the run takes before it needs a census name (2 unless the context is strong). */
  shouted?: number;
  /** A word before a colon may end the name ("message from Kwame Medcalf: please call"). */
  colonOk?: boolean;
}

function run(toks: Token[], i: number, text: string, o: RunOptions): number {
  let end = i - 1;
  let dictionary = false;
  let comma = false;
  let commaAt: number | undefined;
  for (let k = i; k < toks.length && k - i < MAX_TOKENS; k++) {
    const t = toks[k]!;
    if (k > i) {
      const sep = t.sep.replace(/^\.(?=\s)/, "");
      if (/^,\s?$/.test(sep)) {
        // "Nguyen, Robert", "AL-SAYED, KAIS", "Van Dyke, Noah": one comma, after one or two words
        // (hyphenated ones count once) and before a capitalised word; "Robert Nguyen, …" ends at its
        // comma unless a given name follows.
        const before = wordsBefore(toks, i, k);
        const first = toks[i]!;
        const givenFirst = strongGiven(first) && !likelySurname(first) && !PARTICLE.has(first.lower);
        if (comma || before > 2 || (before === 2 && givenFirst && !isGiven(t))) break;
        if (!(t.shape === "title" || t.shape === "upper" || (o.lowerOk && t.shape === "lower"))) break;
        if (t.shape === "lower" && !isGiven(t) && !evident(t)) break;
        comma = true;
        commaAt = k;
      } else if (!(sep === " " || sep === "-" || sep === "^")) break;
    }
    // The words that introduce a name ("Pt", "Call", "mother") are not part of it.
    if (
      k === i &&
      (CLINICIAN.has(t.lower) || honorific(t, text) || RELATIVE.has(t.lower) || BEFORE_NAME.has(t.lower))
    )
      break;
    // "Maaike van der Firve", "Ruderre de la Inaba": particles inside a name, before its surname.
    if (k > i && k - i < MAX_TOKENS - 1 && PARTICLE.has(t.lower) && t.sep === " " && t.shape !== "mixed") {
      const n = toks[k + 1];
      const shaped = n && (n.shape === "title" || n.shape === "upper" || (o.lowerOk && n.shape === "lower"));
      if (n?.sep === " " && (PARTICLE.has(n.lower) || (shaped && nameWord(n)))) continue;
    }
    // "elena r. macconnell": in a lowercase line an initial is a letter and a period.
    if (o.lowerOk && k > i && t.text.length === 1 && text[t.end] === "." && t.shape === "lower") {
      end = k;
      continue;
    }
    const shapeOk =
      t.shape === "title" ||
      t.shape === "upper" ||
      t.shape === "initial" ||
      (o.lowerOk && t.shape === "lower");
    // "Jan-Willem": a word the lists hold as something else is a name's part when hyphened to one.
    const partner = toks[k + 1]?.sep === "-" ? toks[k + 1] : k > i && t.sep === "-" ? toks[k - 1] : undefined;
    const hyphened = t.shape === "title" && t.text.length > 1 && partner !== undefined && evident(partner);
    // Right after an honorific any word of two letters or more is the surname ("Mrs. Lane", "Mr. West").
    const afterTitle = o.lowerAny === true && k === i && t.text.length >= 2;
    if (!shapeOk || (!nameWord(t) && t.shape !== "initial" && !hyphened && !afterTitle)) break;
    if (DOCUMENT.has(t.lower) || SAYS.has(t.lower) || touchesDigits(t, text)) break;
    // "Dinah's son", "SMITH, BORN 1/2/93", "KWAME SANTIGO WILL PICK UP": a relative, a birth label or
    // an everyday word after two words ends the name.
    if (
      k > i &&
      (RELATIVE.has(t.lower) ||
        DOB_LABEL.test(t.text) ||
        honorific(t, text) ||
        (k > i + 1 && WORDLIKE.has(t.lower)))
    )
      break;
    // Part of an identifier ("ShortText", "Object.entries"), not a name.
    if (t.parts > 1 || METHOD_CALL.test(text.slice(t.end, t.end + 24))) break;
    // A word right before a colon or equals sign is a field label ("Member ID: …"), not a name.
    const known = evident(t);
    if (
      /^\s*[:=]/.test(text.slice(t.end, t.end + 2)) &&
      !known &&
      !(k > i && (o.colonOk || evident(toks[k - 1]!)))
    )
      break;
    if (known) dictionary = true;
    // "C. Soder": an initial and a capitalised word; "Quaid, Priya": a census name in "Last, First".
    if (
      t.shape === "initial" &&
      text[t.end] === "." &&
      (toks[k + 1]?.shape === "title" || toks[k + 1]?.shape === "upper")
    )
      dictionary = true;
    // Shouted runs stop after two words unless the next is a census name: "MS. KWAME FITZGERALD TESTED…"
    // (hyphenated parts and initials do not count as words: "PRIYA AL-SAYED", "HIROSHI C. MCMILLIAN").
    if (
      t.shape === "upper" &&
      t.sep !== "-" &&
      wordsBefore(toks, commaAt ?? i, k) >= (o.shouted ?? 2) &&
      !known
    )
      break;
    if (comma && (isSurname(t) || isGiven(t) || isSurname(toks[i]!))) dictionary = true;
    // In lowercase text only census names count, and a name the census lacks beside one it has.
    const next = toks[k + 1];
    const prev = k > i ? toks[k - 1]! : undefined;
    if (
      t.shape === "lower" &&
      !known &&
      !(o.lowerAny && k === i) &&
      !((next?.sep === " " || next?.sep === ", ") && next.shape === "lower" && evident(next)) &&
      !(
        prev &&
        (strongGiven(prev) || (o.lowerAny && k === i + 1)) &&
        t.sep === " " &&
        NAME_END.test(text.slice(t.end))
      ) &&
      // "for destinee schinner": words English lacks, beside another such word.
      !(
        unlisted(t, text) &&
        t.text.length >= 3 &&
        ((next?.sep === " " && next.shape === "lower" && next.text.length >= 3 && unlisted(next, text)) ||
          (prev !== undefined && k - 1 >= i && end === k - 1 && unlisted(prev, text)))
      )
    )
      break;
    end = k;
    if (t.possessive) break;
  }
  // A trailing initial belongs to the name only when a period follows it.
  while (end >= i && toks[end]!.shape === "initial" && text[toks[end]!.end] !== ".") end--;
  // Without such evidence: a capitalised word and a census surname after it ("Dmitri Rallis"), or two
  // capitalised census surnames, however rare ("Meza Romero"); shouted text ("SORRY FOR MAKING YOU
  // YELL") is too full of surnames for either.
  const words = toks.slice(i, end + 1);
  const lastSurname =
    words.length >= 2 &&
    words.every((t) => t.shape === "title" || t.shape === "initial") &&
    isSurname(words[words.length - 1]!) &&
    ranks(words[words.length - 1]!).surname < 40000;
  if (
    o.needDictionary &&
    !dictionary &&
    !lastSurname &&
    words.filter((t) => t.shape === "title" && isSurname(t)).length < 2 &&
    !(words.every((t) => t.shape === "lower") && allForeign(words))
  )
    return i - 1;
  return end;
}

// The tokens of one path segment or query value (up to "/", "?", "&", "#", "=", a quote or a space)
// when it is letters only, at least `minWords` words of them; else i - 1. A trailing file extension
// or document word ("…-labs.csv") is not part of the name.
function valueEnd(toks: Token[], i: number, text: string, minWords: number): number {
  const start = toks[i]!.start;
  const rest = text.slice(start);
  const value = /^[^/?&#=\s"'<>]*/.exec(rest)![0];
  if (!/^[\p{L}\p{M}'’._+-]+(?:%20|%2C|%2c|[\p{L}\p{M}'’._+-])*$/u.test(value)) return i - 1;
  let end = i;
  while (end + 1 < toks.length && toks[end + 1]!.end <= start + value.length) end++;
  while (
    end > i &&
    (DOCUMENT.has(toks[end]!.lower) ||
      (text[toks[end]!.start - 1] === "." && FILE_EXTENSION.test(toks[end]!.text)))
  )
    end--;
  return end - i + 1 >= minWords ? end : i - 1;
}

/** The last word of the capitalised run starting at i ("Dr. Priya Patel" after the title). */
/** The last of up to two lowercase name words starting at i ("jon harris" of "dr. jon harris"). */
function skipLowerName(toks: Token[], i: number, text: string): number {
  let k = i;
  while (
    k < toks.length &&
    k - i < 2 &&
    /^\.?\s$/.test(toks[k]!.sep) &&
    (isGiven(toks[k]!) || isSurname(toks[k]!) || unlisted(toks[k]!, text)) &&
    !everyday(toks[k]!)
  )
    k++;
  return k - 1;
}

function skipRun(toks: Token[], i: number): number {
  let k = i;
  while (
    k < toks.length &&
    (toks[k]!.shape === "title" || toks[k]!.shape === "upper" || toks[k]!.shape === "initial")
  ) {
    if (k > i && !/^\.?\s$/.test(toks[k]!.sep)) break;
    k++;
  }
  return k - 1;
}
