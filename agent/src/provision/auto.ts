import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { parse as parseToml, stringify } from "smol-toml";
import { ConfigError, loadConfig, parseConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { readSecretFile, SecretFileError, writeSecretFile } from "../config/secret.ts";
import { IdentityError, loadIdentity } from "../evidence/identity.ts";
import { AGENT_VERSION } from "../version.ts";
import { enroll, type HttpOptions, lookupByMac } from "./cloud.ts";
import { ProvisionError } from "./errors.ts";
import { mergeTables, parseProvisionInput, section, statePaths, type Table } from "./input.ts";
import { listInterfaces } from "./interfaces.ts";
import { findMediaConfig } from "./media.ts";

/** Everything provisioning reads from the machine, injectable so tests use temp dirs. */
export interface ProvisionEnv extends HttpOptions {
  /** Where the final agent config is written. */
  configPath: string;
  /** A base config (the NixOS module's settings) that media and enrollment complete. */
  basePath?: string;
  mediaRoots: readonly string[];
  sysfsRoot: string;
  /** Cloud to ask by MAC when the base config names none. */
  cloudUrl?: string;
  hostname: string;
  log?: (line: string) => void;
}

/** What a provisioning run did. */
export type ProvisionResult =
  | { status: "already-provisioned"; config: Config }
  /** Already provisioned; the base config changed (a NixOS rebuild) and was merged in. */
  | { status: "updated"; config: Config }
  | { status: "provisioned"; source: string; config: Config; keyId: string };

const HEADER = "# Written by `malachor provision`; edit with care, the agent validates it at start.\n";

function render(config: Table): string {
  return HEADER + stringify(config);
}

function readInput(path: string) {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ProvisionError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  return parseProvisionInput(text, path);
}

/** The config already at configPath, if it is complete: config, identity key and API key. */
function existing(configPath: string): Config | undefined {
  if (!existsSync(configPath)) return undefined;
  try {
    const config = loadConfig(configPath);
    loadIdentity(config.appliance.identity_key_file);
    readSecretFile(config.cloud.api_key_file, "API key");
    return config;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof SecretFileError || e instanceof IdentityError) {
      throw new ProvisionError(
        `${configPath} exists but is not usable (${e.message}); fix it, or remove it to provision again`,
      );
    }
    throw e;
  }
}

/** Keys that enrollment decided; a later base config never overrides them. */
function pinned(config: Table): Table {
  const cloud = section(config, "cloud");
  const appliance = section(config, "appliance");
  const pick = (t: Table, keys: string[]) =>
    Object.fromEntries(keys.filter((k) => k in t).map((k) => [k, t[k]]));
  return {
    cloud: pick(cloud, ["url", "api_key_file", "public_key"]),
    appliance: pick(appliance, ["site_id", "appliance_id", "state_dir", "identity_key_file"]),
  };
}

/**
 * On a provisioned appliance, merge the base config in again so settings changed in the NixOS
 * module (rendered to the base file) take effect, while the enrolled identity stays as it is.
 * Rewrites the file only when the result differs.
 */
function refreshFromBase(env: ProvisionEnv, basePath: string, current: Config): ProvisionResult {
  const text = readFileSync(env.configPath, "utf8");
  const raw = parseToml(text) as Table;
  const next = render(mergeTables(raw, readInput(basePath).config, pinned(raw)));
  if (next === text) return { status: "already-provisioned", config: current };
  const config = parseConfig(next, env.configPath);
  writeSecretFile(env.configPath, next);
  return { status: "updated", config };
}

interface Enrollment {
  merged: Table;
  code: string;
  cloudUrl: string;
  /** Sent only for a code found by MAC: the cloud binds such a code to that MAC. A code from a
   * stick or typed by a tech may have been issued for another of the box's interfaces. */
  mac?: string;
  source: string;
}

/**
 * Identity key, enrollment, API key, config — in that order, so that each failure leaves a state
 * a re-run completes: the key is reused, the config (the "provisioned" marker) is written last
 * and atomically. The config is checked with placeholder ids before the one-time code is spent.
 */
