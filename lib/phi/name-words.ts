/**
 * What the name finder knows of single words: the census ranks (names.ts) and the vocabulary that
 * tells a name from the words the census lists share with English and device logs.
 */

import { englishLevel } from "./english.ts";
import type { Token } from "./name-tokens.ts";
import { type NameRanks, nameRanks } from "./names.ts";

// Words the census lists hold that in clinic logs are almost always something else: device-log and
// IT vocabulary, document and address words, places, function words. They never start or continue
// a name found here (a labelled field such as "Patient: Jane Street" is the field detectors' job).
export const NEVER = new Set(
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
    "carolina back all any each every some this that these those its his her their our your me him them up " +
    "down out off over new old next last first more less id front batch export import final draft copy temp net com " +
    "org www http https where object get set select foreach invoke remove write start stop dob mrn ssn acct ext fax " +
    "tel phone email zip reader acrobat chrome edge office teams zoom word excel outlook adobe google microsoft apple " +
    "java oracle about with from was were are been has had tested positive negative presented presents seen returned " +
    "denies reports states called asked phoned said says remote desktop active directory advanced task scheduler " +
    "viewer device manager control panel spooler discovery explorer sharing updates services servers settings " +
    "center console protection antivirus endpoint azure exchange online sql jan feb mar apr jun jul aug sep sept oct " +
    "nov dec sun mon tue wed thu fri sat uploaded downloaded deleted renamed saved opened moved copied printed " +
    "scanned faxed created modified removed added attached diagnostics pharmacy inc llc corp imaging radiology " +
    "associates partners solutions systems support team billing department staff meeting huddle lunch training " +
    "conference vendor webinar holiday posted checked paid"
  ).split(" "),
);

// Nouns that end the name of a business or a place, not a person's ("Lakeside Pharmacy", "Comcast
// Business", "Iron Mountain"): capitalised words before or ending in one are not a name.
export const ORG_TAIL = new Set(
  (
    "business pharmacy pharmacies diagnostics laboratory laboratories imaging radiology associates partners " +
    "solutions systems technologies networks communications wireless energy electric supply supplies services " +
    "support group center centre clinic hospital bank company corp corporation inc llc ltd foundation " +
    "university college county mountain depot logistics shredding healthcare"
  ).split(" "),
);

// Given names that are everyday English words ("Will retry", "Mark as read", "Grant access", "May
// 2026"): they count as a given name only beside a common surname, never alone.
export const WORDLIKE = new Set(
  (
    "will mark grant bill hope chase max min page dawn joy faith long rich guy ray art major king young golden " +
    "sterling noble temple love bell ward hunter miles pat don ed hung april may june august austin dallas houston " +
    "jackson denver lincoln franklin madison monroe sunny rocky rusty buddy junior son brain jack frank gene glen " +
    "dale cliff forest royal prince earl norm les sue rob drew dean chance price rose lily ivy holly iris daisy sky"
  ).split(" "),
);

