/**
 * PowerShell values as the interpreter holds them, with PowerShell's conversion, comparison and
 * formatting rules (case-insensitive strings, left-operand-typed comparisons, array filtering).
 */
import type { Stmt } from "./ast.ts";

/** Hashtable, [ordered] dictionary or PSCustomObject: keys looked up case-insensitively. */
export class PSObject {
  // A null-prototype record plus the key order (not a Map): the test host builds tens of thousands
  // of these per event-log read, and small Maps cost several times more to make and collect.
  private readonly byKey: Record<string, [string, Value]> = Object.create(null);
  private readonly order: string[] = [];
  constructor(
    init: Record<string, Value> = {},
    readonly kind: "hashtable" | "object" = "object",
    readonly typeName?: string,
  ) {
    for (const k in init) this.set(k, init[k] as Value);
  }
  get size(): number {
    return this.order.length;
  }
  get(k: string): Value {
    return this.byKey[k.toLowerCase()]?.[1] ?? null;
  }
  has(k: string): boolean {
    return k.toLowerCase() in this.byKey;
  }
  set(k: string, v: Value): void {
    const l = k.toLowerCase();
    const prev = this.byKey[l];
    if (prev) prev[1] = v;
    else {
      this.byKey[l] = [k, v];
      this.order.push(l);
    }
  }
  delete(k: string): void {
    const l = k.toLowerCase();
    if (!(l in this.byKey)) return;
    delete this.byKey[l];
    this.order.splice(this.order.indexOf(l), 1);
  }
  keys(): string[] {
    return this.order.map((l) => (this.byKey[l] as [string, Value])[0]);
  }
  entries(): [string, Value][] {
    return this.order.map((l) => this.byKey[l] as [string, Value]);
  }
}

/** [datetime] in UTC milliseconds. */
export class PSDate {
  constructor(readonly ms: number) {}
}
/** [timespan] in milliseconds. */
export class PSTimeSpan {
  constructor(readonly ms: number) {}
}
/** A script block; `$_` and variables resolve in the runtime that invokes it. */
export class ScriptBlock {
  constructor(
    readonly body: Stmt[],
    readonly text: string,
  ) {}
}
/** A type literal like [Convert]. */
export class PSType {
  constructor(readonly name: string) {}
}

export type Value =
  | null
  | boolean
  | number
  | string
  | Value[]
  | PSObject
  | PSDate
  | PSTimeSpan
  | ScriptBlock
  | PSType
  | Uint8Array;

/** A terminating error carrying an ErrorRecord-like message. */
export class PSError extends Error {
  override name = "PSError";
  constructor(
    message: string,
    readonly category = "NotSpecified",
  ) {
    super(message);
  }
}

