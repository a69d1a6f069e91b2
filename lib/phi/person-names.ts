/**
 * Personal names without a field label: "Discharge summary for Robert Nguyen", "Referral_Jennifer_
 * Johnson.pdf", "/patients/jennifer-johnson/chart", "NGUYEN^ROBERT^J", "Mailing label: ROBERT NGUYEN".
 * The census lists (names.ts) say which words can be given names and surnames; context decides
 * whether they are: a given name beside a surname, a name after an honorific or after a document
 * title's "for", a possessive, a given name that calls or asks, a path segment under /patients/. A
 * dictionary word alone is never enough, because the lists also hold "Will", "Grant", "Record",
 * "Service" and "Street": the words below that the lists share with English and with device logs
 * need more evidence or never count. Clinicians ("Dr. Adams") are not patients and are left alone.
 */
import { type NameRanks, nameRanks } from "./names.ts";

/** A name found in text: [start, end) in UTF-16 code units. */
export interface NameSpan {
  start: number;
  end: number;
}

// Words the census lists hold that in clinic logs are almost always something else: device-log and
// IT vocabulary, document and address words, places, function words. They never start or continue
// a name found here (a labelled field such as "Patient: Jane Street" is the field detectors' job).
const NEVER = new Set(
  (
    "in an on to no so my ok see man else many soon echo meta manual val del lang le li fe un era tiny carry dot hang " +
    "ping lan sid len sha mac numbers genesis alpha ai pa the and or of for at by as is it be we us am do go " +
    "report summary referral letter note notes result results lab labs record records statement invoice chart form " +
    "plan authorization list request consent history scan card file files folder order orders claim visit appointment " +
    "street avenue road lane drive court way place boulevard north south east west main office campus center clinic " +
    "medical family health hospital group care doctor nurse service server host portal patient number public rule " +
    "client check chain score storage stack running key job code test stream block lock guest agent force shell state " +
    "body base model store fetch update windows defender firewall policy security network domain private ready " +
    "online offline backup bank access user admin system print printer scanner share drive disk memory power reboot " +
    "login logon event account source count status case post home house room desk door window wall floor box link " +
    "edge core cloud route table index value data entry item mode level total sum cross gold silver red blue " +
    "monday tuesday wednesday thursday friday saturday sunday january february march july september october " +
    "november december fall spring winter autumn summer london paris phoenix florida nevada dakota virginia georgia " +
    "carolina washington all any each every some this that these those its his her their our your me him them up " +
    "down out off over new old next last first more less id front batch export import final draft copy temp net com " +
    "org www http https where object get set select foreach invoke remove write start stop dob mrn ssn acct ext fax " +
    "tel phone email zip reader acrobat chrome edge office teams zoom word excel outlook adobe google microsoft apple " +
    "java oracle about with from was were are been has had tested positive negative presented presents seen returned " +
    "denies reports states called asked phoned said says remote desktop active directory advanced task scheduler " +
    "viewer device manager control panel spooler discovery explorer sharing updates services servers settings " +
    "center console protection antivirus endpoint azure exchange online sql jan feb mar apr jun jul aug sep sept oct " +
    "nov dec sun mon tue wed thu fri sat"
  ).split(" "),
);

// Given names that are everyday English words ("Will retry", "Mark as read", "Grant access", "May
// 2026"): they count as a given name only beside a common surname, never alone.
const WORDLIKE = new Set(
  (
    "will mark grant bill hope chase max min page dawn joy faith long rich guy ray art major king young golden " +
    "sterling noble temple love bell ward hunter miles pat don ed hung april may june august austin dallas houston " +
    "jackson denver lincoln franklin madison monroe sunny rocky rusty buddy junior son brain jack frank gene glen " +
    "dale cliff forest royal prince earl norm les sue rob drew dean chance price rose lily ivy holly iris daisy sky"
  ).split(" "),
);

