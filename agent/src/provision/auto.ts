import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { parse as parseToml, stringify } from "smol-toml";
import type { Predecessor } from "../../../protocol/handover.ts";
import { type EnrollResponse, keyFingerprint, signClaim, signEnroll } from "../../../protocol/provision.ts";
import { loadConfig, parseConfig } from "../config/load.ts";
import { ConfigError } from "../config/read.ts";
import type { Config } from "../config/schema.ts";
import { readSecretFile, renameDurably, SecretFileError, writeSecretFile } from "../config/secret.ts";
import { type Identity, IdentityError, loadIdentity } from "../evidence/identity.ts";
import { loadSealKey } from "../targets/seal-key.ts";
import { AGENT_VERSION } from "../version.ts";
import { claim, enroll, type HttpOptions } from "./cloud.ts";
import { ProvisionError } from "./errors.ts";
import { carriedChain, declare, handOverChain } from "./handover.ts";
import { mergeTables, parseProvisionInput, section, statePaths, type Table } from "./input.ts";
import { listInterfaces, type NetInterface } from "./interfaces.ts";
import { findMediaConfig } from "./media.ts";
import { clearGranted, readGranted, recordPendingClaim, writeGranted } from "./pending.ts";

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
  /** The clock requests are signed with (tests). */
  now?: () => Date;
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

/** How this appliance proves it may enrol. */
type Proof =
  /** A one-time code delivered out of band. `mac` binds it when the code came with a MAC. */
  | { code: string; mac?: string }
  /** Claims by MAC, wired interfaces first, approved by a technician in the dashboard. */
  | { claim: NetInterface[] };

interface Enrollment {
  merged: Table;
  cloudUrl: string;
  proof: Proof;
  source: string;
}

const fresh = (e: Enrollment) =>
  "code" in e.proof ? `code from ${e.source}` : `claim by MAC ${e.proof.claim.map((i) => i.mac).join(", ")}`;

/**
 * Ask the cloud for an enrolment: with the code, or by claiming each MAC in turn until one is
 * registered. A claim still waiting for a technician is a retryable ProvisionError naming the
 * key's fingerprint, the one the dashboard shows beside the claim.
 */
async function ask(
  env: ProvisionEnv,
  e: Enrollment,
  draft: Config,
  next: Identity,
  predecessor: Predecessor | undefined,
): Promise<EnrollResponse> {
  const signed = {
    publicKey: next.publicKey,
    hostname: env.hostname.slice(0, 500),
    agentVersion: AGENT_VERSION,
    at: (env.now?.() ?? new Date()).toISOString(),
    ...(predecessor ? { predecessor } : {}),
  };
  const fingerprint = keyFingerprint(next.publicKey);
  if ("code" in e.proof) {
    env.log?.(`enrolling with ${e.cloudUrl} (${fresh(e)}, key ${next.keyId})`);
    const body = { enrollCode: e.proof.code, ...(e.proof.mac ? { mac: e.proof.mac } : {}), ...signed };
    return enroll(e.cloudUrl, signEnroll(body, next.secretKey), env);
  }
  for (const iface of e.proof.claim) {
    const answer = await claim(e.cloudUrl, iface.mac, signClaim(iface.mac, signed, next.secretKey), env);
    if (answer.kind === "unregistered") continue;
    if (answer.kind === "enrolled") return answer.response;
    const p = answer.pending;
    recordPendingClaim(draft, {
      mac: iface.mac,
      claimId: p.claimId,
      fingerprint,
      cloudUrl: e.cloudUrl,
      since: signed.at,
    });
    throw new ProvisionError(
      `claim ${p.claimId} for ${iface.mac} (${iface.name}) waits for a technician's approval in the dashboard (${e.cloudUrl}/dashboard/provisioning); ` +
        `key fingerprint ${fingerprint}: approve only the claim showing exactly this fingerprint`,
      true,
    );
  }
  throw new ProvisionError(
    `${e.cloudUrl} has no registration for ${e.proof.claim.map((i) => `${i.mac} (${i.name})`).join(", ")}; an MSP technician registers the MAC (dashboard: Provisioning) or gives you a one-time code`,
    true,
  );
}

/**
 * Fresh identity key, enrolment, hand-over of the evidence chain this appliance already holds,
 * key swap, config — in that order, so each failure leaves a state a re-run completes: the
 * pending key (`<identity key>.enrol`) is reused until the cloud granted the enrolment; a grant
 * is remembered with the API key, so an interrupted run resumes without asking again; the
 * hand-over is one SQLite transaction and does nothing once done; the config (the "provisioned"
 * marker) is written last and atomically. The config is checked with placeholder ids before the
 * cloud is asked.
 */
