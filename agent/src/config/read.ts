/**
 * Reading a config file against a schema: the TOML, the problems located by key and line, the
 * relative paths made absolute. The whole file's schema is load.ts's; `malachor status` reads its
 * few keys through status-view.ts, so it never builds the whole schema.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import * as v from "valibot";
import { keyLines, lineOf } from "./locate.ts";

/** Default config path; overridden by `--config` or MALACHOR_CONFIG. */
export const DEFAULT_CONFIG_PATH = "/etc/malachor/config.toml";

/** One problem in a config file, located by key and line. */
export interface ConfigProblem {
  key: string;
  line?: number;
  message: string;
}

/** A config file that cannot be used; the message names the file, line and key of every problem. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      problems
        .map((p) => `${file}${p.line ? `:${p.line}` : ""}: ${p.key ? `${p.key}: ` : ""}${p.message}`)
        .join("\n"),
    );
  }
}

/** The config path to use: `--config`, else MALACHOR_CONFIG, else /etc/malachor/config.toml. */
export function configPath(flag?: string, env: Record<string, string | undefined> = process.env): string {
  return resolve(flag || env.MALACHOR_CONFIG || DEFAULT_CONFIG_PATH);
}

function describe(issue: v.BaseIssue<unknown>): string {
  if (issue.received === "undefined") return "is required";
  if (issue.type === "strict_object") return "unknown key (check the spelling; keys are snake_case)";
  const msg = issue.message.replace(/^Invalid \w+: /, "");
  // valibot's own messages already say "Expected … but received …"; custom ones get the value.
  return /received/i.test(msg) ? msg : `${msg} (got ${issue.received})`;
}

/**
 * Parse config text and validate it against `schema`; `source` is the file it came from (for errors
 * and relative paths), `pathKeys` the keys (`a.b[].c`) holding paths to resolve against its folder.
 */
export function validateConfig<S extends v.GenericSchema>(
  schema: S,
  pathKeys: readonly string[],
  text: string,
  source: string,
): v.InferOutput<S> {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split("\n")[0]!.replace(/^Invalid TOML document: /, "");
      throw new ConfigError(source, [{ key: "", line: e.line, message: `not valid TOML: ${first}` }]);
    }
    throw e;
  }
  const r = v.safeParse(schema, raw);
  if (!r.success) {
    const lines = keyLines(text);
    const problems = r.issues.slice(0, 10).map((issue) => {
      const path = (issue.path ?? []).map((p) => p.key as string | number);
      return { key: path.join("."), line: lineOf(lines, path), message: describe(issue) };
    });
    throw new ConfigError(source, problems);
  }
  const c = structuredClone(r.output);
  const base = dirname(source);
  for (const key of pathKeys) resolvePath(c, key.split("."), (p) => (isAbsolute(p) ? p : join(base, p)));
  return c;
}

// Make the path at `parts` (`a.b[].c`) absolute wherever it is present.
function resolvePath(node: unknown, parts: string[], abs: (p: string) => string): void {
  if (node === null || typeof node !== "object") return;
  const [head, ...rest] = parts as [string, ...string[]];
  const name = head.replace(/\[\]$/, "");
  const o = node as Record<string, unknown>;
  if (rest.length === 0) {
    if (typeof o[name] === "string") o[name] = abs(o[name] as string);
  } else if (head.endsWith("[]") && Array.isArray(o[name])) {
    for (const item of o[name] as unknown[]) resolvePath(item, rest, abs);
  } else {
    resolvePath(o[name], rest, abs);
  }
}

/** The text of the config file at `path` and its absolute path. */
export function readConfigFile(path: string): { text: string; source: string } {
  const source = resolve(path);
  try {
    return { text: readFileSync(source, "utf8"), source };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(e);
    throw new ConfigError(source, [{ key: "", message: `cannot read config: ${why}` }]);
  }
}