// Document words: "<document> for <name>", "<DOCUMENT> - <NAME>".
const DOCUMENT = new Set(
  (
    "summary summaries referral referrals letter letters report reports result results lab labs note notes record " +
    "records statement statements invoice invoices chart charts form forms plan authorization list request requests " +
    "consent history xray x-ray ekg ecg mri scan scans card packet order orders prescription rx claim claims eob " +
    "appointment appointments visit encounter bill bills voicemail message fax faxes documents document file files " +
    "folder attachment image images photo photos discharge intake insurance invoice immunization immunizations"
  ).split(" "),
);
// Words that introduce a person after them ("for", "to", "from", "re:", "signed by").
const BEFORE_NAME = new Set([
  "for",
  "to",
  "from",
  "with",
  "by",
  "about",
  "re",
  "regarding",
  "attn",
  "cc",
  "patient",
  "pt",
  "client",
]);
// Verbs whose "by" introduces a person: "signed by Thaskiara Tontha".
const BY_PERSON = new Set([
  "signed",
  "referred",
  "requested",
  "entered",
  "completed",
  "faxed",
  "sent",
  "dropped",
  "brought",
  "picked",
]);
const HONORIFIC = new Set(["mr", "mrs", "ms", "miss", "mx", "mister"]);
const CLINICIAN = new Set(["dr", "doctor", "np", "pa", "rn", "md", "dds", "do", "lpn", "provider", "prof"]);
// Verbs after a name that opens a clause ("Robert called asking…", "Elias Fitschen seen today").
const SUBJECT_VERB =
  /^\s+(?:called|calls|phoned|asked|asks|said|says|states|stated|reports|reported|requested|requests|wants|needs|left|came|arrived|cancel+ed|rescheduled|no-showed|emailed|texted|wrote|signed|declined|agreed|seen|presents|presented|denies|denied|complains|is|was|has|had)\b/i;
const DOB_LABEL = /^(?:DOB|dob|Dob|born|BORN)$/;
// Verbs only people do: "Kwame called", "Viren Carew no-showed", "… was seen".
const PERSON_VERB =
  /^\s+(?:called|phoned|asked|texted|emailed|no-showed|rescheduled|cancell?ed|arrived|presented|presents|denies|complains|(?:is|was) (?:waiting|seen|admitted|discharged))\b/i;
// " - Immunization record", " — Discharge summary": a document title after a name.
// Record-number labels after a name: "Jaime Meza - Acct 419540381".
const RECORD_LABEL = new Set([
  "mrn",
  "mr",
  "acct",
  "account",
  "med",
  "enc",
  "encounter",
  "chart",
  "dob",
  "ssn",
]);
const DOCUMENT_AFTER = /^\s+[-–—]\s+(\p{L}+)(?:\s+(\p{L}+))?/u;
// Surname particles: "Van Dyke, Priya" is a surname first, whatever the census says of "Van".
const PARTICLE = new Set([
  "van",
  "von",
  "de",
  "del",
  "della",
  "di",
  "da",
  "du",
  "la",
  "le",
  "st",
  "al",
  "el",
  "ter",
  "ten",
  "bin",
  "ibn",
]);
const SAYS = new Set(
  (
    "called calls phoned asked asks said says states stated reports reported requested requests wants needs left " +
    "came arrived cancelled canceled rescheduled no-showed emailed texted wrote signed declined agreed"
  ).split(" "),
);
// URL path segments and query keys whose value is a person.
const PERSON_PATH = new Set([
  "patients",
  "patient",
  "pt",
  "pts",
  "people",
  "person",
  "members",
  "member",
  "clients",
  "residents",
]);
const PERSON_KEY = new Set([
  "name",
  "patientid_name",
  "patient",
  "pt",
  "fullname",
  "full_name",
  "patientname",
  "patient_name",
  "first",
  "last",
  "firstname",
  "lastname",
  "first_name",
  "last_name",
  "fname",
  "lname",
]);

const SEARCH_KEY = new Set(["q", "query", "search", "term", "s"]);

type Shape = "title" | "upper" | "lower" | "initial" | "mixed";