// Document words: "<document> for <name>", "<DOCUMENT> - <NAME>".
export const DOCUMENT = new Set(
  (
    "summary summaries referral referrals letter letters report reports result results lab labs note notes record " +
    "records statement statements invoice invoices chart charts form forms plan authorization list request requests " +
    "consent history xray x-ray ekg ecg mri scan scans card packet order orders prescription rx claim claims eob " +
    "appointment appointments visit encounter bill bills voicemail message fax faxes documents document file files " +
    "folder attachment image images photo photos discharge intake insurance invoice immunization immunizations auth " +
    "instructions requisition superbill excuse information reminder"
  ).split(" "),
);
// Verbs of having reached a person, whose name follows: "Called Jutuzfo Watkins re: results".
export const REACHED = ["called", "texted", "emailed", "phoned", "messaged", "contacted", "reminded"];
// Words that introduce a person after them ("for", "to", "from", "re:", "signed by", "call").
export const BEFORE_NAME = new Set([
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
  // Asking someone to reach a person: "Call Yolanda re: biopsy results".
  "call",
  "ask",
  "tell",
  "remind",
  "reschedule",
  "rescheduled",
  "notify",
  // Reaching a person: "Called Jutuzfo Watkins re: results", "Texted …".
  ...REACHED,
]);
// Relatives, whose name follows them: "mother Dmitri Feiler", "spoke to Kwame's son, Elov Rentha".
export const RELATIVE = new Set(
  (
    "mother father wife husband son daughter sister brother spouse partner caregiver guardian grandmother " +
    "grandfather grandson granddaughter aunt uncle niece nephew fiance fiancee mom dad grandma grandpa"
  ).split(" "),
);
// Verbs whose "by" introduces a person: "signed by Thaskiara Tontha".
export const BY_PERSON = new Set([
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
export const HONORIFIC = new Set(["mr", "mrs", "ms", "miss", "mx", "mister"]);
export const CLINICIAN = new Set([
  "dr",
  "doctor",
  "np",
  "pa",
  "rn",
  "md",
  "dds",
  "do",
  "lpn",
  "provider",
  "prof",
]);
// Verbs after a name that opens a clause ("Robert called asking…", "Elias Fitschen seen today").
export const SUBJECT_VERB =
  /^\s+(?:called|calls|phoned|asked|asks|said|says|states|stated|reports|reported|requested|requests|wants|needs|left|came|arrived|cancel+ed|rescheduled|no-showed|emailed|texted|wrote|signed|declined|agreed|seen|presents|presented|denies|denied|complains|is|was|has|had)\b/i;
export const DOB_LABEL = /^(?:DOB|dob|Dob|born|BORN)$/;
// Verbs only people do: "Kwame called", "Viren Carew no-showed", "… was seen".
export const PERSON_VERB =
  /^\s+(?:called|phoned|asked|texted|emailed|no-showed|rescheduled|cancell?ed|arrived|presented|presents|denies|complains|wants|requested (?:records|a refill|a callback|a copy)|(?:left|lvm) (?:a |her |his )?(?:voicemail|message|vm)|checked (?:in|out)|(?:is|was) (?:asking|waiting|seen|admitted|discharged))\b/i;
// " - Immunization record", " — Discharge summary": a document title after a name.
// Record-number labels after a name: "Jaime Meza - Acct 419540381".
export const RECORD_LABEL = new Set([
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
export const DOCUMENT_AFTER = /^\s+[-–—]\s+(\p{L}+(?:-\p{L}+)?)(?:[\s-]+(\p{L}+))?/u;
// Surname particles: "Van Dyke, Priya" is a surname first, whatever the census says of "Van".
export const PARTICLE = new Set([
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
  "der",
  "den",
  "des",
  "dos",
  "das",
]);
export const SAYS = new Set(
  (
    "called calls phoned asked asks said says states stated reports reported requested requests wants needs left " +
    "came arrived cancelled canceled rescheduled no-showed emailed texted wrote signed declined agreed"
  ).split(" "),
);
// URL path segments and query keys whose value is a person.
export const PERSON_PATH = new Set([
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
export const PERSON_KEY = new Set([
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

export const SEARCH_KEY = new Set(["q", "query", "search", "term", "s"]);

// Surnames ranked past this are mostly rare enough that the English words among them ("Keep",
// "Reasons", "Common", "Fill") outnumber the people a clinic meets; alone they are no evidence.
export const COMMON_SURNAMES = 10000;

export function ranks(t: Token): NameRanks {
  t.ranks ??= nameRanks(t.text);
  return t.ranks;
}
export function nameWord(t: Token): boolean {
  t.named ??= t.text.length >= 2 && !NEVER.has(t.lower);
  return t.named;
}
export function isGiven(t: Token): boolean {
  return nameWord(t) && ranks(t).given >= 0;
}
export function isSurname(t: Token): boolean {
  return nameWord(t) && ranks(t).surname >= 0;
}
/** A given name that is not also an everyday word. */
export function strongGiven(t: Token): boolean {
  return isGiven(t) && !WORDLIKE.has(t.lower);
}
/** One word that is a name on its own: a surname or given name that is not an everyday word. */
export function strongSingle(t: Token): boolean {
  if (!nameWord(t) || WORDLIKE.has(t.lower)) return false;
  const r = ranks(t);
  return r.given >= 0 || (r.surname >= 0 && r.surname < COMMON_SURNAMES);
}
/**
 * "Mr.", "Mrs", "MRS", "Ms." — but not "42 ms" (milliseconds), "cache miss", "MS Word", "rd mr mw":
 * lowercase and shouted forms other than "mrs" need their period.
 */
export function honorific(t: Token, text: string): boolean {
  if (!HONORIFIC.has(t.lower) || t.shape === "mixed") return false;
  const period = text[t.end] === ".";
  if (t.shape === "title") return t.lower !== "miss" || !/\d\s*$/.test(text.slice(0, t.start));
  return t.lower === "mrs" || period;
}
/** Evidence that a capitalised word is a name: a census name that is not an everyday word, or letters
 * with diacritics ("Vương", "Łukasz"), which product and device names do not use. */
export function evident(t: Token): boolean {
  if (t.shape === "initial" || !nameWord(t)) return false;
  if (accented(t)) return true;
  const r = ranks(t);
  // Shouted text is full of words that are also surnames ("LOWER BACK PAIN"): only common ones count.
  const cutoff = t.shape === "upper" ? 2000 : COMMON_SURNAMES;
  return (r.given >= 0 || (r.surname >= 0 && r.surname < cutoff)) && !WORDLIKE.has(t.lower);
}

export function documentAfter(after: string): boolean {
  const m = DOCUMENT_AFTER.exec(after);
  if (!m) return false;
  const a = m[1]!.toLowerCase();
  return DOCUMENT.has(a) || RECORD_LABEL.has(a) || DOCUMENT.has(m[2]?.toLowerCase() ?? "");
}
// A clause starts at the line start or after punctuation: "…: Robert", "(Robert", " - Robert".
export function clauseStart(toks: Token[], i: number, text: string): boolean {
  // A schedule's time opens a line as well: "09:30 Zuva Poole - flu shot".
  if (i === 0)
    return /^\s*(?:\d{1,2}:\d{2}(?:\s?[AaPp][Mm])?\s+)?[\s"'(]*$/.test(text.slice(0, toks[0]!.start));
  return /(?:[:;.!?(\]"]|\s[-–—|])\s*$/.test(text.slice(toks[i - 1]!.end, toks[i]!.start));
}
/** More common as a surname than as a given name ("Johnson", not "Robert"). */
export function likelySurname(t: Token): boolean {
  const r = ranks(t);
  return r.surname >= 0 && (r.given < 0 || r.surname < r.given);
}
/** Part of a host or build name: "XRAY-PC", "WS-BILLING-01", "EXAM3". */
export function touchesDigits(t: Token, text: string): boolean {
  // By character codes: the name rules ask this of most words of every line.
  const after = text.charCodeAt(t.end) === 45 ? t.end + 1 : t.end;
  return digitAt(text, t.start - 1) || digitAt(text, after);
}
function digitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}
/** Letters outside ASCII: "Vương", "Łukasz", "Núñez". */
export function accented(t: Token): boolean {
  return /[^\p{ASCII}]/u.test(t.text);
}
/** Words among toks[from, to): hyphenated parts ("AL-SAYED") count once, initials and particles ("VAN") not at all. */
export function wordsBefore(toks: Token[], from: number, to: number): number {
  let n = 0;
  for (let w = from; w < to; w++) {
    const t = toks[w]!;
    if (t.shape !== "initial" && !PARTICLE.has(t.lower) && (w === from || t.sep !== "-")) n++;
  }
  return n;
}
/** A common surname: what an everyday-word given name needs beside it. */
export function commonSurname(t: Token): boolean {
  return isSurname(t) && !WORDLIKE.has(t.lower) && ranks(t).surname < 5000;
}

/**
 * A run-together name in a file name: "OKAFORMICHAEL", "salsberryhiroshi", "smithjohn" — a census
 * surname and given name (either order, three letters or more each), at least one of them common.
 */
export function runTogetherName(t: Token): boolean {
  const w = t.lower;
  if (w.length < 7 || w.length > 24 || t.shape === "title" || t.shape === "mixed" || !/^[a-z]+$/.test(w))
    return false;
  if (nameRanks(w).given >= 0 || nameRanks(w).surname >= 0) return false;
  for (let k = 3; k <= w.length - 3; k++) {
    const a = w.slice(0, k);
    const b = w.slice(k);
    if (NEVER.has(a) || NEVER.has(b) || WORDLIKE.has(a) || WORDLIKE.has(b)) continue;
    const ra = nameRanks(a);
    const rb = nameRanks(b);
    const surnameFirst =
      ra.surname >= 0 && rb.given >= 0 && (ra.surname < COMMON_SURNAMES || rb.given < 1000);
    const givenFirst = ra.given >= 0 && rb.surname >= 0 && (rb.surname < COMMON_SURNAMES || ra.given < 1000);
    if (surnameFirst || givenFirst) return true;
  }
  return false;
}

/** The word's SCOWL level (english.ts): 10 for the commonest English words, 0 for a word the lists lack. */
export function english(t: Token): number {
  t.english ??= englishLevel(t.text) || inflected(t.lower);
  return t.english;
}

// "resends", "uploader", "scheduled": an inflection the lists leave out, of a word they hold.
function inflected(w: string): number {
  const m = /^(\p{Ll}{3,}?)(?:s|es|ed|d|ing|er|ers)$/u.exec(w);
  return m ? englishLevel(m[1]!) : 0;
}

// Words of a clinic's and an IT desk's shorthand that no English list holds and no person is called.
const SHORTHAND = new Set(
  (
    "pt pts rx dx hx tx sx fx bp hr rr lbs yo wk wks mo mos hrs min mins pls plz thx ty lol fyi asap tmrw " +
    "appt appts ins auth eob copay copays refill refills rm vm lvm vpn wifi ehr emr pdf ok okay hcg cbc bmp cmp " +
    "tsh psa inr ua ekg ecg mri ct usb hdd ssd sso mfa api url dns dhcp ip smtp imap ldap rdp ssh tls ssl " +
    "config configs regex postgres linux unix macos nixos winrm wmic netsh malachor sqlite checkin schemas " +
    "attn abt thru tho tbd eta btw idk fwd tues thur thurs weds med meds rec hipaa medicare medicaid mbi npi cpt icd hmo ppo pcp phi epa " +
    // The commands the runbooks and checks run, which their texts and outputs name.
    "certbot tmutil wbadmin auditpol secedit gpupdate bcdedit schtasks certutil fdesetup spctl pmset " +
    "softwareupdate systemsetup systemctl journalctl nftables iptables sshd systemd journald chrony"
  ).split(" "),
);

/** A word of the clinic's or the logs' shorthand ("pls", "lvm", "appt"). */
export function shorthand(t: Token): boolean {
  return SHORTHAND.has(t.lower);
}

/**
 * A word that may be part of a name by its letters alone: not an English word (SCOWL levels 10–50),
 * not the logs' or the clinic's shorthand, not a document word, with a vowel ("hctz" is no name).
 */
export function foreign(t: Token): boolean {
  t.foreign ??= foreignWord(t);
  return t.foreign;
}

function foreignWord(t: Token): boolean {
  // "isn't", "we'd": contractions, which the lists hold without their apostrophe or not at all.
  if (/['’](?:t|s|d|m|ll|re|ve)$/i.test(t.text)) return false;
  if (t.text.length < 2 || t.shape === "mixed" || t.shape === "initial") return false;
  if (!nameWord(t) || DOCUMENT.has(t.lower) || SHORTHAND.has(t.lower) || english(t) > 0) return false;
  // Letters of other scripts ("ολγα", "каррие") count as vowels.
  return /[aeiouy]|[^\p{ASCII}]/iu.test(t.text) && !joinedWords(t);
}

/**
 * "runbook", "datagram", "latestbackup": two everyday English words (SCOWL 10–20) of three letters or
 * more run together, a
 * command's, a setting's or a product's name; a census name ("Woodward", "Newman") is not one.
 */
function joinedWords(t: Token): boolean {
  const w = t.lower;
  if (w.length < 6 || !/^[a-z]+$/.test(w) || isGiven(t) || isSurname(t)) return false;
  for (let k = 3; k <= w.length - 3; k++) {
    const a = englishLevel(w.slice(0, k));
    if (a > 0 && a <= 20) {
      const b = englishLevel(w.slice(k));
      if (b > 0 && b <= 20) return true;
    }
  }
  return false;
}

/** A `foreign` word standing as a word of prose: not inside a file name, not beside digits. */
export function unlisted(t: Token, text: string): boolean {
  return prose(t, text) && t.parts === 1 && foreign(t) && !touchesDigits(t, text);
}

/** A word of prose: not part of a file name, path or URL (a hyphenated name's halves are prose). */
export function prose(t: Token, text: string): boolean {
  return !t.compound || hyphenated(t, text);
}

// Beside a character of prose or a hyphen (not "_", "/", or a "." that starts a file extension):
// "bosiljkovic-karaman" is a name's halves, "bosiljkovic_karaman.pdf" a file name's parts.
const PROSE_EDGE = /^[-\s,;:!?()'"’]$/;
function hyphenated(t: Token, text: string): boolean {
  const before = text[t.start - 1] ?? " ";
  const after = text[t.end] ?? " ";
  const fileDot = after === "." && /\w/.test(text[t.end + 1] ?? "");
  return PROSE_EDGE.test(before) && (PROSE_EDGE.test(after) || (after === "." && !fileDot));
}

/**
 * A census given name that is no everyday English word (SCOWL level above 20, or none): "thomas",
 * "Lucas", "rosie" are names alone; "Will", "Grant", "Angel" are not.
 */
export function plainGiven(t: Token): boolean {
  const e = english(t);
  return strongGiven(t) && (e === 0 || e > 20);
}

/** An everyday English word (SCOWL level 10 or 20) that is no name a clinic meets often: it ends a lowercase name. */
export function everyday(t: Token): boolean {
  const e = english(t);
  return e > 0 && e <= 20 && !isGiven(t) && !(isSurname(t) && ranks(t).surname < COMMON_SURNAMES);
}
