/**
 * Reads runbook folders from disk. index.ts calls `readRunbookFiles` as a Bun macro, so the
 * texts are inlined at bundle time: the compiled `malachor` carries them and never reads disk.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The raw files of one runbook folder. */
export interface RunbookFiles {
  /** Path relative to the repository root, for error messages. */
  path: string;
  platform: string;
  /** runbook.toml, or "" when the folder has none (a monitor-only check folder). */
  toml: string;
  /** check.toml of a monitor-only check folder, or "". */
  checkToml: string;
  scripts: Record<string, string>;
}

const SCRIPT_EXT: Record<string, string> = { windows: ".ps1", linux: ".sh", macos: ".sh" };

/** Every runbooks/<platform>/<id>/ folder (runbook or monitor-only check) under `root`, sorted. */
export function readRunbookFiles(root: string = import.meta.dir): RunbookFiles[] {
  const out: RunbookFiles[] = [];
  for (const platform of Object.keys(SCRIPT_EXT)) {
    const dir = join(root, platform);
    if (!existsSync(dir)) continue;
    for (const id of readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()) {
      const folder = join(dir, id);
      const scripts: Record<string, string> = {};
      for (const f of readdirSync(folder).sort()) {
        if (f.endsWith(SCRIPT_EXT[platform] as string)) scripts[f] = readFileSync(join(folder, f), "utf8");
      }
      const read = (name: string) => {
        const p = join(folder, name);
        return existsSync(p) ? readFileSync(p, "utf8") : "";
      };
      out.push({
        path: `runbooks/${platform}/${id}`,
        platform,
        toml: read("runbook.toml"),
        checkToml: read("check.toml"),
        scripts,
      });
    }
  }
  return out;
}
