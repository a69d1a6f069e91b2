/**
 * Scannerless recursive-descent parser for a PowerShell subset: statements (if/elseif/else,
 * foreach, try/catch/finally, exit, throw, return, assignment), pipelines of commands and
 * expressions, PowerShell operator precedence, expandable strings, hashtables, script blocks,
 * casts and static members. Command mode and expression mode follow PowerShell's rules.
 */
import type { Arg, Command, Expr, Pipeline, Stmt } from "./ast.ts";

/** A syntax error with its line number. */
export class PsParseError extends Error {
  override name = "PsParseError";
}

const COMPARE = new Set([
  "eq",
  "ne",
  "gt",
  "ge",
  "lt",
  "le",
  "like",
  "notlike",
  "match",
  "notmatch",
  "replace",
  "contains",
  "notcontains",
  "in",
  "notin",
  "join",
  "split",
  "is",
  "isnot",
]);
const KEYWORDS = new Set(["if", "foreach", "try", "exit", "throw", "return"]);
const ARG_END = new Set(["\n", "\r", ";", "|", ")", "}", ",", " ", "\t", "(", "{", '"', "'"]);

/** Parse a script into statements. */
export function parseScript(src: string): Stmt[] {
  const p = new Parser(src);
  const body = p.statements("");
  if (p.pos < src.length) p.fail(`unexpected "${src[p.pos]}"`);
  return body;
}

class Parser {
  pos = 0;
  noComma = 0;
  constructor(readonly src: string) {}

  fail(msg: string): never {
    const line = this.src.slice(0, this.pos).split("\n").length;
    throw new PsParseError(`At line:${line} — ${msg}`);
  }
  peek(n = 0): string {
    return this.src[this.pos + n] ?? "";
  }
  at(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }
  atWordCI(w: string): boolean {
    const s = this.src.slice(this.pos, this.pos + w.length).toLowerCase();
    return s === w && !/[\w-]/.test(this.peek(w.length));
  }
  expect(s: string): void {
    this.ws(true);
    if (!this.at(s)) this.fail(`expected "${s}"`);
    this.pos += s.length;
  }

  /** Skip blanks and comments; with `nl`, newlines too. */
  ws(nl = false): void {
    for (;;) {
      const c = this.peek();
      if (c === " " || c === "\t" || (nl && (c === "\n" || c === "\r"))) this.pos++;
      else if (c === "`" && (this.peek(1) === "\n" || this.peek(1) === "\r"))
        this.pos += this.peek(2) === "\n" ? 3 : 2;
      else if (this.at("<#")) {
        const end = this.src.indexOf("#>", this.pos);
        this.pos = end < 0 ? this.src.length : end + 2;
      } else if (c === "#") {
        while (this.pos < this.src.length && this.peek() !== "\n") this.pos++;
      } else return;
    }
  }

  statements(end: string): Stmt[] {
    const out: Stmt[] = [];
    for (;;) {
      this.ws(true);
      while (this.peek() === ";") {
        this.pos++;
        this.ws(true);
      }
      if (this.pos >= this.src.length || (end && this.peek() === end)) return out;
      out.push(this.statement());
    }
  }

  block(): Stmt[] {
    this.expect("{");
    const body = this.statements("}");
    this.expect("}");
    return body;
  }

  condition(): Stmt {
    this.expect("(");
    const s = this.statement();
    this.expect(")");
    return s;
  }

