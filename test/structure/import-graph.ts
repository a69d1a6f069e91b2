/**
 * The repository's import graph, read with Bun's own transpiler (the parser the bundler uses), so
 * a dependency rule is checked against what really gets loaded, type-only imports included.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Repository root. */
export const ROOT = resolve(import.meta.dir, "..", "..");

const transpilers = {
  ts: new Bun.Transpiler({ loader: "ts" }),
  tsx: new Bun.Transpiler({ loader: "tsx" }),
};

/** Every TypeScript file git tracks (or would track), relative to the root. */
export function sourceFiles(): string[] {
  const r = Bun.spawnSync(["git", "ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT });
  return r.stdout
    .toString()
    .split("\n")
    .filter((f) => /\.(ts|tsx)$/.test(f) && !f.endsWith(".d.ts") && existsSync(join(ROOT, f)));
}

function resolveSpecifier(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null; // a package or a builtin
  const base = resolve(dirname(join(ROOT, from)), spec);
  for (const p of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")])
    if (existsSync(p) && statSync(p).isFile()) return relative(ROOT, p);
  return null;
}

/** file → the repository files it imports (static, dynamic and type-only). */
export function importGraph(files: readonly string[] = sourceFiles()): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(join(ROOT, f), "utf8");
    // scanImports drops type-only imports; they still tie modules together, so they are read too.
    const t = f.endsWith(".tsx") ? transpilers.tsx : transpilers.ts;
    const specs = new Set(t.scanImports(text).map((i) => i.path));
    for (const m of text.matchAll(/^\s*(?:import|export)\s+type\s[^;]*?from\s+["']([^"']+)["']/gm))
      specs.add(m[1]!);
    const deps: string[] = [];
    for (const s of specs) {
      const target = resolveSpecifier(f, s);
      if (target && /\.tsx?$/.test(target)) deps.push(target);
    }
    graph.set(f, deps);
  }
  return graph;
}

/** The strongly connected components with more than one module (or a self-import): the cycles. */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative so deep graphs cannot overflow the stack.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  for (const start of graph.keys()) {
    if (idx.has(start)) continue;
    const work: Array<{ v: string; i: number }> = [{ v: start, i: 0 }];
    idx.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const edges = graph.get(top.v) ?? [];
      if (top.i < edges.length) {
        const w = edges[top.i++]!;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, idx.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(top.v)!));
      if (low.get(top.v) === idx.get(top.v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== top.v);
        if (scc.length > 1 || (graph.get(top.v) ?? []).includes(top.v)) out.push(scc.sort());
      }
    }
  }
  return out;
}

/** Every module reachable from `entry` (the modules a bundle of it contains). */
export function reachable(graph: ReadonlyMap<string, readonly string[]>, entry: string): Set<string> {
  const seen = new Set<string>([entry]);
  const todo = [entry];
  while (todo.length > 0)
    for (const d of graph.get(todo.pop()!) ?? [])
      if (!seen.has(d)) {
        seen.add(d);
        todo.push(d);
      }
  return seen;
}
