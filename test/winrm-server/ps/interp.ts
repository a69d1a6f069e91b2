/**
 * Tree-walking evaluator for the PowerShell subset. Cmdlets and native commands come from a
 * `PsHost` so the same engine runs against any simulated machine. Errors are terminating
 * (as under `$ErrorActionPreference = 'Stop'`), unless `-ErrorAction SilentlyContinue`.
 */
import type { Command, Expr, Pipeline, Stmt } from "./ast.ts";
import { PsParseError, parseScript } from "./parser.ts";
import {
  cast,
  collapse,
  compare,
  enumerate,
  equals,
  formatDate,
  member,
  PSDate,
  PSError,
  PSObject,
  PSTimeSpan,
  PSType,
  ScriptBlock,
  toDate,
  toNum,
  toStr,
  truthy,
  type Value,
  wildcard,
} from "./values.ts";

/** What a cmdlet receives. */
export interface CmdletCall {
  name: string;
  /** Named parameters, keys lowercased; switches are `true`. */
  params: Map<string, Value>;
  positional: Value[];
  input: Value[];
  ps: Interpreter;
}
export type Cmdlet = (call: CmdletCall) => Value[] | Value | undefined;

/** Result of a native (non-PowerShell) program. */
export interface NativeResult {
  stdout: string;
  stderr?: string;
  exitCode: number;
}

/** The machine the interpreter runs on. */
export interface PsHost {
  cmdlets: Record<string, Cmdlet>;
  /** Run a native program, or return undefined when no such program exists. */
  native(name: string, args: string[]): NativeResult | undefined;
  env: Record<string, string>;
  now(): number;
  readFile(path: string): string | undefined;
  writeFile(path: string, text: string): void;
  deleteFile(path: string): boolean;
}

/** Output of running a script. */
export interface PsResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

class ExitSignal {
  constructor(readonly code: number) {}
}
class ReturnSignal {
  constructor(readonly out: Value[]) {}
}

const SWITCHES = new Set([
  "force",
  "compress",
  "nonewline",
  "confirm",
  "whatif",
  "quiet",
  "passthru",
  "list",
  "descending",
  "unique",
  "recurse",
  "skiphardwaretest",
  "usedspaceonly",
  "recoverypasswordprotector",
  "tpmprotector",
  "raw",
  "asstring",
  "all",
  "oldest",
  "recursive",
]);

/** Look up a parameter by any of its names (PowerShell also accepts unique prefixes; we don't). */
export function param(call: CmdletCall, ...names: string[]): Value {
  for (const n of names)
    if (call.params.has(n.toLowerCase())) return call.params.get(n.toLowerCase()) as Value;
  return null;
}

/** One interpreter per script run (variables do not leak between commands, as with powershell.exe). */
export class Interpreter {
  readonly vars = new Map<string, Value>();
  readonly out: string[] = [];
  readonly err: string[] = [];

  constructor(readonly host: PsHost) {}

  /** Parse and run a whole script as powershell.exe would. */
  run(script: string): PsResult {
    let code = 0;
    try {
      const body = parseScript(script);
      this.emit(this.block(body));
    } catch (e) {
      if (e instanceof ExitSignal) code = e.code;
      else if (e instanceof ReturnSignal) this.emit(e.out);
      else if (e instanceof PSError || e instanceof PsParseError) {
        this.err.push(
          `${e.message}\r\n    + CategoryInfo          : ${e instanceof PSError ? e.category : "ParserError"}`,
        );
        code = 1;
      } else throw e;
    }
    const stdout = this.out.length ? `${this.out.join("\r\n")}\r\n` : "";
    return { stdout, stderr: this.err.length ? `${this.err.join("\r\n")}\r\n` : "", exitCode: code };
  }

  emit(values: Value[]): void {
    for (const v of values) this.out.push(...formatOutput(v));
  }

  block(body: Stmt[]): Value[] {
    const out: Value[] = [];
    for (const s of body) out.push(...this.stmt(s));
    return out;
  }

  /** A statement's value as assignment sees it (expressions are not unrolled). */
  valueOf(s: Stmt): Value {
    if (s.t === "pipe" && s.elems.length === 1 && s.elems[0]?.t !== "cmd")
      return this.expr(s.elems[0] as Expr);
    return collapse(this.stmt(s));
  }