  statement(): Stmt {
    this.ws();
    if (this.atWordCI("if")) {
      this.pos += 2;
      const clauses: [Stmt, Stmt[]][] = [[this.condition(), this.block()]];
      let otherwise: Stmt[] | undefined;
      for (;;) {
        const save = this.pos;
        this.ws(true);
        if (this.atWordCI("elseif")) {
          this.pos += 6;
          clauses.push([this.condition(), this.block()]);
        } else if (this.atWordCI("else")) {
          this.pos += 4;
          otherwise = this.block();
          break;
        } else {
          this.pos = save;
          break;
        }
      }
      return { t: "if", clauses, otherwise };
    }
    if (this.atWordCI("foreach")) {
      this.pos += 7;
      this.expect("(");
      this.ws();
      if (this.peek() !== "$") this.fail("foreach needs a $variable");
      this.pos++;
      const name = this.varName();
      this.ws();
      if (!this.atWordCI("in")) this.fail('expected "in"');
      this.pos += 2;
      const iter = this.statement();
      this.expect(")");
      return { t: "foreach", name, iter, body: this.block() };
    }
    if (this.atWordCI("try")) {
      this.pos += 3;
      const body = this.block();
      let handler: Stmt[] | undefined;
      let final: Stmt[] | undefined;
      this.ws(true);
      if (this.atWordCI("catch")) {
        this.pos += 5;
        handler = this.block();
        this.ws(true);
      }
      if (this.atWordCI("finally")) {
        this.pos += 7;
        final = this.block();
      }
      if (!handler && !final) this.fail("try needs catch or finally");
      return { t: "try", body, handler, final };
    }
    for (const k of ["exit", "throw", "return"] as const) {
      if (this.atWordCI(k)) {
        this.pos += k.length;
        this.ws();
        const c = this.peek();
        const e =
          c === "" || c === "\n" || c === "\r" || c === ";" || c === "}" ? undefined : this.statement();
        return { t: k, e };
      }
    }
    const pipe = this.pipeline();
    this.ws();
    const op = this.at("+=") ? "+=" : this.peek() === "=" && this.peek(1) !== "=" ? "=" : undefined;
    if (op) {
      const first = pipe.elems[0];
      if (pipe.elems.length !== 1 || !first || first.t === "cmd") this.fail("cannot assign to this");
      this.pos += op.length;
      this.ws(true);
      return { t: "assign", target: first, op, value: this.statement() };
    }
    return pipe;
  }

  pipeline(): Pipeline {
    this.ws();
    const elems: (Expr | Command)[] = [this.startsCommand() ? this.command() : this.expr()];
    for (;;) {
      this.ws();
      if (this.peek() !== "|" || this.peek(1) === "|") return { t: "pipe", elems };
      this.pos++;
      this.ws(true);
      elems.push(this.command());
    }
  }

  startsCommand(): boolean {
    const c = this.peek();
    if (c === "&") return true;
    return /[A-Za-z_]/.test(c);
  }

  command(): Command {
    this.ws();
    let name: string | Expr;
    if (this.peek() === "&") {
      this.pos++;
      this.ws();
      name = this.postfix(this.primary());
    } else {
      const m = /^[A-Za-z_][\w.\-\\:]*/.exec(this.src.slice(this.pos));
      if (!m) this.fail("expected a command name");
      name = m[0];
      this.pos += m[0].length;
    }
    const args: Arg[] = [];
    for (;;) {
      this.ws();
      const c = this.peek();
      if (c === "" || c === "\n" || c === "\r" || c === ";" || c === "|" || c === ")" || c === "}") break;
      if (c === "-" && /[A-Za-z]/.test(this.peek(1))) {
        const m = /^-([A-Za-z][\w]*)(:?)/.exec(this.src.slice(this.pos)) as RegExpExecArray;
        this.pos += m[0].length;
        args.push(m[2] ? { param: m[1] as string, value: this.argValue() } : { param: m[1] as string });
      } else {
        args.push({ value: this.argValue() });
      }
    }
    return { t: "cmd", name, args };
  }

  /** One argument in command mode, with `a,b,c` forming an array. */
  argValue(): Expr {
    const items = [this.argItem()];
    while (this.peek() === ",") {
      this.pos++;
      this.ws(true);
      items.push(this.argItem());
    }
    return items.length === 1 ? (items[0] as Expr) : { t: "array", items };
  }

