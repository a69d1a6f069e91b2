/**
 * Find the line of a key in TOML source, so config errors can say "config.toml:12". A light
 * scanner over table headers and `key =` lines is enough: the text already parsed as TOML.
 */

const HEADER = /^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;
const KEY = /^\s*([A-Za-z0-9_."' -]+?)\s*=/;

function splitKey(raw: string): string[] {
  return raw.split(".").map((p) => p.trim().replace(/^["']|["']$/g, ""));
}

/** Map from dotted path (array indices as numbers: `windows.hosts.1.port`) to its 1-based line. */
export function keyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const counters = new Map<string, number>();
  let table: string[] = [];
  let inMultiline = false;
  text.split(/\r?\n/).forEach((line, i) => {
    // Skip the inside of multi-line strings; a `key = """` opener toggles the state.
    const quotes = (line.match(/"""|'''/g) ?? []).length;
    if (inMultiline) {
      if (quotes % 2 === 1) inMultiline = false;
      return;
    }
    const h = HEADER.exec(line);
    if (h) {
      const parts = splitKey(h[2]!);
      if (h[1] === "[[") {
        const base = parts.join(".");
        const n = counters.get(base) ?? 0;
        counters.set(base, n + 1);
        table = [...parts, String(n)];
      } else {
        table = parts;
      }
      const key = table.join(".");
      if (!lines.has(key)) lines.set(key, i + 1);
      // An array-of-tables header also locates the array itself.
      if (h[1] === "[[" && !lines.has(parts.join("."))) lines.set(parts.join("."), i + 1);
      return;
    }
    const k = KEY.exec(line);
    if (k) {
      const key = [...table, ...splitKey(k[1]!)].join(".");
      if (!lines.has(key)) lines.set(key, i + 1);
      if (quotes % 2 === 1) inMultiline = true;
    }
  });
  return lines;
}

/** Line of `path` or of its nearest enclosing key/table that appears in the text. */
export function lineOf(lines: Map<string, number>, path: readonly (string | number)[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const line = lines.get(path.slice(0, n).join("."));
    if (line !== undefined) return line;
  }
  return undefined;
}
