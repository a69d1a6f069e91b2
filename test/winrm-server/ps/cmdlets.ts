/** Machine-independent cmdlets: pipeline shaping, JSON/CSV conversion, output, dates, paths. */
import { type Cmdlet, type CmdletCall, param } from "./interp.ts";
import {
  compare,
  enumerate,
  fromJson,
  member,
  PSDate,
  PSError,
  PSObject,
  ScriptBlock,
  toJson,
  toNum,
  toStr,
  truthy,
  type Value,
} from "./values.ts";

function block(call: CmdletCall): ScriptBlock {
  const sb = param(call, "FilterScript", "Process") ?? call.positional[0] ?? null;
  if (!(sb instanceof ScriptBlock))
    throw new PSError(`${call.name}: a script block is required`, "InvalidArgument");
  return sb;
}

/** The input object: from the pipeline, else -InputObject / the first positional argument. */
function inputs(call: CmdletCall, ...names: string[]): Value[] {
  if (call.input.length) return call.input;
  const v = param(call, "InputObject", ...names) ?? call.positional[0] ?? null;
  return enumerate(v);
}

/** Join-Path with Windows separators. */
export function joinPath(a: string, b: string): string {
  return `${a.replace(/[\\/]+$/, "")}\\${b.replace(/^[\\/]+/, "")}`;
}

export const GENERIC_CMDLETS: Record<string, Cmdlet> = {
  "where-object": (c) => {
    const sb = block(c);
    return c.input.filter((x) => truthy(c.ps.invokeBlock(sb, x)));
  },
  "foreach-object": (c) => {
    const sb = block(c);
    return c.input.flatMap((x) => c.ps.invokeBlock(sb, x));
  },
  "select-object": (c) => {
    let items = c.input;
    const expand = param(c, "ExpandProperty");
    const props = param(c, "Property") ?? c.positional[0] ?? null;
    const first = param(c, "First");
    const last = param(c, "Last");
    if (first !== null) items = items.slice(0, toNum(first));
    if (last !== null) items = items.slice(-toNum(last));
    if (expand !== null) return items.flatMap((x) => enumerate(member(x, toStr(expand))));
    if (props !== null) {
      return items.map(
        (x) => new PSObject(Object.fromEntries(enumerate(props).map((p) => [toStr(p), member(x, toStr(p))]))),
      );
    }
    return items;
  },
  "sort-object": (c) => {
    const prop = param(c, "Property") ?? c.positional[0] ?? null;
    const key = (x: Value) =>
      prop === null
        ? x
        : prop instanceof ScriptBlock
          ? (c.ps.invokeBlock(prop, x)[0] ?? null)
          : member(x, toStr(prop));
    const sorted = [...c.input].sort((a, b) => compare(key(a), key(b)));
    return param(c, "Descending") ? sorted.reverse() : sorted;
  },
  "measure-object": (c) => {
    const prop = param(c, "Property");
    const nums = prop === null ? [] : c.input.map((x) => toNum(member(x, toStr(prop))));
    return new PSObject({
      Count: c.input.length,
      Sum: nums.reduce((a, b) => a + b, 0),
      Maximum: nums.length ? Math.max(...nums) : null,
      Minimum: nums.length ? Math.min(...nums) : null,
    });
  },
  "convertto-json": (c) => {
    const items = inputs(c);
    const depth = toNum(param(c, "Depth") ?? 2);
    const value: Value = c.input.length > 1 ? items : (items[0] ?? null);
    return toJson(value, depth, Boolean(param(c, "Compress")));
  },
  "convertfrom-json": (c) => {
    const text = inputs(c).map(toStr).join("\n");
    try {
      return enumerate(fromJson(JSON.parse(text)));
    } catch {
      throw new PSError("ConvertFrom-Json : Invalid JSON primitive.", "InvalidArgument");
    }
  },
  "convertfrom-csv": (c) => {
    const lines = inputs(c)
      .flatMap((l) => toStr(l).split(/\r?\n/))
      .filter((l) => l.trim() !== "");
    const split = (l: string) =>
      [...l.matchAll(/("([^"]*(?:""[^"]*)*)"|[^,]*)(,|$)/g)]
        .slice(0, -1)
        .map((m) => (m[2] !== undefined ? m[2].replace(/""/g, '"') : (m[1] ?? "")));
    const [head, ...rows] = lines;
    if (!head) return [];
    const cols = split(head);
    return rows.map((r) => {
      const cells = split(r);
      return new PSObject(Object.fromEntries(cols.map((k, i) => [k, cells[i] ?? null])));
    });
  },
  "out-null": () => [],
  "out-string": (c) => c.input.map(toStr).join("\r\n"),
  "write-output": (c) => [...c.input, ...c.positional.flatMap(enumerate)],
  "write-host": (c) => {
    c.ps.out.push(c.positional.map(toStr).join(" "));
    return [];
  },
  "write-error": (c) => {
    throw new PSError(toStr(param(c, "Message") ?? c.positional[0] ?? null), "WriteError");
  },
  "write-warning": (c) => {
    c.ps.out.push(`WARNING: ${toStr(param(c, "Message") ?? c.positional[0] ?? null)}`);
    return [];
  },
  "write-verbose": () => [],
  "get-date": (c) => {
    const d = param(c, "Date") ?? c.positional[0] ?? null;
    return d === null ? new PSDate(c.ps.host.now()) : new PSDate(Date.parse(toStr(d)));
  },
  "join-path": (c) =>
    joinPath(
      toStr(param(c, "Path") ?? c.positional[0] ?? null),
      toStr(param(c, "ChildPath") ?? c.positional[1] ?? null),
    ),
  "start-sleep": () => [],
  "get-content": (c) => {
    const path = toStr(param(c, "Path", "LiteralPath") ?? c.positional[0] ?? null);
    const text = c.ps.host.readFile(path);
    if (text === undefined)
      throw new PSError(`Cannot find path '${path}' because it does not exist.`, "ObjectNotFound");
    return param(c, "Raw") ? text : text.split(/\r?\n/);
  },
  "set-content": (c) => {
    const path = toStr(param(c, "Path", "LiteralPath") ?? c.positional[0] ?? null);
    c.ps.host.writeFile(
      path,
      enumerate(param(c, "Value") ?? c.positional[1] ?? null)
        .map(toStr)
        .join("\r\n"),
    );
    return [];
  },
  "add-content": (c) => {
    const path = toStr(param(c, "Path", "LiteralPath") ?? c.positional[0] ?? null);
    const add = enumerate(param(c, "Value") ?? c.positional[1] ?? null)
      .map(toStr)
      .join("\r\n");
    c.ps.host.writeFile(path, (c.ps.host.readFile(path) ?? "") + add + (param(c, "NoNewline") ? "" : "\r\n"));
    return [];
  },
};