  stmt(s: Stmt): Value[] {
    switch (s.t) {
      case "pipe":
        return this.pipeline(s);
      case "assign": {
        let v = this.valueOf(s.value);
        if (s.op === "+=") v = this.binary("+", this.expr(s.target), v);
        this.assign(s.target, v);
        return [];
      }
      case "if":
        for (const [cond, body] of s.clauses) if (truthy(this.valueOf(cond))) return this.block(body);
        return s.otherwise ? this.block(s.otherwise) : [];
      case "foreach": {
        const out: Value[] = [];
        for (const item of enumerate(this.valueOf(s.iter))) {
          this.vars.set(s.name, item);
          out.push(...this.block(s.body));
        }
        return out;
      }
      case "try": {
        const out: Value[] = [];
        try {
          out.push(...this.block(s.body));
        } catch (e) {
          if (!(e instanceof PSError) || !s.handler) throw e;
          const prev = this.vars.get("_") ?? null;
          this.vars.set("_", errorRecord(e));
          out.push(...this.block(s.handler));
          this.vars.set("_", prev);
        } finally {
          if (s.final) out.push(...this.block(s.final));
        }
        return out;
      }
      case "exit":
        throw new ExitSignal(s.e ? toNum(this.valueOf(s.e)) : 0);
      case "throw":
        throw new PSError(s.e ? toStr(this.valueOf(s.e)) : "ScriptHalted", "OperationStopped");
      case "return":
        throw new ReturnSignal(s.e ? this.stmt(s.e) : []);
    }
  }

  assign(target: Expr, v: Value): void {
    if (target.t === "var") {
      if (target.name.startsWith("env:")) this.host.env[target.name.slice(4)] = toStr(v);
      else this.vars.set(target.name, v);
      return;
    }
    if (target.t === "member" || target.t === "index") {
      const obj = this.expr(target.obj);
      const key = target.t === "member" ? target.name : toStr(this.expr(target.index));
      if (obj instanceof PSObject) {
        obj.set(key, v);
        return;
      }
      if (Array.isArray(obj) && target.t === "index") {
        obj[toNum(this.expr(target.index))] = v;
        return;
      }
      throw new PSError(`The property '${key}' cannot be found on this object.`, "InvalidOperation");
    }
    throw new PSError("The assignment expression is not valid.", "ParserError");
  }

  pipeline(p: Pipeline): Value[] {
    let input: Value[] = [];
    p.elems.forEach((el, i) => {
      if (el.t === "cmd") input = this.command(el, input);
      else if (i === 0) input = enumerate(this.expr(el));
      else
        throw new PSError("Expressions are only allowed as the first element of a pipeline.", "ParserError");
    });
    return input;
  }

  /** Run a script block with `$_` bound (Where-Object, ForEach-Object). */
  invokeBlock(sb: ScriptBlock, dollarUnder?: Value): Value[] {
    const prev = this.vars.get("_") ?? null;
    if (dollarUnder !== undefined) this.vars.set("_", dollarUnder);
    try {
      return this.block(sb.body);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.out;
      throw e;
    } finally {
      this.vars.set("_", prev);
    }
  }