export function truthy(v: Value): boolean {
  if (v === null) return false;
  if (Array.isArray(v)) return v.length === 0 ? false : v.length === 1 ? truthy(v[0] as Value) : true;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string") return v.length > 0;
  return true;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** .NET's default en-US DateTime.ToString(), or a custom format with the common specifiers. */
export function formatDate(d: PSDate, fmt?: string): string {
  const t = new Date(d.ms);
  if (fmt === "o" || fmt === "O") return t.toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
  if (fmt === "s") return t.toISOString().slice(0, 19);
  if (fmt) {
    return fmt.replace(/yyyy|MM|dd|HH|mm|ss/g, (m) =>
      m === "yyyy"
        ? String(t.getUTCFullYear())
        : m === "MM"
          ? pad(t.getUTCMonth() + 1)
          : m === "dd"
            ? pad(t.getUTCDate())
            : m === "HH"
              ? pad(t.getUTCHours())
              : m === "mm"
                ? pad(t.getUTCMinutes())
                : pad(t.getUTCSeconds()),
    );
  }
  const h = t.getUTCHours();
  return `${t.getUTCMonth() + 1}/${t.getUTCDate()}/${t.getUTCFullYear()} ${h % 12 || 12}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

/** [string] conversion. */
export function toStr(v: Value): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return v.map(toStr).join(" ");
  if (v instanceof PSDate) return formatDate(v);
  if (v instanceof PSTimeSpan) {
    const s = Math.floor(Math.abs(v.ms) / 1000);
    const days = Math.floor(s / 86400);
    return `${v.ms < 0 ? "-" : ""}${days ? `${days}.` : ""}${pad(Math.floor(s / 3600) % 24)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
  }
  if (v instanceof ScriptBlock) return v.text;
  if (v instanceof PSType) return v.name;
  if (v instanceof Uint8Array) return "System.Byte[]";
  if (v.typeName === "ErrorRecord") return toStr(member(member(v, "Exception"), "Message"));
  if (v.kind === "hashtable") return "System.Collections.Hashtable";
  return `@{${v
    .entries()
    .map(([k, x]) => `${k}=${toStr(x)}`)
    .join("; ")}}`;
}

export function toNum(v: Value): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === null) return 0;
  if (typeof v === "string") {
    const t = v.trim();
    if (t === "") return 0;
    const n = Number(t);
    if (Number.isNaN(n))
      throw new PSError(
        `Cannot convert value "${v}" to type "System.Int32". Error: "Input string was not in a correct format."`,
        "InvalidArgument",
      );
    return n;
  }
  if (Array.isArray(v) && v.length === 1) return toNum(v[0] as Value);
  if (v instanceof PSDate) return v.ms;
  throw new PSError(`Cannot convert "${toStr(v)}" to a number`, "InvalidArgument");
}

export function toDate(v: Value): PSDate {
  if (v instanceof PSDate) return v;
  if (typeof v === "string") {
    const ms = Date.parse(/Z$|[+-]\d\d:\d\d$/.test(v) || !/T/.test(v) ? v : `${v}Z`);
    if (Number.isNaN(ms))
      throw new PSError(`Cannot convert value "${v}" to type "System.DateTime".`, "InvalidArgument");
    return new PSDate(ms);
  }
  throw new PSError(`Cannot convert "${toStr(v)}" to type "System.DateTime".`, "InvalidArgument");
}

