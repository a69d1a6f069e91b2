/**
 * Turns runbook folders into validated catalogue entries: runbook.toml must be a RunbookSpec
 * (protocol/runbook.ts), the id must equal its folder, citations must be in the HIPAA catalogue,
 * and the scripts the format requires must be there. Errors name the file and the key.
 */
import { parse as parseToml } from "smol-toml";
import * as v from "valibot";
import { isKnownCitation } from "../protocol/hipaa.ts";
import { RunbookSpec } from "../protocol/runbook.ts";
import type { RunbookFiles } from "./files.ts";

/** A runbook: its spec and script texts. `rollback` is present exactly when `spec.rollback`. */
export interface Runbook {
  spec: RunbookSpec;
  scripts: { detect: string; remediate: string; verify: string; rollback?: string };
}

/** A runbook folder that does not follow the format. */
export class RunbookFormatError extends Error {
  override name = "RunbookFormatError";
}

const EXT: Record<string, string> = { windows: ".ps1", linux: ".sh" };

/** Validate one folder's files. */
export function parseRunbook(files: RunbookFiles): Runbook {
  const file = `${files.path}/runbook.toml`;
  const fail = (msg: string): never => {
    throw new RunbookFormatError(`${file}: ${msg}`);
  };
  if (!files.toml) fail("missing");
  let raw: unknown;
  try {
    raw = parseToml(files.toml);
  } catch (e) {
    fail(`not valid TOML: ${(e as Error).message.split("\n")[0]}`);
  }
  const r = v.safeParse(RunbookSpec, raw);
  if (!r.success) {
    const issue = r.issues[0] as v.BaseIssue<unknown>;
    const key = v.getDotPath(issue);
    fail(`${key ? `key ${key}` : "spec"}: ${issue.message}`);
  }
  const spec = (r as { output: RunbookSpec }).output;
  const folder = files.path.split("/").pop();
  if (spec.id !== folder) fail(`key id: "${spec.id}" must equal its folder name "${folder}"`);
  if (spec.platform !== files.platform)
    fail(`key platform: "${spec.platform}" but the folder is under runbooks/${files.platform}`);
  if (!spec.checkId.startsWith(`${spec.platform}.`))
    fail(`key checkId: "${spec.checkId}" must start with "${spec.platform}."`);
  if (spec.id !== spec.checkId && !spec.id.startsWith(`${spec.checkId}.`)) {
    fail(`key id: "${spec.id}" must equal checkId or be "${spec.checkId}.<variant>"`);
  }
  spec.citations.forEach((c, i) => {
    if (!isKnownCitation(c)) fail(`key citations[${i}]: ${c} is not in the HIPAA control catalogue`);
  });
  const names = new Set(spec.params.map((p) => p.name));
  if (names.size !== spec.params.length) fail("key params: duplicate parameter names");
  const ext = EXT[spec.platform] as string;
  const script = (name: string): string => {
    const text = files.scripts[`${name}${ext}`];
    if (text === undefined) fail(`${name}${ext} is missing beside it`);
    return text as string;
  };
  const detect = script("detect");
  const scripts: Runbook["scripts"] = {
    detect,
    remediate: script("remediate"),
    // Verifying usually means detecting again; a separate verify script is only for when it differs.
    verify: files.scripts[`verify${ext}`] ?? detect,
  };
  if (spec.rollback) scripts.rollback = script("rollback");
  else if (files.scripts[`rollback${ext}`] !== undefined)
    fail(`key rollback: false but rollback${ext} exists`);
  return { spec, scripts };
}

/** Validate every folder; ids must be unique. */
export function parseCatalogue(all: RunbookFiles[]): Runbook[] {
  const out = all.map(parseRunbook);
  const seen = new Set<string>();
  for (const r of out) {
    if (seen.has(r.spec.id)) throw new RunbookFormatError(`runbook id ${r.spec.id} is defined twice`);
    seen.add(r.spec.id);
  }
  return out;
}
