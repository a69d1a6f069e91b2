/** Syntax tree of the PowerShell subset the test server understands. */

export type Expr =
  | { t: "num"; v: number }
  | { t: "str"; v: string }
  | { t: "xstr"; parts: (string | Expr)[] }
  | { t: "var"; name: string }
  | { t: "member"; obj: Expr; name: string; static: boolean }
  | { t: "call"; obj: Expr; name: string; args: Expr[]; static: boolean }
  | { t: "index"; obj: Expr; index: Expr }
  | { t: "type"; name: string }
  | { t: "cast"; type: string; e: Expr }
  | { t: "bin"; op: string; l: Expr; r: Expr }
  | { t: "unary"; op: string; e: Expr }
  | { t: "array"; items: Expr[] }
  | { t: "sub"; body: Stmt[]; array: boolean }
  | { t: "hash"; entries: [Expr, Stmt][]; ordered: boolean }
  | { t: "sb"; body: Stmt[] }
  | { t: "paren"; stmt: Stmt };

/** One command argument: a `-Name` parameter token or a value. */
export type Arg = { param: string; value?: Expr } | { value: Expr };

export type Command = { t: "cmd"; name: string | Expr; args: Arg[] };

export type Pipeline = { t: "pipe"; elems: (Expr | Command)[] };

export type Stmt =
  | Pipeline
  | { t: "assign"; target: Expr; op: "=" | "+="; value: Stmt }
  | { t: "if"; clauses: [Stmt, Stmt[]][]; otherwise?: Stmt[] }
  | { t: "foreach"; name: string; iter: Stmt; body: Stmt[] }
  | { t: "try"; body: Stmt[]; handler?: Stmt[]; final?: Stmt[] }
  | { t: "exit"; e?: Stmt }
  | { t: "throw"; e?: Stmt }
  | { t: "return"; e?: Stmt };
