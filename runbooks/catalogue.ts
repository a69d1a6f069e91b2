/**
 * Turns runbook and check folders into validated catalogue entries: runbook.toml must be a
 * RunbookSpec (protocol/runbook.ts) plus the local keys `roles` and `[[registry]]`, a monitor-only
 * check.toml a CheckFile; ids must equal their folder, citations must be in the HIPAA catalogue,
 * and the scripts the format requires must be there. Errors name the file and the key.
 */
import { parse as parseToml } from "smol-toml";
import * as v from "valibot";
import { Citation, compareSlugs, Severity, ShortText, Slug } from "../protocol/common.ts";
import { isKnownCitation } from "../protocol/hipaa.ts";
import { RunbookParam, RunbookSpec } from "../protocol/runbook.ts";
import { baselineDetect } from "./baseline.ts";
import type { RunbookFiles } from "./files.ts";
import { RegistrySetting, registryDetect, registryRemediate, registryRollback } from "./registry.ts";
import { ServiceSetting, serviceDetect, serviceRemediate, serviceRollback } from "./service.ts";

/** What a Windows target is, as detected over WinRM (product type and domain role). */
export const WindowsRole = v.picklist(["server", "domain-controller", "workstation"]);
export type WindowsRole = v.InferOutput<typeof WindowsRole>;
export const WINDOWS_ROLES: readonly WindowsRole[] = WindowsRole.options;

/** A runbook: its spec and script texts. `rollback` is present exactly when `spec.rollback`. */
export interface Runbook {
  spec: RunbookSpec;
  scripts: { detect: string; remediate: string; verify: string; rollback?: string };
  /** Windows roles whose hosts run its check (every role unless runbook.toml narrows it). */
  roles: readonly WindowsRole[];
}

/** A check as the scan runs it: one detect script, and either runbooks that fix it or a reason none may. */
export interface CheckSpec {
  id: string;
  title: string;
  platform: "windows" | "linux" | "macos";
  description: string;
  citations: readonly string[];
  severity: Severity;
  roles: readonly WindowsRole[];
  /** Detect parameters (defaults are what the scan uses). */
  params: readonly RunbookParam[];
  detect: string;
  /** Runbooks that fix this check (empty for a monitor-only check). */
  runbooks: readonly string[];
  /** Why no runbook fixes it automatically: the drift needs a person. */
  monitorOnly?: string;
  /** Detect lists `details.items`; the appliance compares them with the host's first-seen baseline. */
  baseline: boolean;
}

/** check.toml of a monitor-only check folder. */
const CheckFile = v.strictObject({
  id: Slug,
  title: ShortText,
  platform: v.picklist(["windows", "linux"]),
  description: ShortText,
  citations: v.pipe(v.array(Citation), v.minLength(1)),
  severity: Severity,
  roles: v.optional(v.pipe(v.array(WindowsRole), v.minLength(1))),
  params: v.optional(v.array(RunbookParam), []),
  /** Why no runbook may fix it: shown as "needs a person" on the status page and portal. */
  monitorOnly: v.pipe(ShortText, v.minLength(10, "must give the reason in a sentence")),
  baseline: v.optional(v.boolean(), false),
});

/** runbook.toml's keys beyond RunbookSpec. */
const RunbookExtras = v.object({
  roles: v.optional(v.pipe(v.array(WindowsRole), v.minLength(1))),
  registry: v.optional(v.pipe(v.array(RegistrySetting), v.minLength(1))),
  service: v.optional(v.pipe(v.array(ServiceSetting), v.minLength(1))),
});

/** A runbook folder that does not follow the format. */
export class RunbookFormatError extends Error {
  override name = "RunbookFormatError";
}

const EXT: Record<string, string> = { windows: ".ps1", linux: ".sh", macos: ".sh" };

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
  const { roles: rawRoles, registry, service, ...specFields } = (raw ?? {}) as Record<string, unknown>;
  const extras = checked(RunbookExtras, { roles: rawRoles, registry, service }, fail);
  const spec = checked(RunbookSpec, specFields, fail);
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
  const hosts = extras.roles ?? WINDOWS_ROLES;
  if (extras.roles && spec.platform !== "windows") fail("key roles: only Windows runbooks have roles");
  if (extras.registry && extras.service)
    fail("key service: a runbook sets registry values or services, not both");
  if (extras.registry) {
    for (const [i, s] of extras.registry.entries())
      if (s.compare !== "eq" && typeof s.value !== "number")
        fail(`key registry[${i}]: ${s.compare} needs a number`);
    const scripts = [
      registryDetect(extras.registry),
      registryRemediate(extras.registry),
      registryRollback(),
    ] as const;
    return { spec, scripts: generatedScripts(spec, "registry", scripts, files, fail), roles: hosts };
  }
  if (extras.service) {
    const scripts = [
      serviceDetect(extras.service),
      serviceRemediate(extras.service),
      serviceRollback(),
    ] as const;
    return { spec, scripts: generatedScripts(spec, "service", scripts, files, fail), roles: hosts };
  }
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
  return { spec, scripts, roles: hosts };
}

