import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import * as v from "valibot";
import { describeIssues } from "../../../protocol/common.ts";
import { RunbookSpec } from "../../../protocol/runbook.ts";
import { catalogueOf, type RunbookCatalogue } from "./catalogue.ts";
import { runbookDocumentation } from "./runbook-doc.ts";

/** Folder holding `<platform>/<id>/runbook.toml` plus scripts. */
export const RUNBOOKS_DIR = join(import.meta.dir, "..", "..", "..", "runbooks");

const SCRIPT_ORDER = ["detect", "remediate", "verify", "rollback"];

/**
 * Read every runbook under `dir` (the cloud runs from source, so it reads the same files the
 * agent embeds): spec validated against the protocol's RunbookSpec, documentation rendered from
 * the spec and its scripts. A bad runbook stops start-up naming its file and field.
 */
export function loadRunbookCatalogue(dir = RUNBOOKS_DIR): RunbookCatalogue {
  const entries: { spec: RunbookSpec; doc: string }[] = [];
  for (const platform of ["linux", "windows"]) {
    const base = join(dir, platform);
    if (!existsSync(base)) continue;
    for (const d of readdirSync(base, { withFileTypes: true })) {
      const file = join(base, d.name, "runbook.toml");
      if (!d.isDirectory() || !existsSync(file)) continue;
      const parsed = v.safeParse(RunbookSpec, parseToml(readFileSync(file, "utf8")));
      if (!parsed.success) throw new Error(`${file}: ${describeIssues(parsed.issues)}`);
      const spec = parsed.output;
      if (spec.id !== d.name || spec.platform !== platform) {
        throw new Error(`${file}: id ${spec.id} / platform ${spec.platform} must match its folder`);
      }
      const ext = platform === "windows" ? "ps1" : "sh";
      const scripts: Record<string, string> = {};
      for (const name of SCRIPT_ORDER) {
        const path = join(base, d.name, `${name}.${ext}`);
        if (existsSync(path)) scripts[`${name}.${ext}`] = readFileSync(path, "utf8");
      }
      entries.push({ spec, doc: runbookDocumentation(spec, scripts) });
    }
  }
  return catalogueOf(entries);
}

/** The catalogue the cloud serves (MCP tools and resources, and the L2 allow-list). */
export const RUNBOOK_CATALOGUE: RunbookCatalogue = loadRunbookCatalogue();
