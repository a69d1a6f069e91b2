/**
 * Every file a comment or a README names must exist in the repository: a reader who follows a
 * citation must find it here (facts from outside are restated where they are used, not cited).
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { ROOT } from "./import-graph.ts";

const tracked = Bun.spawnSync(["git", "ls-files", "--cached", "--others", "--exclude-standard"], {
  cwd: ROOT,
})
  .stdout.toString()
  .split("\n")
  .filter(Boolean);
const trackedSet = new Set(tracked);
// Paths also count when named by their tail ("evidence/ingest.ts") or by a folder they sit in.
const folders = new Set(
  tracked.flatMap((f) =>
    f
      .split("/")
      .slice(0, -1)
      .map((_, i, a) => a.slice(0, i + 1).join("/")),
  ),
);

const EXT = "ts|tsx|js|md|toml|ps1|sh|nix|sql|json|jsonl|py|c|yml|yaml|pem";
const PATH = new RegExp(`(?<![\\w@/.-])((?:\\.{1,2}/)?[\\w.-]+(?:/[\\w.-]+)*\\.(?:${EXT}))(?![\\w/-])`, "g");

/** The commented parts of a file (a Markdown file's prose). */
function commentText(file: string, text: string): string {
  // A fenced block in a README is an example to copy, not a citation.
  if (file.endsWith(".md")) return text.replace(/^```[\s\S]*?^```/gm, "");
  const parts: string[] = [];
  if (/\.(tsx?|js|c)$/.test(file)) {
    for (const m of text.matchAll(/\/\*[\s\S]*?\*\/|(?<![:"'`\\])\/\/[^\n]*/g)) parts.push(m[0]);
  } else if (/\.(ps1|sh|nix|toml|py)$/.test(file) || file.endsWith(".ci/run")) {
    for (const m of text.matchAll(/(?:^|\s)#[^\n]*/g)) parts.push(m[0]);
  }
  return parts.join("\n");
}

function exists(file: string, cited: string): boolean {
  const here = normalize(join(dirname(file), cited));
  const clean = normalize(cited).replace(/^(\.\.\/)+/, "");
  if (trackedSet.has(here) || trackedSet.has(clean) || folders.has(clean)) return true;
  return tracked.some((t) => t.endsWith(`/${clean}`));
}

/**
 * A citation names a path inside the repository (from a top-level folder, or relative) or a
 * document by name; other file names in comments are run-time files (`config.toml` on a USB
 * stick, `documents.json` of an API) and patterns (`<id>.rules.toml`).
 */
const TOP = /^(\.{1,2}\/|(protocol|lib|agent|cloud|runbooks|test|bench|nix|docs|src|\.ci)\/)/;
const isCitation = (cited: string) => TOP.test(cited) || /^[\w-]+\.md$/.test(cited);

test("every file cited in a comment or README exists in the repository", () => {
  const missing: string[] = [];
  for (const file of tracked) {
    if (!/\.(tsx?|js|c|md|ps1|sh|nix|toml|py)$/.test(file) && file !== ".ci/run") continue;
    const text = commentText(file, readFileSync(join(ROOT, file), "utf8"));
    for (const m of text.matchAll(PATH)) {
      const cited = m[1]!;
      if (!isCitation(cited) || exists(file, cited)) continue;
      missing.push(`${file}: ${cited}`);
    }
  }
  expect(missing).toEqual([]);
});
