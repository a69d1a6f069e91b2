import type { Json } from "../../protocol/common.ts";
import { DETECTORS, type PhiKind } from "./detectors.ts";

/** One detected PHI span: [start, end) in UTF-16 code units of the scanned text. */
export interface PhiSpan {
  kind: PhiKind;
  start: number;
  end: number;
}

/** The marker that replaces a span; the kind stays so a technician still knows what was there. */
export function redaction(kind: PhiKind): string {
  return `[REDACTED:${kind}]`;
}

// Cheap prefilter: text without a digit, an @ or a capital letter followed by a lowercase one
// cannot contain anything the detectors look for, and most log lines are short and boring.
const MAYBE_PHI =
  /[0-9@]|[A-Z][a-z]|\b(?:c\/o|presented|presents|prescribed|diagnosed|complain|positive|treated|referred|admitted|follow-up|was seen)\b/;

/** Find the PHI spans in `text`, sorted and merged (overlaps keep the earlier span's kind). */
export function findPhi(text: string): PhiSpan[] {
  if (text.length === 0 || !MAYBE_PHI.test(text)) return [];
  const spans: PhiSpan[] = [];
  for (const d of DETECTORS) {
    d.re.lastIndex = 0;
    for (const m of text.matchAll(d.re)) {
      const range = m.indices?.groups?.v ?? m.indices?.[0];
      if (range && range[1] > range[0]) spans.push({ kind: d.kind, start: range[0], end: range[1] });
    }
  }
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: PhiSpan[] = [spans[0]!];
  for (let i = 1; i < spans.length; i++) {
    const s = spans[i]!;
    const last = merged[merged.length - 1]!;
    if (s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** Replace every PHI span in `text` with a `[REDACTED:<kind>]` marker. */
export function scrubText(text: string): string {
  const spans = findPhi(text);
  if (spans.length === 0) return text;
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + redaction(s.kind);
    at = s.end;
  }
  return out + text.slice(at);
}

// Keys whose whole value is PHI regardless of its shape (compared lowercased, without _ - and spaces).
const KEY_KINDS: ReadonlyMap<string, PhiKind> = new Map([
  ...[
    "patient",
    "patientname",
    "ptname",
    "firstname",
    "lastname",
    "middlename",
    "fullname",
    "givenname",
    "familyname",
    "maidenname",
    "guarantor",
    "guarantorname",
    "subscribername",
    "insuredname",
    "emergencycontact",
    "nextofkin",
    "responsibleparty",
  ].map((k) => [k, "name"] as const),
  ...["ssn", "socialsecuritynumber", "ssnlast4"].map((k) => [k, "ssn"] as const),
  ...["mrn", "medicalrecordnumber", "chartnumber", "patientid", "accountnumber"].map(
    (k) => [k, "mrn"] as const,
  ),
  ...["dob", "dateofbirth", "birthdate", "birthday", "admitdate", "dischargedate", "dateofservice"].map(
    (k) => [k, "dob"] as const,
  ),
  ...["phone", "phonenumber", "telephone", "mobile", "cell", "fax", "homephone", "workphone"].map(
    (k) => [k, "phone"] as const,
  ),
  ...["email", "emailaddress"].map((k) => [k, "email"] as const),
  ...[
    "address",
    "streetaddress",
    "homeaddress",
    "address1",
    "address2",
    "street",
    "zip",
    "zipcode",
    "postalcode",
  ].map((k) => [k, "address"] as const),
  ...[
    "memberid",
    "subscriberid",
    "policynumber",
    "insuranceid",
    "groupnumber",
    "medicaidid",
    "medicareid",
    "mbi",
  ].map((k) => [k, "member-id"] as const),
  ...[
    "clinicalnotes",
    "patientnotes",
    "diagnosis",
    "chiefcomplaint",
    "hpi",
    "assessment",
    "medications",
    "allergies",
  ].map((k) => [k, "note"] as const),
]);

/** The PHI kind a JSON key implies for its whole value, if any. */
export function kindOfKey(key: string): PhiKind | undefined {
  return KEY_KINDS.get(key.toLowerCase().replace(/[\s_-]/g, ""));
}

/**
 * Scrub a JSON value: strings are scrubbed with scrubText, and every value under a key that names
 * PHI (patientName, dob, ssn, memberId…) is replaced whole. Keys are scrubbed too. Returns a copy.
 */
export function scrubJson(value: { [k: string]: Json }): { [k: string]: Json };
export function scrubJson(value: Json): Json;
export function scrubJson(value: Json): Json {
  return scrubValue(value, undefined);
}

function scrubValue(value: Json, kind: PhiKind | undefined): Json {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") return kind ? redaction(kind) : value;
  if (typeof value === "string") {
    if (kind) return value === "" ? value : redaction(kind);
    return scrubText(value);
  }
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, kind));
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(value)) {
    // A nested object under "patient" is scrubbed field by field; a plain value is replaced whole.
    const keyKind = kind ?? kindOfKey(k);
    const nested = v !== null && typeof v === "object";
    out[scrubText(k)] = scrubValue(v, nested && !kind ? undefined : keyKind);
  }
  return out;
}

/** A finding with its free text (title, expected, actual) and details scrubbed, for evidence. */
export function scrubFinding<
  F extends { title: string; expected?: string; actual?: string; details: { [k: string]: Json } },
>(f: F): F {
  return {
    ...f,
    title: scrubText(f.title),
    ...(f.expected !== undefined ? { expected: scrubText(f.expected) } : {}),
    ...(f.actual !== undefined ? { actual: scrubText(f.actual) } : {}),
    details: scrubJson(f.details),
  };
}