/** Validate against a schema, failing with the first issue's key. */
function checked<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  fail: (msg: string) => never,
): v.InferOutput<S> {
  const r = v.safeParse(schema, input);
  if (r.success) return r.output;
  const issue = r.issues[0] as v.BaseIssue<unknown>;
  const key = v.getDotPath(issue);
  return fail(`${key ? `key ${key}` : "spec"}: ${issue.message}`);
}

// Generated runbooks (registry.ts, service.ts) are Windows-only, always roll back and carry no scripts.
function generatedScripts(
  spec: RunbookSpec,
  key: string,
  [detect, remediate, rollback]: readonly [string, string, string],
  files: RunbookFiles,
  fail: (msg: string) => never,
): Runbook["scripts"] {
  if (spec.platform !== "windows") fail(`key ${key}: only Windows runbooks are generated`);
  if (!spec.rollback) fail(`key ${key}: generated runbooks roll back, so rollback must be true`);
  const present = Object.keys(files.scripts);
  if (present.length) fail(`key ${key}: the scripts are generated, so ${present.join(", ")} must go`);
  // Verifying a setting is detecting it again.
  return { detect, remediate, verify: detect, rollback };
}

/** Validate a monitor-only check folder (check.toml + detect script, no runbook). */
export function parseCheckFolder(files: RunbookFiles): CheckSpec {
  const file = `${files.path}/check.toml`;
  const fail = (msg: string): never => {
    throw new RunbookFormatError(`${file}: ${msg}`);
  };
  let raw: unknown;
  try {
    raw = parseToml(files.checkToml);
  } catch (e) {
    fail(`not valid TOML: ${(e as Error).message.split("\n")[0]}`);
  }
  const c = checked(CheckFile, raw, fail);
  const folder = files.path.split("/").pop();
  if (c.id !== folder) fail(`key id: "${c.id}" must equal its folder name "${folder}"`);
  if (c.platform !== files.platform)
    fail(`key platform: "${c.platform}" but the folder is under runbooks/${files.platform}`);
  c.citations.forEach((x, i) => {
    if (!isKnownCitation(x)) fail(`key citations[${i}]: ${x} is not in the HIPAA control catalogue`);
  });
  const ext = EXT[c.platform] as string;
  const detect = files.scripts[`detect${ext}`];
  if (detect === undefined) fail(`detect${ext} is missing beside it`);
  const extra = Object.keys(files.scripts).filter((n) => n !== `detect${ext}`);
  if (extra.length) fail(`a monitor-only check has only a detect script; ${extra.join(", ")} must go`);
  return {
    id: c.id,
    title: c.title,
    platform: c.platform,
    description: c.description,
    citations: c.citations,
    severity: c.severity,
    roles: c.roles ?? WINDOWS_ROLES,
    params: c.params,
    detect: c.baseline ? baselineDetect(detect as string) : (detect as string),
    runbooks: [],
    monitorOnly: c.monitorOnly,
    baseline: c.baseline,
  };
}

/**
 * Every check: monitor-only folders as they are, and one check per runbook whose id is its checkId
 * (that runbook's detect is the check's; the check lists every runbook fixing it).
 */
export function checksOf(runbooks: readonly Runbook[], monitorOnly: readonly CheckSpec[]): CheckSpec[] {
  const out: CheckSpec[] = [...monitorOnly];
  for (const r of runbooks) {
    if (r.spec.id !== r.spec.checkId) continue;
    out.push({
      id: r.spec.id,
      title: r.spec.title,
      platform: r.spec.platform,
      description: r.spec.description,
      citations: r.spec.citations,
      severity: r.spec.severity,
      roles: r.roles,
      params: r.spec.params,
      detect: r.scripts.detect,
      runbooks: runbooks.filter((x) => x.spec.checkId === r.spec.id).map((x) => x.spec.id),
      baseline: false,
    });
  }
  const ids = new Set<string>();
  for (const c of out) {
    if (ids.has(c.id)) throw new RunbookFormatError(`check id ${c.id} is defined twice`);
    ids.add(c.id);
  }
  for (const r of runbooks)
    if (!ids.has(r.spec.checkId))
      throw new RunbookFormatError(
        `runbook ${r.spec.id} fixes check ${r.spec.checkId}, which no folder defines`,
      );
  return out.sort((a, b) => compareSlugs(a.id, b.id));
}

/** Validate every runbook folder (check-only folders are skipped); ids must be unique. */
export function parseCatalogue(all: RunbookFiles[]): Runbook[] {
  const out = all.filter((f) => !isCheckFolder(f)).map(parseRunbook);
  const seen = new Set<string>();
  for (const r of out) {
    if (seen.has(r.spec.id)) throw new RunbookFormatError(`runbook id ${r.spec.id} is defined twice`);
    seen.add(r.spec.id);
  }
  return out;
}

/** A folder holding a monitor-only check rather than a runbook. */
export function isCheckFolder(f: RunbookFiles): boolean {
  return f.toml === "" && f.checkToml !== "";
}
