/**
 * What `malachor run` and `malachor status` evaluate at start-up, from the static imports only (what
 * a dynamic import() names loads when first used): packages only some sites need stay out of the
 * daemon, so one without SSH hosts or cloud-entered credentials never holds them (bench/rss.bench.ts
 * measures the memory), and `status` loads only what its answer needs (target ≤ 50 ms).
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "./import-graph.ts";

const transpiler = new Bun.Transpiler({ loader: "ts" });

/**
 * Every repository module and package `entry` evaluates before it runs (static imports, transitively;
 * with `entryImportsAtStart`, also what the entry itself imports dynamically as it starts, as
 * `malachor run` loads the daemon once it has set its JIT policy).
 */
function startup(
  entry: string,
  entryImportsAtStart = false,
): { modules: Set<string>; packages: Set<string> } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const start = join(ROOT, entry);
  const todo = [start];
  while (todo.length) {
    const file = todo.pop()!;
    const rel = relative(ROOT, file);
    if (modules.has(rel)) continue;
    modules.add(rel);
    for (const i of transpiler.scanImports(readFileSync(file, "utf8"))) {
      if (i.kind === "dynamic-import" && !(entryImportsAtStart && file === start)) continue;
      if (!i.path.startsWith(".")) {
        packages.add(i.path);
        continue;
      }
      const target = Bun.resolveSync(i.path, join(file, ".."));
      if (/\.tsx?$/.test(target) && !target.includes("/node_modules/")) todo.push(target);
    }
  }
  return { modules, packages };
}

test("the daemon's start-up loads neither ssh2 nor @hpke/core nor noble's curves (they load at first use)", () => {
  const { modules, packages } = startup("agent/src/cli/run.ts", true);
  expect(modules.has("agent/src/daemon/start.ts")).toBe(true); // sanity: the walk reached the wiring
  expect(modules.has("agent/src/ssh/connection.ts")).toBe(true);
  const eager = [...packages].filter((p) => /^(ssh2|@hpke\/|@noble\/curves)/.test(p));
  expect(eager).toEqual([]);
});

test("`malachor status` loads its view of the config, not the whole schema, the daemon or the runbook catalogue", () => {
  const { modules, packages } = startup("agent/src/cli/status.ts");
  expect(modules.has("agent/src/config/status-view.ts")).toBe(true);
  // The whole schema (and what only it needs) loads with `run` and the other commands, never here.
  expect(
    [...modules].filter((m) => /^agent\/src\/(config\/(schema|load)\.ts|cloud-client\/)/.test(m)),
  ).toEqual([]);
  const daemonSide = [...modules].filter((m) =>
    /^(runbooks\/|agent\/src\/(daemon|queue|heal|evidence)\/)/.test(m),
  );
  expect(daemonSide).toEqual([]);
  expect([...packages].filter((p) => p === "bun:sqlite")).toEqual([]);
});
