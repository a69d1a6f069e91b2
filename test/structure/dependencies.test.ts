/**
 * Dependency direction and cycles, from the import graph: protocol/ ← lib/ ← agent/ and cloud/
 * (runbooks/ is data both sides embed); agent/ and cloud/ never import each other; no module
 * imports itself back through others. Cross-component tests live in test/.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { cycles, importGraph, ROOT, reachable } from "./import-graph.ts";

type Layer = "protocol" | "lib" | "runbooks" | "agent" | "cloud" | "other";

const layerOf = (f: string): Layer => {
  const top = f.split("/")[0]!;
  return (["protocol", "lib", "runbooks", "agent", "cloud"] as const).find((l) => l === top) ?? "other";
};

/** Files that only tests load: they may also use the shared test servers in test/. */
const isTestSupport = (f: string) =>
  /\.(test|fixture)\.tsx?$/.test(f) || f.includes("/testing/") || f === "protocol/testkit.ts";

/** What each layer's modules may import (besides packages). */
const ALLOWED: Record<Exclude<Layer, "other">, readonly string[]> = {
  protocol: ["protocol"],
  lib: ["protocol", "lib"],
  runbooks: ["protocol", "lib", "runbooks"],
  agent: ["protocol", "lib", "runbooks", "agent"],
  cloud: ["protocol", "lib", "runbooks", "cloud"],
};

const graph = importGraph();

/** Imports that break the layering, as "from → to" lines. */
function violations(): string[] {
  const out: string[] = [];
  for (const [from, deps] of graph) {
    const layer = layerOf(from);
    if (layer === "other") continue; // test/, bench/, nix/ may use anything
    const allowed = new Set<string>(ALLOWED[layer]);
    if (isTestSupport(from) && layer !== "protocol") {
      allowed.add("other");
      // The runbooks' own tests run them with the agent's runner and checks.
      if (layer === "runbooks") allowed.add("agent");
    }
    for (const to of deps) {
      const target = layerOf(to);
      if (!allowed.has(target) || (target === "other" && !to.startsWith("test/")))
        out.push(`${from} → ${to}`);
    }
  }
  return out.sort();
}

describe("dependency direction", () => {
  test("the graph was read (sanity: the daemon imports the queue)", () => {
    expect(graph.get("agent/src/daemon/daemon.ts")).toContain("agent/src/queue/queue.ts");
    expect(graph.size).toBeGreaterThan(300);
  });

  test("protocol/ ← lib/ ← agent/, cloud/; agent and cloud never import each other", () => {
    expect(violations()).toEqual([]);
  });

  test("no import cycles", () => {
    expect(cycles(graph).map((c) => c.join(" ↔ "))).toEqual([]);
  });

  test("the daemon's entry point reaches no cloud/ or test/ module", () => {
    const bad = [...reachable(graph, "agent/src/main.ts")].filter(
      (f) => !/^(protocol|lib|runbooks|agent)\//.test(f),
    );
    expect(bad).toEqual([]);
  });

  test("the compiled agent's bundle holds no cloud/ module (the bundler's own list of inputs)", async () => {
    // The same entry point and bundler as `npm run build`; the metafile lists every module it packed.
    const r = await Bun.build({
      entrypoints: [join(ROOT, "agent/src/main.ts")],
      target: "bun",
      metafile: true,
    });
    expect(r.success).toBe(true);
    const inputs = Object.keys(r.metafile!.inputs);
    expect(inputs.some((f) => f.startsWith("agent/src/"))).toBe(true);
    expect(inputs.filter((f) => /^(cloud|test|bench)\//.test(f))).toEqual([]);
  });
});

describe("the graph tools find what they must", () => {
  test("a cycle through three modules is found, a diamond is not a cycle", () => {
    const g = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", []],
      ["e", ["f", "g"]],
      ["f", ["h"]],
      ["g", ["h"]],
      ["h", []],
    ]);
    expect(cycles(g)).toEqual([["a", "b", "c"]]);
    expect([...reachable(g, "e")].sort()).toEqual(["e", "f", "g", "h"]);
  });
});