interface Token {
  start: number;
  end: number;
  text: string;
  lower: string;
  shape: Shape;
  /** The characters between the previous token and this one ("" for a CamelCase split). */
  sep: string;
  /** No whitespace around: part of a file name, path, URL or identifier. */
  compound: boolean;
  /** How many CamelCase parts the word this token came from has (1 for most words). */
  parts: number;
  /** Followed by a possessive "'s", which is not part of the token. */
  possessive: boolean;
  ranks?: NameRanks;
}

// A word: letters with inner apostrophes ("O'Brien", "D’Angelo"); hyphens split, and rejoin below.
const WORD = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*/gu;
const COMPOUND_SEP = /^(?:[_.+^/\\-]|%20|%2C)$/;
/** Whether `sep` joins the words of a file name, path or URL ("_", ".", "/", "%20"…). */
function compoundSep(sep: string): boolean {
  if (sep.length === 1) return "_.+^/\\-".includes(sep);
  return sep.length === 3 && COMPOUND_SEP.test(sep);
}
const MAX_TOKENS = 5;
// What follows a lowercase name in a message: "left voicemail for priya lopez at 555-…", "(…".
const LOWER_NAME_END = /^(?:\s+(?:at|re|dob|about|called|asked)\b|\s*\()/;
// ".entries(", ".name.toLowerCase" follow an identifier; ".pdf", ".docx" end a file name.
const METHOD_CALL = /^\.\p{Ll}(?![a-z0-9]{0,3}(?:["'\s)\],;]|$))/u;
// What may follow a lowercase surname the census lacks ("for robert rantanen, born…", "… at 555-…").
const NAME_END =
  /^(?:$|[,.;:)(/]|['’]s\b|\s+(?:at|re|on|for|to|about|dob|mrn|and|called|asked|phoned|presented|presents|was|is|reports|states|denies|seen|no-showed|returned)\b)/;
// Surnames ranked past this are mostly rare enough that the English words among them ("Keep",
// "Reasons", "Common", "Fill") outnumber the people a clinic meets; alone they are no evidence.
const COMMON_SURNAMES = 10000;

/**
 * Find personal names in `text` that no field label announces. `addressStarts` are where street
 * addresses begin: the words just before one, on a mailing label, are the addressee.
 */
export function findPersonNames(text: string, addressStarts: readonly number[] = []): NameSpan[] {
  const toks = tokenize(text);
  if (toks.length === 0) return [];
  const lowerLine = !/\p{Lu}/u.test(text);
  const out: NameSpan[] = [];
  const add = (from: number, to: number) => {
    if (to >= from) out.push({ start: toks[from]!.start, end: toks[to]!.end });
  };
  const taken = new Uint8Array(toks.length);
  const claim = (from: number, to: number) => {
    for (let k = from; k <= to; k++) taken[k] = 1;
    add(from, to);
  };

  for (let i = 0; i < toks.length; i++) {
    if (taken[i]) continue;
    const t = toks[i]!;
    // Clinicians are staff, not patients: skip "Dr. Priya Patel" whole.
    if (CLINICIAN.has(t.lower) && (t.shape === "title" || t.shape === "upper") && text[t.end] === ".") {
      i = skipRun(toks, i + 1, text);
      continue;
    }
    // "Mr. Nguyen", "MRS GARCIA", "mrs wilderman".
    if (honorific(t, text) && i + 1 < toks.length && /^\.?\s+$/.test(toks[i + 1]!.sep)) {
      const end = run(toks, i + 1, text, {
        lowerOk: t.shape === "lower",
        lowerAny: true,
        needDictionary: false,
      });
      if (end >= i + 1) {
        claim(i + 1, end);
        i = end;
        continue;
      }
    }
    // "<document> for <name>", "<DOCUMENT> — <NAME>", "signed by <name>", "for <name>".
    const before =
      BEFORE_NAME.has(t.lower) && !t.compound && i + 1 < toks.length && /^:?\s+$/.test(toks[i + 1]!.sep);
    const titleDash =
      DOCUMENT.has(t.lower) && i + 1 < toks.length && /^\s*(?:[-–—:|]|\s-)\s+$/.test(toks[i + 1]!.sep);
    if (before || titleDash) {
      // After "<document> for" or "signed by" any capitalised words are the name; after a title dash
      // two of them are; elsewhere a census name must be among them.
      const prev = i > 0 ? toks[i - 1]!.lower : "";
      const afterDocument =
        before && (DOCUMENT.has(prev) || (t.lower === "by" && BY_PERSON.has(prev))) && !lowerLine;
      const end = run(toks, i + 1, text, {
        lowerOk: lowerLine,
        needDictionary: !afterDocument && !titleDash,
      });
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
          (words.some(strongGiven) ||
            (evident(words[words.length - 1]!) &&
              LOWER_NAME_END.test(text.slice(words[words.length - 1]!.end)))));
      if (end >= i + 1 && lowerOk && (end > i + 1 || afterDocument || single)) {
        claim(i + 1, end);
        i = end;
        continue;
      }
    }
    // "Referral_Haddad_Priya.pdf", "Intake_GARCIA_M.pdf": capitalised words after a document word in a
    // file name (joined by "_", or by "-" when not shouted like a host name "XRAY-PC").
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
        ? words.length > 1 && (words.some(strongGiven) || withInitial)
        : end > i + 1 || evident(toks[i + 1]!);
      if (end > i && ok) {
        claim(i + 1, end);
        i = end;
        continue;
      }
    }
    // "kaufmann-viktor-consent.csv", "KOZIE_E_ekg.tif": words of a file name right before a document word.
    if (
      t.compound &&
      t.shape !== "mixed" &&
      nameWord(t) &&
      !DOCUMENT.has(t.lower) &&
      !touchesDigits(t, text)
    ) {
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
        DOCUMENT.has(doc.lower) &&
        (initialForm ||
          (words.length === 2 &&
            (t.shape === "lower"
              ? words.some((w) => strongGiven(w) || accented(w))
              : words.some(evident) || words.some(isSurname))))
      ) {
        claim(i, end);
        i = end;
        continue;
      }
    }
    // "NguyenPriya_DOB19940827.pdf", "Robert Nguyen DOB 3/4/85": the words right before a birth-date label.
    const dobShape = (x: Token) =>
      x.shape === "title" ||
      x.shape === "upper" ||
      (lowerLine && x.shape === "lower" && !DOB_LABEL.test(x.text));
    if (
      dobShape(t) &&
      nameWord(t) &&
      !DOCUMENT.has(t.lower) &&
      (t.shape !== "lower" || clauseStart(toks, i, text))
    ) {
      let end = i;
      let comma = false;
      while (end + 1 < toks.length && end - i < 3) {
        const n = toks[end + 1]!;
        // "NGUYEN, ROBERT DOB: …": one comma between surname and given name.
        const commaSep = /^,\s?$/.test(n.sep) && !comma;
        if (!(nameSep(n.sep, n.compound) || commaSep)) break;
        if (!(dobShape(n) || n.shape === "initial") || !nameWord(n) || DOB_LABEL.test(n.text)) break;
        if (commaSep) comma = true;
        end++;
      }
      const label = end + 1 < toks.length ? toks[end + 1]! : undefined;
      if (
        label &&
        DOB_LABEL.test(label.text) &&
        /^(?:[_\s,(-]|\s-\s)?$/.test(label.sep.trim() === "" ? "" : label.sep) &&
        (end > i || t.compound || evident(t)) &&
        (t.shape !== "lower" || toks.slice(i, end + 1).some(evident)) &&
        !touchesDigits(t, text)
      ) {
        claim(i, end);
        i = end;
        continue;
      }
    }
    // A folder named after the patient: "D:\\Patients\\Plantz, Hiroshi\\intake.pdf".
    if (PERSON_PATH.has(t.lower) && text[t.end] === "\\" && /^[/\\]$/.test(text[t.start - 1] ?? "")) {
      const folder = /^\\([\p{L}\p{M}'’ ,.-]{2,60})(?=\\)/u.exec(text.slice(t.end));
      if (folder) {
        let end = i;
        while (end + 1 < toks.length && toks[end + 1]!.end <= t.end + 1 + folder[1]!.length) end++;
        if (end > i) {
          claim(i + 1, end);
          i = end;
          continue;
        }
      }
    }
    // A path segment under /patients/, or the value of ?patient= / &name=.
    if (
      t.compound &&
      PERSON_PATH.has(t.lower) &&
      text[t.start - 1] === "/" &&
      i + 1 < toks.length &&
      toks[i + 1]!.sep === "/"
    ) {
      const end = valueEnd(toks, i + 1, text, 1);
      if (end >= i + 1) {
        claim(i + 1, end);
        i = end;
        continue;
      }
    }
    if (text[t.end] === "=" && i + 1 < toks.length && toks[i + 1]!.start === t.end + 1) {
      const key = /[\p{L}\p{N}_.-]*$/u.exec(text.slice(0, t.end))![0].toLowerCase();
      // ?patient=…, &name=…; a search box (?q=…) when its value is two or three words.
      const minWords = PERSON_KEY.has(key) ? 1 : SEARCH_KEY.has(key) ? 2 : 0;
      const end = minWords > 0 ? valueEnd(toks, i + 1, text, minWords) : -1;
      if (end >= i + 1) {
        claim(i + 1, end);
        i = end;
        continue;
      }
    }
    // A given name beside a surname (either order), in prose or inside a file name or URL.
    const pair = namePair(toks, i, lowerLine, text);
    if (pair >= 0) {
      const from = extendLeft(toks, i, taken);
      const end = extendRight(toks, pair);
      claim(from, end);
      i = end;
      continue;
    }
    // "NGUYEN_R_discharge.tif": a surname and an initial in a file name.
    if (
      t.compound &&
      i + 1 < toks.length &&
      isSurname(t) &&
      t.shape !== "lower" &&
      toks[i + 1]!.text.length === 1
    ) {
      if (/^[_-]$/.test(toks[i + 1]!.sep) && /^[\p{Lu}]$/u.test(toks[i + 1]!.text)) {
        claim(i, i + 1);
        i++;
        continue;
      }
    }
    // "Nguyen's chart", "Mateo Fitzgerald's lab results".
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
        !DOCUMENT.has(toks[from - 1]!.lower)
      )
        from--;
      // A census name among the words ("Mateo Fitzgerald's", "Nguyen's"); shouted or
      // lowercase words need a census name ("the JSON API's answers", "a person's approval").
      const words = toks.slice(from, i + 1);
      const ok =
        t.shape === "title"
          ? (from < i && words.some(evident)) || strongSingle(t)
          : words.some(evident) && (from < i || t.shape === "upper");
      if (ok) {
        claim(from, i);
        continue;
      }
    }
    // A name opening a clause: "Robert called asking…", "Zora Bartoletti no-showed again",
    // "Elias Fitschen seen today…", "Zora Hayden Bartoletti - Immunization record".
    const lowerSubject =
      lowerLine &&
      t.shape === "lower" &&
      (strongGiven(t) || accented(t) || (toks[i + 1]?.shape === "lower" && evident(toks[i + 1]!)));
    const initial = t.shape === "initial" && text[t.end] === "." && toks[i + 1]?.shape === "title";
    if (
      (t.shape === "title" || t.shape === "upper" || lowerSubject || initial) &&
      clauseStart(toks, i, text)
    ) {
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
        const lone =
          single && t.shape === "title" && i === 0 && personVerb && !WORDLIKE.has(t.lower) && t.parts === 1;
        const titled = tokens.every((x) => x.shape === "title" || x.shape === "initial");
        const named =
          (verb &&
            (single
              ? (strongGiven(t) && !copula) || lone
              : evidence || (titled && PERSON_VERB.test(after)))) ||
          (!single && documentAfter(after));
        if (named) {
          claim(i, end);
          i = end;
        }
      }
    }
  }
  for (const at of addressStarts) {
    const span = addressee(toks, text, at, taken);
    if (span) claim(span[0], span[1]);
  }
  return out;
}

// The words right before a street address, after a label or separator: "ROBERT NGUYEN / 12 MAIN ST".
function addressee(toks: Token[], text: string, at: number, taken: Uint8Array): [number, number] | undefined {
  let end = -1;
  for (let k = toks.length - 1; k >= 0; k--) {
    if (toks[k]!.end <= at) {
      end = k;
      break;
    }
  }
  if (end < 0 || taken[end] || !/^\s*[,/|;]?\s*$/.test(text.slice(toks[end]!.end, at))) return undefined;
  let from = end;
  const lowerLine = !/\p{Lu}/u.test(text);
  const ok = (t: Token) =>
    (t.shape === "title" ||
      t.shape === "upper" ||
      t.shape === "initial" ||
      (lowerLine && t.shape === "lower")) &&
    nameWord(t) &&
    !DOCUMENT.has(t.lower);
  if (!ok(toks[end]!)) return undefined;
  while (
    from > 0 &&
    end - from < 3 &&
    !taken[from - 1] &&
    /^(?:\.?\s|-)$/.test(toks[from]!.sep) &&
    ok(toks[from - 1]!)
  )
    from--;
  // A label before the name ("Label printed: …") ends at its colon.
  const words = toks.slice(from, end + 1);
  const dictionary = words.some((t) => t.shape !== "initial" && strongSingle(t));
  // In a lowercase line only census names tell an addressee from other words.
  if (lowerLine) return dictionary ? [from, end] : undefined;
  return end > from || dictionary ? [from, end] : undefined;
}

function tokenize(text: string): Token[] {
  const toks: Token[] = [];
  let prevEnd = 0;
  for (const m of text.matchAll(WORD)) {
    const sep = text.slice(prevEnd, m.index);
    const w = m[0];
    const possessive =
      w.length > 3 && (w[w.length - 1] === "s" || w[w.length - 1] === "S") && /['’]/.test(w[w.length - 2]!);
    const word = possessive ? w.slice(0, -2) : w;
    const parts = camelParts(word);
    for (const [n, [off, part]] of parts.entries()) {
      const start = m.index + off;
      const end = start + part.length;
      toks.push({
        start,
        end,
        text: part,
        lower: part.toLowerCase(),
        shape: shapeOf(part),
        sep: off === 0 ? sep : "",
        compound: false,
        possessive: possessive && n === parts.length - 1,
        parts: parts.length,
      });
    }
    prevEnd = m.index + m[0].length;
  }
  // A token is part of a compound (file name, path, URL) when it touches a non-space separator;
  // the CamelCase parts of one word share the word's answer.
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const before = t.sep;
    const after = i + 1 < toks.length ? toks[i + 1]!.sep : text.slice(t.end, t.end + 1);
    const next = toks[i + 1];
    const prev = i > 0 ? toks[i - 1] : undefined;
    // A hyphen between capitalised words is part of a name ("Anne-Marie", "AL-SAYED"); between
    // lowercase words it joins a file name ("nguyen-robert-labs.csv").
    t.compound =
      (compoundSep(before) && (before !== "-" || t.shape === "lower" || prev?.shape === "lower")) ||
      (compoundSep(after) && (after !== "-" || t.shape === "lower" || next?.shape === "lower"));
  }
  for (let i = toks.length - 1; i > 0; i--)
    if (toks[i]!.sep === "" && toks[i]!.compound) toks[i - 1]!.compound = true;
  for (let i = 1; i < toks.length; i++)
    if (toks[i]!.sep === "" && toks[i - 1]!.compound) toks[i]!.compound = true;
  return toks;
}

// "JohnsonJennifer" → Johnson, Jennifer; "McDonald", "LaToya", "DeShawn" stay whole.
const CAMEL_BREAK = /(?<=\p{Ll})(?=\p{Lu}\p{Ll})/u;
function camelParts(word: string): Array<[number, string]> {
  // Most words have no inner capital: one part, no scan.
  if (!CAMEL_BREAK.test(word)) return [[0, word]];
  const parts: Array<[number, string]> = [];
  let from = 0;
  for (const m of word.matchAll(/(?<=\p{Ll})(?=\p{Lu}\p{Ll})/gu)) {
    if (m.index - from < 3) continue;
    parts.push([from, word.slice(from, m.index)]);
    from = m.index;
  }
  parts.push([from, word.slice(from)]);
  return parts;
}

function shapeOf(w: string): Shape {
  // ASCII words (most of a log) by character codes; others by case mapping.
  let upper = 0;
  let lower = 0;
  let ascii = true;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c > 127) {
      ascii = false;
      break;
    }
  }
  if (!ascii) {
    upper = w === w.toLowerCase() ? 0 : 1;
    lower = w === w.toUpperCase() ? 0 : 1;
    // Mixed case: one capital if the rest is lowercase ("Łukasz"), else more.
    if (upper && lower) upper = w.slice(1) === w.slice(1).toLowerCase() ? 1 : 2;
  }
  if (w.length === 1) return upper ? "initial" : "lower";
  if (!lower) return "upper";
  if (!upper) return "lower";
  const first = w.charCodeAt(0);
  const firstUpper = ascii ? first >= 65 && first <= 90 : /^\p{Lu}/u.test(w);
  if (firstUpper && (upper === 1 || /^(?:Mc|Mac|O['’]?|D['’]|De|La|Le|Van|Di|Al|El)\p{Lu}\p{Ll}/u.test(w)))
    return "title";
  return "mixed";
}

function ranks(t: Token): NameRanks {
  t.ranks ??= nameRanks(t.text);
  return t.ranks;
}
function nameWord(t: Token): boolean {
  return t.text.length >= 2 && !NEVER.has(t.lower);
}
function isGiven(t: Token): boolean {
  return nameWord(t) && ranks(t).given >= 0;
}
function isSurname(t: Token): boolean {
  return nameWord(t) && ranks(t).surname >= 0;
}
/** A given name that is not also an everyday word. */
function strongGiven(t: Token): boolean {
  return isGiven(t) && !WORDLIKE.has(t.lower);
}
/** One word that is a name on its own: a surname or given name that is not an everyday word. */
function strongSingle(t: Token): boolean {
  if (!nameWord(t) || WORDLIKE.has(t.lower)) return false;
  const r = ranks(t);
  return r.given >= 0 || (r.surname >= 0 && r.surname < COMMON_SURNAMES);
}
/**
 * "Mr.", "Mrs", "MRS", "Ms." — but not "42 ms" (milliseconds), "cache miss", "MS Word", "rd mr mw":
 * lowercase and shouted forms other than "mrs" need their period.
 */
function honorific(t: Token, text: string): boolean {
  if (!HONORIFIC.has(t.lower) || t.shape === "mixed") return false;
  const period = text[t.end] === ".";
  if (t.shape === "title") return t.lower !== "miss" || !/\d\s*$/.test(text.slice(0, t.start));
  return t.lower === "mrs" || period;
}
/** Evidence that a capitalised word is a name: a census name that is not an everyday word, or letters
 * with diacritics ("Vương", "Łukasz"), which product and device names do not use. */
function evident(t: Token): boolean {
  if (t.shape === "initial" || !nameWord(t)) return false;
  if (accented(t)) return true;
  const r = ranks(t);
  // Shouted text is full of words that are also surnames ("LOWER BACK PAIN"): only common ones count.
  const cutoff = t.shape === "upper" ? 2000 : COMMON_SURNAMES;
  return (r.given >= 0 || (r.surname >= 0 && r.surname < cutoff)) && !WORDLIKE.has(t.lower);
}

function documentAfter(after: string): boolean {
  const m = DOCUMENT_AFTER.exec(after);
  if (!m) return false;
  const a = m[1]!.toLowerCase();
  return DOCUMENT.has(a) || RECORD_LABEL.has(a) || DOCUMENT.has(m[2]?.toLowerCase() ?? "");
}
// A clause starts at the line start or after punctuation: "…: Robert", "(Robert", " - Robert".
function clauseStart(toks: Token[], i: number, text: string): boolean {
  if (i === 0) return /^[\s"'(]*$/.test(text.slice(0, toks[0]!.start));
  return /(?:[:;.!?(\]"]|\s[-–—|])\s*$/.test(text.slice(toks[i - 1]!.end, toks[i]!.start));
}
/** More common as a surname than as a given name ("Johnson", not "Robert"). */
function likelySurname(t: Token): boolean {
  const r = ranks(t);
  return r.surname >= 0 && (r.given < 0 || r.surname < r.given);
}
/** Part of a host or build name: "XRAY-PC", "WS-BILLING-01", "EXAM3". */
function touchesDigits(t: Token, text: string): boolean {
  return /\d/.test(text[t.start - 1] ?? "") || /^-?\d/.test(text.slice(t.end, t.end + 2));
}
/** Letters outside ASCII: "Vương", "Łukasz", "Núñez". */
function accented(t: Token): boolean {
  return /[^\p{ASCII}]/u.test(t.text);
}
/** Words among toks[from, to): hyphenated parts ("AL-SAYED") count once, initials and particles ("VAN") not at all. */
function wordsBefore(toks: Token[], from: number, to: number): number {
  let n = 0;
  for (let w = from; w < to; w++) {
    const t = toks[w]!;
    if (t.shape !== "initial" && !PARTICLE.has(t.lower) && (w === from || t.sep !== "-")) n++;
  }
  return n;
}
/** A common surname: what an everyday-word given name needs beside it. */
function commonSurname(t: Token): boolean {
  return isSurname(t) && !WORDLIKE.has(t.lower) && ranks(t).surname < 5000;
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
  if (a.shape === "lower" && !compound) return -1;
  if (!nameWord(a) || !nameWord(b)) return -1;
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
    if (!aw && !bw && strongGiven(b) && ranks(a).surname < 5000) return j;
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
  /** Any lowercase word counts, not only census names (after an honorific or a field label). */
  lowerAny?: boolean;
  /** At least one word must be evidence of a name (see `evident`). */
  needDictionary: boolean;
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
    if (k === i && (CLINICIAN.has(t.lower) || honorific(t, text))) break;
    const shapeOk =
      t.shape === "title" ||
      t.shape === "upper" ||
      t.shape === "initial" ||
      (o.lowerOk && t.shape === "lower");
    if (!shapeOk || (!nameWord(t) && t.shape !== "initial")) break;
    if (DOCUMENT.has(t.lower) || SAYS.has(t.lower) || touchesDigits(t, text)) break;
    // Part of an identifier ("ShortText", "Object.entries"), not a name.
    if (t.parts > 1 || METHOD_CALL.test(text.slice(t.end, t.end + 24))) break;
    // A word right before a colon or equals sign is a field label ("Member ID: …"), not a name.
    const known = evident(t);
    if (/^\s*[:=]/.test(text.slice(t.end, t.end + 2)) && !known && !(k > i && evident(toks[k - 1]!))) break;
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
    if (t.shape === "upper" && t.sep !== "-" && wordsBefore(toks, commaAt ?? i, k) >= 2 && !known) break;
    if (comma && (isSurname(t) || isGiven(t) || isSurname(toks[i]!))) dictionary = true;
    // In lowercase text only census names count, and a name the census lacks beside one it has.
    const next = toks[k + 1];
    const prev = k > i ? toks[k - 1]! : undefined;
    if (
      t.shape === "lower" &&
      !known &&
      !o.lowerAny &&
      !((next?.sep === " " || next?.sep === ", ") && next.shape === "lower" && evident(next)) &&
      !(prev && strongGiven(prev) && t.sep === " " && NAME_END.test(text.slice(t.end)))
    )
      break;
    end = k;
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
    words.filter((t) => t.shape === "title" && isSurname(t)).length < 2
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
  while (end > i && (DOCUMENT.has(toks[end]!.lower) || text[toks[end]!.start - 1] === ".")) end--;
  return end - i + 1 >= minWords ? end : i - 1;
}

function skipRun(toks: Token[], i: number, text: string): number {
  let k = i;
  while (
    k < toks.length &&
    (toks[k]!.shape === "title" || toks[k]!.shape === "upper" || toks[k]!.shape === "initial")
  ) {
    if (k > i && !/^\.?\s$/.test(toks[k]!.sep)) break;
    k++;
  }
  void text;
  return k - 1;
}
