import { isAbsolute, join } from "node:path";
import { parse as parseToml } from "smol-toml";
import * as v from "valibot";
import { EnrollCode } from "../../../protocol/provision.ts";
import { parseConfig } from "../config/load.ts";
import { keyLines, lineOf } from "../config/locate.ts";
import { ConfigError } from "../config/read.ts";

/** A plain TOML table. */
export type Table = Record<string, unknown>;

/**
 * Keys a provisioning config may leave out: enrollment supplies the appliance ids, and the cloud
 * URL may come from the base config, `--cloud` or the cloud's provisioning record.
 */
const MAY_BE_MISSING = new Set([
  "cloud",
  "cloud.url",
  "appliance",
  "appliance.site_id",
  "appliance.appliance_id",
]);

const EnrollTable = v.strictObject({ code: EnrollCode });

/** A validated provisioning config: agent config keys (raw, no defaults filled) plus an enroll code. */
export interface ProvisionInput {
  source: string;
  config: Table;
  enrollCode?: string;
}

/**
 * Parse a provisioning config (from a stick, or the NixOS module's base file). It is the agent's
 * config format, checked by the agent's own loader so errors read the same (`file:line: key:
 * problem`), except that the keys enrollment fills in may be absent and an `[enroll]` table
 * (`code = "ABCD-EFGH-JKLM-NPQR"`) may be present. Throws ConfigError.
 */
export function parseProvisionInput(text: string, source: string): ProvisionInput {
  const problems = [];
  try {
    parseConfig(text, source);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(
      ...e.problems.filter(
        (p) =>
          !(p.message === "is required" && MAY_BE_MISSING.has(p.key)) &&
          !(p.key === "enroll" && p.message.startsWith("unknown key")),
      ),
    );
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  const raw = parseToml(text) as Table;
  const { enroll, ...config } = raw;
  if (enroll === undefined) return { source, config };
  const r = v.safeParse(EnrollTable, enroll);
  if (!r.success) {
    const lines = keyLines(text);
    throw new ConfigError(
      source,
      r.issues.map((i) => {
        const path = ["enroll", ...(i.path ?? []).map((p) => String(p.key))];
        const message = i.type === "strict_object" ? "unknown key" : i.message;
        return { key: path.join("."), line: lineOf(lines, path), message };
      }),
    );
  }
  return { source, config, enrollCode: r.output.code };
}

function isTable(x: unknown): x is Table {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Tables merged key by key, later layers winning; arrays and scalars are replaced whole. */
export function mergeTables(...layers: Table[]): Table {
  const out: Table = {};
  for (const layer of layers) {
    for (const [k, val] of Object.entries(layer)) {
      out[k] = isTable(val) && isTable(out[k]) ? mergeTables(out[k] as Table, val) : val;
    }
  }
  return out;
}

/** A table inside a table (empty when absent). */
export function section(t: Table, name: string): Table {
  const s = t[name];
  return isTable(s) ? s : {};
}

/** Where provisioning writes its files, resolved as the agent will resolve them. */
export interface StatePaths {
  stateDir: string;
  identityKeyFile: string;
  apiKeyFile: string;
}

/** The state paths a (merged) config implies; relative paths are against the config's directory. */
export function statePaths(config: Table, configDir: string): StatePaths {
  const abs = (p: string) => (isAbsolute(p) ? p : join(configDir, p));
  const appliance = section(config, "appliance");
  const cloud = section(config, "cloud");
  const stateDir = abs(typeof appliance.state_dir === "string" ? appliance.state_dir : "/var/lib/malachor");
  return {
    stateDir,
    identityKeyFile:
      typeof appliance.identity_key_file === "string"
        ? abs(appliance.identity_key_file)
        : join(stateDir, "identity.key"),
    // Next to the state, not the agent's fixed default, so a custom state_dir holds everything.
    apiKeyFile: typeof cloud.api_key_file === "string" ? abs(cloud.api_key_file) : join(stateDir, "api-key"),
  };
}