async function completeEnrollment(env: ProvisionEnv, e: Enrollment): Promise<ProvisionResult> {
  const paths = statePaths(e.merged, dirname(env.configPath));
  const final = (siteId: string, applianceId: string, publicKey?: string, cloudUrl = e.cloudUrl) =>
    mergeTables(e.merged, {
      cloud: {
        url: cloudUrl,
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
  const draft = parseConfig(render(final("pending", "pending")), env.configPath);

  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  mkdirSync(dirname(env.configPath), { recursive: true, mode: 0o700 });
  // Never registered until the cloud grants the enrolment, so a re-run after a failure reuses it.
  const pendingKeyFile = `${paths.identityKeyFile}.enrol`;
  let granted = readGranted(paths.stateDir);
  if (granted) {
    env.log?.(`resuming the enrolment as ${granted.applianceId} granted at ${granted.at}`);
  } else {
    const next = loadIdentity(pendingKeyFile, { create: true });
    const carried = carriedChain(draft);
    if (carried) {
      env.log?.(
        `handing over the evidence chain of ${carried.owner.applianceId} (#${carried.head.seq}) to the new identity`,
      );
    }
    env.log?.(`enrolling with ${e.cloudUrl}: ${fresh(e)}, key fingerprint ${keyFingerprint(next.publicKey)}`);
    const answer = await ask(env, e, draft, next, carried && declare(carried, next.publicKey));
    writeSecretFile(paths.apiKeyFile, `${answer.apiKey}\n`);
    granted = {
      siteId: answer.siteId,
      applianceId: answer.applianceId,
      cloudUrl: e.cloudUrl,
      cloudPublicKey: answer.cloudPublicKey,
      keyId: next.keyId,
      at: (env.now?.() ?? new Date()).toISOString(),
    };
    writeGranted(paths.stateDir, granted);
  }
  if (existsSync(pendingKeyFile)) {
    const next = loadIdentity(pendingKeyFile);
    const closed = handOverChain(
      draft,
      { siteId: granted.siteId, applianceId: granted.applianceId, identity: next },
      env.now?.() ?? new Date(),
    );
    if (closed) env.log?.(`evidence chain closed at #${closed} and handed over to ${granted.applianceId}`);
    renameDurably(pendingKeyFile, paths.identityKeyFile);
  }
  const identity = loadIdentity(paths.identityKeyFile);
  // The key credentials entered in the cloud are sealed to; announced at the first checkin.
  loadSealKey(paths.stateDir, { create: true });
  const text = render(final(granted.siteId, granted.applianceId, granted.cloudPublicKey, granted.cloudUrl));
  const config = parseConfig(text, env.configPath);
  writeSecretFile(env.configPath, text);
  recordPendingClaim(config, undefined);
  clearGranted(paths.stateDir);
  return { status: "provisioned", source: e.source, config, keyId: identity.keyId };
}

/**
 * First-boot provisioning, safe to re-run: a complete config means there is nothing to do.
 * Otherwise: a config on removable media with a one-time code (`[enroll] code`), else a claim by
 * MAC (wired first) that a technician approves in the dashboard; then identity key, enrolment and
 * the final config.
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

  if (media?.enrollCode) {
    if (!cloudUrl)
      throw new ProvisionError(`${media.source}: [enroll] code needs [cloud] url to enroll with`);
    return completeEnrollment(env, {
      merged,
      cloudUrl,
      proof: { code: media.enrollCode },
      source: media.source,
    });
  }
  const looked = found
    ? `found ${found.path} without [enroll] code`
    : `none under ${env.mediaRoots.join(", ")}`;
  if (!cloudUrl) {
    throw new ProvisionError(
      `nothing to provision from: malachor/config.toml on removable media: ${looked}; and no cloud URL to claim this appliance's MAC address with (set [cloud] url or pass --cloud)`,
      true,
    );
  }
  return completeEnrollment(env, {
    merged: mergeTables(merged, { cloud: { url: cloudUrl } }),
    cloudUrl,
    proof: { claim: interfacesOf(env) },
    source: `a claim approved at ${cloudUrl}`,
  });
}

function interfacesOf(env: ProvisionEnv): NetInterface[] {
  const ifaces = listInterfaces(env.sysfsRoot);
  if (ifaces.length === 0) {
    throw new ProvisionError(
      `no wired or wireless network interface found under ${env.sysfsRoot}/class/net`,
      true,
    );
  }
  return ifaces;
}

/**
 * Enrol (again) on a technician's command (`malachor provision enroll`): with a one-time code, or
 * without one by claiming this appliance's MAC. An existing config at configPath is kept as the
 * base (its ids and API key are replaced), so local settings survive; the evidence chain it holds
 * is handed over to the new identity (agent/src/provision/README.md).
 */
export async function provisionEnroll(
  env: ProvisionEnv,
  how: { cloudUrl: string; code?: string },
): Promise<ProvisionResult> {
  const base = env.basePath ? readInput(env.basePath).config : {};
  const current = existsSync(env.configPath) ? readInput(env.configPath).config : {};
  return completeEnrollment(env, {
    merged: mergeTables(base, current),
    cloudUrl: how.cloudUrl,
    proof: how.code ? { code: how.code } : { claim: interfacesOf(env) },
    source: how.code ? "the command line" : `a claim approved at ${how.cloudUrl}`,
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
