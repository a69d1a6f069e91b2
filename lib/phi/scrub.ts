import type { Json } from "../../protocol/common.ts";
import {
  DATE_BESIDE_NAME,
  DETECTORS,
  LOWERCASE_ADDRESS,
  type PhiKind,
  SHOUTED_NAME_LABEL,
} from "./detectors.ts";
import { findFields } from "./fields.ts";
import { kindOfKey } from "./keys.ts";
import { findPersonNames } from "./person-names.ts";

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

/** Find the PHI spans in `text`, sorted and merged (overlaps keep the earlier span's kind). */
export function findPhi(text: string): PhiSpan[] {
  if (text.length === 0 || !/[\p{L}\p{N}]/u.test(text)) return [];
  const spans: PhiSpan[] = [];
  for (const d of DETECTORS) {
    if (d.requires && !d.requires.test(text)) continue;
    d.re.lastIndex = 0;
    for (const m of text.matchAll(d.re)) {
      const range = m.indices?.groups?.v ?? m.indices?.groups?.q ?? m.indices?.[0];
      if (range && range[1] > range[0]) spans.push({ kind: d.kind, start: range[0], end: range[1] });
    }
  }
  for (const f of findFields(text)) spans.push(f);
  // Shouted lines: the name-label detector with labels in any case (its name words are capitals anyway).
  if (!/\p{Ll}/u.test(text)) {
    for (const m of text.matchAll(SHOUTED_NAME_LABEL)) {
      const range = m.indices?.groups?.v;
      if (range) spans.push({ kind: "name", start: range[0], end: range[1] });
    }
  }
  if (!/\p{Lu}/u.test(text)) {
    for (const m of text.matchAll(LOWERCASE_ADDRESS)) {
      const range = m.indices?.[0];
      if (range) spans.push({ kind: "address", start: range[0], end: range[1] });
    }
  }
  const streets = spans.filter((s) => s.kind === "address" && /^\d/.test(text.slice(s.start, s.start + 1)));
  for (const n of findPersonNames(
    text,
    streets.map((s) => s.start),
    spans.filter((s) => s.kind === "name"),
  ))
    spans.push({ kind: "name", start: n.start, end: n.end });
  // A date on a line that names a patient is that patient's date (birth, visit, admission), unless
  // it is part of a log timestamp.
  if (spans.some((s) => s.kind === "name")) {
    for (const m of text.matchAll(DATE_BESIDE_NAME)) {
      const range = m.indices?.groups?.v;
      if (range) spans.push({ kind: "dob", start: range[0], end: range[1] });
    }
  }
  return merge(spans);
}

function merge(spans: PhiSpan[]): PhiSpan[] {
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
