/**
 * Runs every bench/*.bench.ts in its own process, one after another, and prints their figures.
 * `bun run bench [name-filter] [args…]` (args go to each benchmark, e.g. `bun bench/run.ts fleet
 * --quick`). Each benchmark prints its figure beside the ceiling it measured.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";

const filter = process.argv[2] ?? "";
const args = process.argv.slice(3);
const files = readdirSync(import.meta.dir)
  .filter((f) => f.endsWith(".bench.ts") && f.includes(filter))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = Bun.spawnSync([process.execPath, join(import.meta.dir, f), ...args], {
    stdout: "inherit",
    stderr: "inherit",
  });
  if (r.exitCode !== 0) {
    failed++;
    console.log(`!!! ${f} exited ${r.exitCode}`);
  }
}
console.log(`\n${files.length - failed} benchmarks ran, ${failed} failed`);
process.exit(failed ? 1 : 0);