  argItem(): Expr {
    this.ws();
    const c = this.peek();
    if (c === "$" || c === "(" || c === "@" || c === "{" || c === "[") return this.postfix(this.primary());
    const parts: (string | Expr)[] = [];
    let bare = "";
    while (this.pos < this.src.length) {
      const ch = this.peek();
      if (ch === "'" || ch === '"') {
        if (bare) parts.push(bare);
        bare = "";
        const s = this.stringLit();
        parts.push(s.t === "str" ? s.v : s);
        continue;
      }
      if (ARG_END.has(ch)) break;
      if (ch === "$" && bare && /[\w({]/.test(this.peek(1))) {
        // `/minpwlen:$len` expands like a double-quoted string in command mode.
        parts.push(bare);
        bare = "";
        if (this.peek(1) === "(") parts.push(this.primary());
        else {
          this.pos++;
          parts.push({ t: "var", name: this.varName() });
        }
        continue;
      }
      bare += ch;
      this.pos++;
    }
    if (bare) parts.push(bare);
    if (parts.length === 1 && typeof parts[0] === "string" && /^-?\d+(\.\d+)?$/.test(parts[0])) {
      return { t: "num", v: Number(parts[0]) };
    }
    if (parts.length === 1 && typeof parts[0] !== "string") return parts[0] as Expr;
    if (parts.every((p) => typeof p === "string")) return { t: "str", v: parts.join("") };
    return {
      t: "xstr",
      parts: parts.flatMap((p) => (typeof p === "string" ? [p] : p.t === "xstr" ? p.parts : [p])),
    };
  }

  expr(): Expr {
    return this.logical();
  }

  opName(): string | undefined {
    const m = /^-([A-Za-z]+)/.exec(this.src.slice(this.pos));
    return m ? (m[1] as string).toLowerCase() : undefined;
  }

  logical(): Expr {
    let l = this.comparison();
    for (;;) {
      this.ws();
      const op = this.opName();
      if (op !== "and" && op !== "or" && op !== "xor") return l;
      this.pos += op.length + 1;
      this.ws(true);
      l = { t: "bin", op, l, r: this.comparison() };
    }
  }

  comparison(): Expr {
    let l = this.additive();
    for (;;) {
      this.ws();
      let op = this.opName();
      if (!op) return l;
      const base =
        op.length > 2 && (op[0] === "c" || op[0] === "i") && COMPARE.has(op.slice(1)) ? op.slice(1) : op;
      if (!COMPARE.has(base)) return l;
      this.pos += op.length + 1;
      op = base;
      this.ws(true);
      l = { t: "bin", op, l, r: this.additive() };
    }
  }

  additive(): Expr {
    let l = this.multiplicative();
    for (;;) {
      this.ws();
      const c = this.peek();
      if (c !== "+" && !(c === "-" && !/[A-Za-z]/.test(this.peek(1)))) return l;
      if (this.peek(1) === "=") return l;
      this.pos++;
      this.ws(true);
      l = { t: "bin", op: c, l, r: this.multiplicative() };
    }
  }

  multiplicative(): Expr {
    let l = this.unary();
    for (;;) {
      this.ws();
      const c = this.peek();
      if ((c !== "*" && c !== "/" && c !== "%") || this.peek(1) === "=") return l;
      this.pos++;
      this.ws(true);
      l = { t: "bin", op: c, l, r: this.unary() };
    }
  }

  unary(): Expr {
    this.ws();
    if (this.peek() === "!") {
      this.pos++;
      return { t: "unary", op: "not", e: this.unary() };
    }
    const op = this.opName();
    if (op === "not") {
      this.pos += 4;
      this.ws();
      return { t: "unary", op: "not", e: this.unary() };
    }
    if (op === "join" || op === "split") {
      this.pos += op.length + 1;
      this.ws();
      return { t: "unary", op, e: this.unary() };
    }
    if (this.peek() === "-" && !/[A-Za-z]/.test(this.peek(1))) {
      this.pos++;
      return { t: "unary", op: "neg", e: this.unary() };
    }
    return this.comma();
  }

  comma(): Expr {
    const first = this.castOrPostfix();
    if (this.noComma) return first;
    const items = [first];
    for (;;) {
      const save = this.pos;
      this.ws();
      if (this.peek() !== ",") {
        this.pos = save;
        break;
      }
      this.pos++;
      this.ws(true);
      items.push(this.castOrPostfix());
    }
    return items.length === 1 ? first : { t: "array", items };
  }

  castOrPostfix(): Expr {
    this.ws();
    if (this.peek() === "[") {
      const save = this.pos;
      const type = this.typeName();
      if (!this.at("::")) {
        if (type.toLowerCase() === "ordered") {
          this.ws();
          const h = this.primary();
          if (h.t !== "hash") this.fail("[ordered] needs a hashtable");
          return { ...h, ordered: true };
        }
        this.ws();
        return { t: "cast", type: type.toLowerCase(), e: this.castOrPostfix() };
      }
      this.pos = save;
    }
    return this.postfix(this.primary());
  }

  typeName(): string {
    this.pos++;
    let depth = 1;
    const start = this.pos;
    while (depth > 0) {
      const c = this.peek();
      if (c === "") this.fail("unterminated type name");
      if (c === "[") depth++;
      if (c === "]") depth--;
      this.pos++;
    }
    return this.src
      .slice(start, this.pos - 1)
      .trim()
      .replace(/^System\./i, "");
  }

  postfix(e: Expr): Expr {
    for (;;) {
      if (this.at("::")) {
        this.pos += 2;
        const name = this.memberName();
        e =
          this.peek() === "("
            ? { t: "call", obj: e, name, args: this.callArgs(), static: true }
            : { t: "member", obj: e, name, static: true };
      } else if (this.peek() === "." && /[A-Za-z_'"]/.test(this.peek(1))) {
        this.pos++;
        const quoted = this.peek() === "'" || this.peek() === '"' ? this.stringLit() : undefined;
        const name = quoted
          ? quoted.t === "str"
            ? quoted.v
            : this.fail("member names cannot be expanded")
          : this.memberName();
        e =
          this.peek() === "("
            ? { t: "call", obj: e, name, args: this.callArgs(), static: false }
            : { t: "member", obj: e, name, static: false };
      } else if (this.peek() === "[" && e.t !== "type") {
        this.pos++;
        this.ws(true);
        const index = this.expr();
        this.expect("]");
        e = { t: "index", obj: e, index };
      } else return e;
    }
  }

  memberName(): string {
    const m = /^[A-Za-z_]\w*/.exec(this.src.slice(this.pos));
    if (!m) this.fail("expected a member name");
    this.pos += m[0].length;
    return m[0];
  }

  callArgs(): Expr[] {
    this.pos++;
    const args: Expr[] = [];
    this.ws(true);
    if (this.peek() === ")") {
      this.pos++;
      return args;
    }
    this.noComma++;
    for (;;) {
      args.push(this.expr());
      this.ws(true);
      if (this.peek() === ",") {
        this.pos++;
        this.ws(true);
        continue;
      }
      break;
    }
    this.noComma--;
    this.expect(")");
    return args;
  }

  varName(): string {
    if (this.peek() === "{") {
      const end = this.src.indexOf("}", this.pos);
      const n = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      return n.toLowerCase();
    }
    const m = /^(?:env:)?[\w]+|^_|^\?/i.exec(this.src.slice(this.pos));
    if (!m) this.fail("expected a variable name");
    this.pos += m[0].length;
    return m[0].toLowerCase();
  }

  primary(): Expr {
    this.ws();
    const c = this.peek();
    const saveComma = this.noComma;
    if (c === "$" && this.peek(1) === "(") {
      this.pos += 2;
      this.noComma = 0;
      const body = this.statements(")");
      this.noComma = saveComma;
      this.expect(")");
      return { t: "sub", body, array: false };
    }
    if (c === "@" && this.peek(1) === "(") {
      this.pos += 2;
      this.noComma = 0;
      const body = this.statements(")");
      this.noComma = saveComma;
      this.expect(")");
      return { t: "sub", body, array: true };
    }
    if (c === "@" && this.peek(1) === "{") {
      this.pos += 2;
      this.noComma = 0;
      const entries: [Expr, Stmt][] = [];
      for (;;) {
        this.ws(true);
        while (this.peek() === ";") {
          this.pos++;
          this.ws(true);
        }
        if (this.peek() === "}") break;
        let key: Expr;
        const m = /^[A-Za-z_][\w-]*/.exec(this.src.slice(this.pos));
        if (m) {
          key = { t: "str", v: m[0] };
          this.pos += m[0].length;
        } else key = this.castOrPostfix();
        this.expect("=");
        this.ws(true);
        entries.push([key, this.statement()]);
      }
      this.noComma = saveComma;
      this.expect("}");
      return { t: "hash", entries, ordered: false };
    }
    if (c === "$") {
      this.pos++;
      return { t: "var", name: this.varName() };
    }
    if (c === "'" || c === '"') return this.stringLit();
    if (c === "(") {
      this.pos++;
      this.noComma = 0;
      this.ws(true);
      const stmt = this.statement();
      this.noComma = saveComma;
      this.expect(")");
      return { t: "paren", stmt };
    }
    if (c === "{") {
      this.noComma = 0;
      const body = this.block();
      this.noComma = saveComma;
      return { t: "sb", body };
    }
    if (c === "[") return { t: "type", name: this.typeName() };
    const num = /^(0x[0-9a-f]+|\d+(\.\d+)?)(kb|mb|gb)?(?![\w])/i.exec(this.src.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      const mult = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(num[3] ?? "").toLowerCase() as "kb"] ?? 1;
      return { t: "num", v: Number(num[1]) * mult };
    }
    if (
      /[A-Za-z]/.test(c) &&
      !KEYWORDS.has(/^\w+/.exec(this.src.slice(this.pos))?.[0]?.toLowerCase() ?? "")
    ) {
      return { t: "paren", stmt: { t: "pipe", elems: [this.command()] } };
    }
    return this.fail(c ? `unexpected "${c}"` : "unexpected end of script");
  }

  stringLit(): Expr {
    const q = this.peek();
    this.pos++;
    if (q === "'") {
      let s = "";
      for (;;) {
        const c = this.peek();
        if (c === "") this.fail("unterminated string");
        this.pos++;
        if (c === "'") {
          if (this.peek() === "'") {
            s += "'";
            this.pos++;
            continue;
          }
          return { t: "str", v: s };
        }
        s += c;
      }
    }
    const parts: (string | Expr)[] = [];
    let s = "";
    const ESC: Record<string, string> = { n: "\n", r: "\r", t: "\t", "0": "\0", a: "\x07" };
    for (;;) {
      const c = this.peek();
      if (c === "") this.fail("unterminated string");
      if (c === '"') {
        this.pos++;
        if (this.peek() === '"') {
          s += '"';
          this.pos++;
          continue;
        }
        break;
      }
      if (c === "`") {
        const n = this.peek(1);
        s += ESC[n] ?? n;
        this.pos += 2;
        continue;
      }
      if (c === "$" && (this.peek(1) === "(" || /[\w{]/.test(this.peek(1)))) {
        if (s) parts.push(s);
        s = "";
        if (this.peek(1) === "(") parts.push(this.primary());
        else {
          this.pos++;
          parts.push({ t: "var", name: this.varName() });
        }
        continue;
      }
      s += c;
      this.pos++;
    }
    if (s) parts.push(s);
    if (parts.every((p) => typeof p === "string")) return { t: "str", v: parts.join("") };
    return { t: "xstr", parts };
  }
}