async function completeEnrollment(env: ProvisionEnv, e: Enrollment): Promise<ProvisionResult> {
  const paths = statePaths(e.merged, dirname(env.configPath));
  const final = (siteId: string, applianceId: string, publicKey?: string) =>
    mergeTables(e.merged, {
      cloud: {
        url: e.cloudUrl,
        api_key_file: paths.apiKeyFile,
        ...(publicKey ? { public_key: publicKey } : {}),
      },
      appliance: {
        site_id: siteId,
        appliance_id: applianceId,
        state_dir: paths.stateDir,
        identity_key_file: paths.identityKeyFile,
      },
    });
  parseConfig(render(final("pending", "pending")), env.configPath);

  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  mkdirSync(dirname(env.configPath), { recursive: true, mode: 0o700 });
  // Re-running after a failed enrollment reuses this key: it was never registered.
  const identity = loadIdentity(paths.identityKeyFile, { create: true });
  env.log?.(`enrolling with ${e.cloudUrl} (code from ${e.source}, key ${identity.keyId})`);
  const enrolled = await enroll(
    e.cloudUrl,
    {
      enrollCode: e.code,
      publicKey: identity.publicKey,
      hostname: env.hostname.slice(0, 500),
      ...(e.mac ? { mac: e.mac } : {}),
      agentVersion: AGENT_VERSION,
    },
    env,
  );
  writeSecretFile(paths.apiKeyFile, `${enrolled.apiKey}\n`);
  const text = render(final(enrolled.siteId, enrolled.applianceId, enrolled.cloudPublicKey));
  const config = parseConfig(text, env.configPath);
  writeSecretFile(env.configPath, text);
  return { status: "provisioned", source: e.source, config, keyId: identity.keyId };
}

/**
 * First-boot provisioning, safe to re-run: a complete config means there is nothing to do.
 * Otherwise: a config on removable media (with `[enroll] code`), else the cloud's record for one
 * of this box's MACs (wired first); then identity key, enrollment and the final config.
 */
export async function provisionAuto(env: ProvisionEnv): Promise<ProvisionResult> {
  const done = existing(env.configPath);
  if (done)
    return env.basePath
      ? refreshFromBase(env, env.basePath, done)
      : { status: "already-provisioned", config: done };

  const base = env.basePath ? readInput(env.basePath).config : {};
  const found = findMediaConfig(env.mediaRoots);
  const media = found ? parseProvisionInput(found.text, found.path) : undefined;
  const merged = mergeTables(base, media?.config ?? {});
  const named = section(merged, "cloud").url;
  const cloudUrl = env.cloudUrl ?? (typeof named === "string" ? named : undefined);
  const ifaces = listInterfaces(env.sysfsRoot);

  if (media?.enrollCode) {
    if (!cloudUrl)
      throw new ProvisionError(`${media.source}: [enroll] code needs [cloud] url to enroll with`);
    return completeEnrollment(env, {
      merged,
      code: media.enrollCode,
      cloudUrl,
      source: media.source,
    });
  }
  const looked = found
    ? `found ${found.path} without [enroll] code`
    : `none under ${env.mediaRoots.join(", ")}`;
  if (!cloudUrl) {
    throw new ProvisionError(
      `nothing to provision from: malachor/config.toml on removable media: ${looked}; and no cloud URL to ask by MAC address (set [cloud] url or pass --cloud)`,
      true,
    );
  }
  if (ifaces.length === 0) {
    throw new ProvisionError(
      `no wired or wireless network interface found under ${env.sysfsRoot}/class/net`,
      true,
    );
  }
  for (const iface of ifaces) {
    const record = await lookupByMac(cloudUrl, iface.mac, env);
    if (!record) continue;
    env.log?.(`cloud has a provisioning record for ${iface.mac} (${iface.name}): site ${record.siteId}`);
    return completeEnrollment(env, {
      merged: mergeTables(merged, { cloud: { url: record.cloudUrl } }),
      code: record.enrollCode,
      cloudUrl: record.cloudUrl,
      mac: iface.mac,
      source: `${cloudUrl} record for ${iface.mac}`,
    });
  }
  throw new ProvisionError(
    `${cloudUrl} has no provisioning record for ${ifaces.map((i) => `${i.mac} (${i.name})`).join(", ")}; removable media: ${looked}. An MSP admin registers the MAC with POST /api/provision/<mac>`,
    true,
  );
}

/**
 * Enroll with a one-time code a field tech types (`malachor provision enroll`). An existing
 * config at configPath is kept as the base (its ids and API key are replaced), so re-enrolling a
 * box keeps its local settings; the identity key is kept too.
 */
export async function provisionWithCode(
  env: ProvisionEnv,
  code: string,
  cloudUrl: string,
): Promise<ProvisionResult> {
  const base = env.basePath ? readInput(env.basePath).config : {};
  const current = existsSync(env.configPath) ? readInput(env.configPath).config : {};
  return completeEnrollment(env, {
    merged: mergeTables(base, current),
    code,
    cloudUrl,
    source: "the command line",
  });
}

/**
 * Run `attempt` until it succeeds or fails for good, waiting `retrySec` after each retryable
 * failure (cloud unreachable, no record yet). Used by the appliance's boot-time service.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  retrySec: number,
  log: (line: string) => void,
  sleep: (ms: number) => Promise<void> = (ms) => Bun.sleep(ms),
): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof ProvisionError) || !e.retryable) throw e;
      log(`provision: ${e.message}; retrying in ${retrySec} s`);
      await sleep(retrySec * 1000);
    }
  }
}