export function toBool(v: Value): boolean {
  if (typeof v === "string" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
  return truthy(v);
}

/** Convert for a cast like [int] or [datetime]. */
export function cast(type: string, v: Value): Value {
  switch (type.replace(/^system\./, "")) {
    case "int":
    case "int32":
    case "long":
    case "int64": {
      const n = toNum(v);
      // .NET rounds half to even on conversion.
      const r = Math.round(n);
      return Math.abs(n % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    }
    case "double":
    case "decimal":
      return toNum(v);
    case "string":
      return toStr(v);
    case "bool":
    case "boolean":
      return truthy(v);
    case "datetime":
      return toDate(v);
    case "array":
    case "object[]":
      return Array.isArray(v) ? v : v === null ? [] : [v];
    case "string[]":
      return (Array.isArray(v) ? v : v === null ? [] : [v]).map(toStr);
    case "hashtable":
      return v;
    case "void":
      return null;
    default:
      throw new PSError(`Unable to find type [${type}].`, "InvalidOperation");
  }
}

/** -eq with the left operand deciding the type (PowerShell's rule). */
export function equals(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === "string") return a.toLowerCase() === toStr(b).toLowerCase();
  if (typeof a === "number") {
    try {
      return a === toNum(b);
    } catch {
      return false;
    }
  }
  if (typeof a === "boolean") return a === toBool(b);
  if (a instanceof PSDate) return a.ms === toDate(b).ms;
  return a === b;
}

/** Ordering for -lt/-gt, typed by the left operand. */
export function compare(a: Value, b: Value): number {
  if (a instanceof PSDate) return a.ms - toDate(b).ms;
  if (a instanceof PSTimeSpan && b instanceof PSTimeSpan) return a.ms - b.ms;
  if (typeof a === "string") {
    const x = a.toLowerCase();
    const y = toStr(b).toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a === null) return b === null ? 0 : -1;
  return toNum(a) - toNum(b);
}

/** Wildcard pattern (-like) as a regular expression. */
export function wildcard(p: string): RegExp {
  const body = p
    .replace(/[.+^${}()|\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "is");
}

/** Member lookup on any value (properties only; methods are the interpreter's). */
export function member(v: Value, name: string): Value {
  const n = name.toLowerCase();
  if (Array.isArray(v)) {
    if (n === "count" || n === "length") return v.length;
    // Member enumeration: $objects.Name collects Name from each element.
    const out = v.map((x) => member(x, name)).filter((x) => x !== null);
    return out.flatMap((x) => (Array.isArray(x) ? x : [x]));
  }
  if (v === null) return null;
  if (typeof v === "string") return n === "length" ? v.length : null;
  if (v instanceof PSDate) {
    const t = new Date(v.ms);
    const parts: Record<string, number> = {
      year: t.getUTCFullYear(),
      month: t.getUTCMonth() + 1,
      day: t.getUTCDate(),
      hour: t.getUTCHours(),
      minute: t.getUTCMinutes(),
      second: t.getUTCSeconds(),
    };
    if (n === "date") return new PSDate(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
    return parts[n] ?? null;
  }
  if (v instanceof PSTimeSpan) {
    const map: Record<string, number> = {
      totaldays: v.ms / 86_400_000,
      totalhours: v.ms / 3_600_000,
      totalminutes: v.ms / 60_000,
      totalseconds: v.ms / 1000,
      totalmilliseconds: v.ms,
      days: Math.trunc(v.ms / 86_400_000),
      hours: Math.trunc(v.ms / 3_600_000) % 24,
      minutes: Math.trunc(v.ms / 60_000) % 60,
      seconds: Math.trunc(v.ms / 1000) % 60,
    };
    return map[n] ?? null;
  }
  if (v instanceof Uint8Array) return n === "length" || n === "count" ? v.length : null;
  if (v instanceof PSObject) {
    if (v.has(name)) return v.get(name);
    if (n === "count") return v.kind === "hashtable" ? v.size : 1;
    if (n === "keys" && v.kind === "hashtable") return v.keys();
    if (n === "values" && v.kind === "hashtable") return v.entries().map(([, x]) => x);
    return null;
  }
  if (typeof v === "number" || typeof v === "boolean") return n === "count" ? 1 : null;
  return null;
}

/** Unroll a value as pipeline input: arrays enumerate, $null sends nothing. */
export function enumerate(v: Value): Value[] {
  if (v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Collapse pipeline output the way assignment does: none → $null, one → itself, more → array. */
export function collapse(out: Value[]): Value {
  return out.length === 0 ? null : out.length === 1 ? (out[0] as Value) : out;
}

/** ConvertTo-Json (Windows PowerShell 5.1 flavour: dates as \/Date(ms)\/). */
export function toJson(v: Value, depth: number, compress: boolean): string {
  const conv = (x: Value, d: number): unknown => {
    if (x === null || typeof x === "string" || typeof x === "number" || typeof x === "boolean") return x;
    if (x instanceof PSDate) return `/Date(${x.ms})/`;
    if (Array.isArray(x)) return d > depth ? toStr(x) : x.map((y) => conv(y, d + 1));
    if (x instanceof PSObject) {
      if (d > depth) return toStr(x);
      return Object.fromEntries(x.entries().map(([k, y]) => [k, conv(y, d + 1)]));
    }
    if (x instanceof PSTimeSpan) return { TotalDays: x.ms / 86_400_000, TotalSeconds: x.ms / 1000 };
    return toStr(x);
  };
  const text = JSON.stringify(conv(v, 0), null, compress ? undefined : 4);
  return text.replace(/"\/Date\((\d+)\)\/"/g, '"\\/Date($1)\\/"');
}

/** ConvertFrom-Json: objects become PSCustomObjects. */
export function fromJson(x: unknown): Value {
  if (x === null || typeof x === "string" || typeof x === "number" || typeof x === "boolean") return x;
  if (Array.isArray(x)) return x.map(fromJson);
  const o = new PSObject({}, "object");
  for (const [k, y] of Object.entries(x as Record<string, unknown>)) o.set(k, fromJson(y));
  return o;
}