  command(c: Command, input: Value[]): Value[] {
    if (typeof c.name !== "string") {
      const target = this.expr(c.name);
      if (target instanceof ScriptBlock) return this.invokeBlock(target);
      return this.command({ ...c, name: toStr(target) }, input);
    }
    const params = new Map<string, Value>();
    const positional: Value[] = [];
    const nativeArgs: string[] = [];
    for (let i = 0; i < c.args.length; i++) {
      const a = c.args[i] as Command["args"][number];
      if ("param" in a) {
        const key = a.param.toLowerCase();
        if (a.value) {
          params.set(key, this.expr(a.value));
          nativeArgs.push(`-${a.param}:${toStr(params.get(key) as Value)}`);
        } else {
          nativeArgs.push(`-${a.param}`);
          const next = c.args[i + 1];
          if (!SWITCHES.has(key) && next && !("param" in next)) {
            i++;
            params.set(key, this.expr(next.value));
            nativeArgs.push(...enumerate(params.get(key) as Value).map(toStr));
          } else params.set(key, true);
        }
      } else {
        const v = this.expr(a.value);
        positional.push(v);
        nativeArgs.push(...(Array.isArray(v) ? [v.map(toStr).join(",")] : [toStr(v)]));
      }
    }
    const lname = c.name.toLowerCase().replace(/\.exe$/, "");
    const silent = /^(silentlycontinue|ignore)$/i.test(toStr(params.get("erroraction") ?? null));
    const cmdlet = this.host.cmdlets[lname] ?? this.host.cmdlets[ALIASES[lname] ?? ""];
    try {
      if (cmdlet) {
        const r = cmdlet({ name: c.name, params, positional, input, ps: this });
        return r === undefined ? [] : Array.isArray(r) && !(r instanceof Uint8Array) ? r : [r];
      }
      const native = this.host.native(lname, nativeArgs);
      if (!native) {
        throw new PSError(
          `${c.name} : The term '${c.name}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
          "ObjectNotFound",
        );
      }
      if (native.stderr) this.err.push(native.stderr.replace(/\r?\n$/, ""));
      this.vars.set("lastexitcode", native.exitCode);
      const lines = native.stdout.split(/\r?\n/);
      if (lines[lines.length - 1] === "") lines.pop();
      return lines;
    } catch (e) {
      if (silent && e instanceof PSError) return [];
      throw e;
    }
  }

  expr(e: Expr): Value {
    switch (e.t) {
      case "num":
      case "str":
        return e.v;
      case "xstr":
        return e.parts.map((p) => (typeof p === "string" ? p : toStr(this.expr(p)))).join("");
      case "var":
        return this.variable(e.name);
      case "member": {
        const obj = this.expr(e.obj);
        if (e.static) return this.staticMember(obj, e.name);
        return member(obj, e.name);
      }
      case "call": {
        const obj = this.expr(e.obj);
        const args = e.args.map((a) => this.expr(a));
        return e.static ? this.staticCall(obj, e.name, args) : this.method(obj, e.name, args);
      }
      case "index": {
        const obj = this.expr(e.obj);
        const idx = this.expr(e.index);
        if (obj instanceof PSObject) return obj.get(toStr(idx));
        if (Array.isArray(obj) || typeof obj === "string") {
          const i = toNum(idx);
          return obj[i < 0 ? obj.length + i : i] ?? null;
        }
        if (obj instanceof Uint8Array) return obj[toNum(idx)] ?? null;
        return null;
      }
      case "type":
        return new PSType(e.name);
      case "cast":
        return cast(e.type, this.expr(e.e));
      case "bin":
        if (e.op === "and") return truthy(this.expr(e.l)) && truthy(this.expr(e.r));
        if (e.op === "or") return truthy(this.expr(e.l)) || truthy(this.expr(e.r));
        return this.binary(e.op, this.expr(e.l), this.expr(e.r));
      case "unary": {
        const v = this.expr(e.e);
        if (e.op === "not") return !truthy(v);
        if (e.op === "neg") return -toNum(v);
        if (e.op === "join") return enumerate(v).map(toStr).join("");
        return toStr(v).trim().split(/\s+/);
      }
      case "array":
        return e.items.map((i) => this.expr(i));
      case "sub": {
        const out = this.block(e.body);
        return e.array ? out : collapse(out);
      }
      case "hash": {
        const h = new PSObject({}, "hashtable");
        for (const [k, v] of e.entries) h.set(toStr(this.expr(k)), this.valueOf(v));
        return h;
      }
      case "sb":
        return new ScriptBlock(e.body, "");
      case "paren":
        return this.valueOf(e.stmt);
    }
  }

  variable(name: string): Value {
    if (name === "true") return true;
    if (name === "false") return false;
    if (name === "null") return null;
    if (name.startsWith("env:")) {
      const want = name.slice(4);
      const key = Object.keys(this.host.env).find((k) => k.toLowerCase() === want);
      return key === undefined ? null : (this.host.env[key] as string);
    }
    return this.vars.get(name) ?? null;
  }

  binary(op: string, l: Value, r: Value): Value {
    const filterable = ["eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch"];
    if (Array.isArray(l) && filterable.includes(op)) return l.filter((x) => truthy(this.binary(op, x, r)));
    switch (op) {
      case "eq":
        return equals(l, r);
      case "ne":
        return !equals(l, r);
      case "gt":
        return compare(l, r) > 0;
      case "ge":
        return compare(l, r) >= 0;
      case "lt":
        return compare(l, r) < 0;
      case "le":
        return compare(l, r) <= 0;
      case "like":
        return wildcard(toStr(r)).test(toStr(l));
      case "notlike":
        return !wildcard(toStr(r)).test(toStr(l));
      case "match":
      case "notmatch": {
        const m = new RegExp(toStr(r), "i").exec(toStr(l));
        if (m) {
          const h = new PSObject({}, "hashtable");
          m.forEach((g, i) => {
            if (g !== undefined) h.set(String(i), g);
          });
          for (const [k, g] of Object.entries(m.groups ?? {})) if (g !== undefined) h.set(k, g);
          this.vars.set("matches", h);
        }
        return op === "match" ? Boolean(m) : !m;
      }
      case "replace": {
        const [pat, rep] = Array.isArray(r) ? r : [r, ""];
        return toStr(l).replace(new RegExp(toStr(pat as Value), "gi"), toStr((rep ?? "") as Value));
      }
      case "contains":
        return enumerate(l).some((x) => equals(x, r));
      case "notcontains":
        return !enumerate(l).some((x) => equals(x, r));
      case "in":
        return enumerate(r).some((x) => equals(x, l));
      case "notin":
        return !enumerate(r).some((x) => equals(x, l));
      case "join":
        return enumerate(l).map(toStr).join(toStr(r));
      case "split":
        return toStr(l).split(new RegExp(toStr(r), "i"));
      case "+":
        if (l instanceof PSDate && r instanceof PSTimeSpan) return new PSDate(l.ms + r.ms);
        if (Array.isArray(l)) return [...l, ...(Array.isArray(r) ? r : [r])];
        if (typeof l === "string") return l + toStr(r);
        if (l instanceof PSObject && r instanceof PSObject) {
          const h = new PSObject({}, "hashtable");
          for (const [k, v] of [...l.entries(), ...r.entries()]) h.set(k, v);
          return h;
        }
        return toNum(l) + toNum(r);
      case "-":
        if (l instanceof PSDate)
          return r instanceof PSTimeSpan ? new PSDate(l.ms - r.ms) : new PSTimeSpan(l.ms - toDate(r).ms);
        return toNum(l) - toNum(r);
      case "*":
        if (typeof l === "string") return l.repeat(Math.max(0, toNum(r)));
        return toNum(l) * toNum(r);
      case "/":
        return toNum(l) / toNum(r);
      case "%":
        return toNum(l) % toNum(r);
      default:
        throw new PSError(`Unexpected operator '-${op}'.`, "ParserError");
    }
  }

  method(obj: Value, name: string, args: Value[]): Value {
    const n = name.toLowerCase();
    const a0 = args[0] ?? null;
    if (n === "tostring") {
      if (obj instanceof PSDate) return formatDate(obj, args.length ? toStr(a0) : undefined);
      return toStr(obj);
    }
    if (typeof obj === "string") {
      switch (n) {
        case "trim":
          return obj.trim();
        case "trimend":
          return obj.trimEnd();
        case "trimstart":
          return obj.trimStart();
        case "tolower":
          return obj.toLowerCase();
        case "toupper":
          return obj.toUpperCase();
        case "split":
          return obj.split(new RegExp(`[${toStr(a0).replace(/[\]\\^-]/g, "\\$&")}]`));
        case "contains":
          return obj.includes(toStr(a0));
        case "startswith":
          return obj.toLowerCase().startsWith(toStr(a0).toLowerCase());
        case "endswith":
          return obj.toLowerCase().endsWith(toStr(a0).toLowerCase());
        case "replace":
          return obj.split(toStr(a0)).join(toStr(args[1] ?? null));
        case "substring":
          return args.length > 1 ? obj.substr(toNum(a0), toNum(args[1] ?? null)) : obj.slice(toNum(a0));
        case "indexof":
          return obj.indexOf(toStr(a0));
      }
    }
    if (obj instanceof PSDate) {
      const add = { adddays: 86_400_000, addhours: 3_600_000, addminutes: 60_000, addseconds: 1000 }[n];
      if (add) return new PSDate(obj.ms + toNum(a0) * add);
      if (n === "touniversaltime" || n === "tolocaltime") return obj;
    }
    if (obj instanceof PSObject) {
      if (obj.typeName === "Encoding") {
        if (n === "getstring") return Buffer.from(a0 as Uint8Array).toString("utf8");
        if (n === "getbytes") return new Uint8Array(Buffer.from(toStr(a0), "utf8"));
      }
      switch (n) {
        case "containskey":
          return obj.has(toStr(a0));
        case "add":
          if (obj.has(toStr(a0)))
            throw new PSError(`Item has already been added. Key in dictionary: '${toStr(a0)}'`);
          obj.set(toStr(a0), args[1] ?? null);
          return null;
        case "remove":
          obj.delete(toStr(a0));
          return null;
      }
    }
    if (Array.isArray(obj) && n === "contains") return obj.some((x) => equals(x, a0));
    if (obj instanceof ScriptBlock && n === "invoke") return collapse(this.invokeBlock(obj));
    throw new PSError(
      `Method invocation failed because [${typeOf(obj)}] does not contain a method named '${name}'.`,
      "InvalidOperation",
    );
  }

  staticMember(t: Value, name: string): Value {
    const type = t instanceof PSType ? t.name.toLowerCase() : "";
    const n = name.toLowerCase();
    if (type === "datetime") {
      if (n === "utcnow" || n === "now") return new PSDate(this.host.now());
      if (n === "today") return new PSDate(Math.floor(this.host.now() / 86_400_000) * 86_400_000);
    }
    if ((type === "text.encoding" || type === "encoding") && ["utf8", "unicode", "ascii"].includes(n)) {
      return new PSObject({ EncodingName: name }, "object", "Encoding");
    }
    if (type === "environment" && n === "machinename") return this.host.env.COMPUTERNAME ?? null;
    if (type === "environment" && n === "newline") return "\r\n";
    throw new PSError(`Cannot find static member '${name}' on [${type}].`, "InvalidOperation");
  }

  staticCall(t: Value, name: string, args: Value[]): Value {
    const type = t instanceof PSType ? t.name.toLowerCase() : "";
    const n = `${type}::${name.toLowerCase()}`;
    const a0 = args[0] ?? null;
    switch (n) {
      case "datetime::parse":
        return toDate(a0);
      case "convert::frombase64string": {
        const s = toStr(a0);
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
          throw new PSError(
            'Exception calling "FromBase64String" with "1" argument(s): "The input is not a valid Base-64 string."',
          );
        }
        return new Uint8Array(Buffer.from(s, "base64"));
      }
      case "convert::tobase64string":
        return Buffer.from(a0 as Uint8Array).toString("base64");
      case "convert::toint32":
        return cast("int", a0);
      case "io.file::readalltext": {
        const text = this.host.readFile(toStr(a0));
        if (text === undefined)
          throw new PSError(
            `Exception calling "ReadAllText" with "1" argument(s): "Could not find file '${toStr(a0)}'."`,
            "FileNotFoundException",
          );
        return text;
      }
      case "io.file::exists":
        return this.host.readFile(toStr(a0)) !== undefined;
      case "io.file::writealltext":
        this.host.writeFile(toStr(a0), toStr(args[1] ?? null));
        return null;
      case "scriptblock::create":
        return new ScriptBlock(parseScript(toStr(a0)), toStr(a0));
      case "math::round": {
        const f = 10 ** (args.length > 1 ? toNum(args[1] ?? null) : 0);
        return Math.round(toNum(a0) * f) / f;
      }
      case "math::floor":
        return Math.floor(toNum(a0));
      case "math::ceiling":
        return Math.ceil(toNum(a0));
      case "math::max":
        return Math.max(toNum(a0), toNum(args[1] ?? null));
      case "math::min":
        return Math.min(toNum(a0), toNum(args[1] ?? null));
      case "string::isnullorempty":
        return toStr(a0) === "";
      case "guid::newguid":
        return crypto.randomUUID();
      case "timespan::fromdays":
        return new PSTimeSpan(toNum(a0) * 86_400_000);
    }
    throw new PSError(
      `Method invocation failed because [${type}] does not contain a method named '${name}'.`,
      "InvalidOperation",
    );
  }
}

const ALIASES: Record<string, string> = {
  "?": "where-object",
  where: "where-object",
  "%": "foreach-object",
  select: "select-object",
  sort: "sort-object",
  echo: "write-output",
  measure: "measure-object",
};

function typeOf(v: Value): string {
  if (v === null) return "null";
  if (typeof v === "string") return "System.String";
  if (typeof v === "number") return "System.Int32";
  if (typeof v === "boolean") return "System.Boolean";
  if (Array.isArray(v)) return "System.Object[]";
  if (v instanceof PSObject)
    return v.kind === "hashtable"
      ? "System.Collections.Hashtable"
      : "System.Management.Automation.PSCustomObject";
  return v.constructor.name;
}

function errorRecord(e: PSError): PSObject {
  return new PSObject(
    { Exception: new PSObject({ Message: e.message }), CategoryInfo: e.category },
    "object",
    "ErrorRecord",
  );
}

/** Default host formatting of one output object (strings as-is, objects as a property list). */
function formatOutput(v: Value): string[] {
  if (v === null) return [];
  if (Array.isArray(v)) return v.flatMap(formatOutput);
  if (v instanceof PSObject && v.typeName !== "ErrorRecord") {
    const keys = v.keys();
    const w = Math.max(...keys.map((k) => k.length), 0);
    return ["", ...v.entries().map(([k, x]) => `${k.padEnd(w)} : ${toStr(x)}`), ""];
  }
  if (v instanceof PSObject) return [toStr(member(member(v, "Exception"), "Message"))];
  return [toStr(v)];
}
