import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { keyFingerprint } from "../../../protocol/provision.ts";
import { plainHttpProblem } from "../cloud-client/plain-http.ts";
import { loadConfig } from "../config/load.ts";
import { ConfigError, configPath } from "../config/read.ts";
import { IdentityError, loadIdentity } from "../evidence/identity.ts";
import { type ProvisionEnv, provisionAuto, provisionEnroll, withRetry } from "../provision/auto.ts";
import { ProvisionError } from "../provision/errors.ts";
import { DEFAULT_MEDIA_ROOTS } from "../provision/media.ts";
import { rekeyIdentity } from "../provision/rekey.ts";
import { flagCommand } from "./args.ts";
import { CliError, EXIT, type Io } from "./command.ts";

const usage = [
  "malachor provision show [--config <file>] [--json]",
  "       malachor provision auto [--config <file>] [--base <file>] [--cloud <url>] [--media <dir>]… [--sysfs <dir>] [--retry-sec <n>]",
  "       malachor provision enroll --cloud <url> [--code <one-time code>] [--config <file>] [--base <file>] [--sysfs <dir>] [--retry-sec <n>]",
  "       malachor provision rekey [--config <file>]",
  "  enroll without --code claims this appliance's MAC and waits (every --retry-sec, default 10) until a",
  "  technician approves the claim showing the printed key fingerprint; the evidence chain it holds is",
  "  handed over to the new identity. Restart the agent afterwards.",
].join("\n");

const common = {
  config: { type: "string" },
  base: { type: "string" },
  cloud: { type: "string" },
  media: { type: "string", multiple: true },
  sysfs: { type: "string" },
  "retry-sec": { type: "string" },
  code: { type: "string" },
  json: { type: "boolean" },
} as const;

/** Provisioning failures become CliErrors: exit 1 for what a person must fix, 3 for the environment. */
function asCliError(e: unknown): never {
  if (e instanceof ProvisionError)
    throw new CliError(`provision: ${e.message}`, e.retryable ? EXIT.environment : EXIT.failed);
  if (e instanceof ConfigError || e instanceof IdentityError) throw new CliError(e.message, EXIT.failed);
  throw e;
}

function show(path: string, json: boolean, io: Io): number {
  const config = loadConfig(path);
  const id = loadIdentity(config.appliance.identity_key_file);
  const pendingFile = `${config.appliance.identity_key_file}.enrol`;
  const pending = existsSync(pendingFile) ? loadIdentity(pendingFile) : undefined;
  const view = {
    config: config.source,
    cloud: config.cloud.url,
    siteId: config.appliance.site_id,
    applianceId: config.appliance.appliance_id,
    keyId: id.keyId,
    fingerprint: keyFingerprint(id.publicKey),
    publicKey: id.publicKey,
    ...(pending
      ? { enrolling: { keyId: pending.keyId, fingerprint: keyFingerprint(pending.publicKey) } }
      : {}),
  };
  if (json) io.out(JSON.stringify(view));
  else {
    io.out(
      [
        `appliance   ${view.applianceId}`,
        `site        ${view.siteId}`,
        `cloud       ${view.cloud}`,
        `key id      ${view.keyId}`,
        `fingerprint ${view.fingerprint}`,
        `public key  ${view.publicKey}`,
        `config      ${view.config}`,
        ...(view.enrolling ? [`enrolling   new key, fingerprint ${view.enrolling.fingerprint}`] : []),
      ].join("\n"),
    );
  }
  return EXIT.ok;
}

function retrySec(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 86_400)
    throw new CliError(`--retry-sec: expected 1–86400 seconds, got "${raw}"`);
  return n;
}

/** `malachor provision`: first-boot provisioning, identity display, manual enrollment, re-keying. */
export const provisionCommand = flagCommand(
  {
    name: "provision",
    summary: "provision this appliance (removable media or cloud by MAC), show its identity, enroll, re-key",
    usage: `${usage}`,
    options: common,
  },
  async ({ values, positionals }, io) => {
    const [sub, ...extra] = positionals;
    if (extra.length > 0) throw new CliError(`unexpected argument "${extra[0]}"\nusage: ${usage}`);
    const path = configPath(values.config);
    const env: ProvisionEnv = {
      configPath: path,
      basePath: values.base,
      mediaRoots: values.media ?? DEFAULT_MEDIA_ROOTS,
      sysfsRoot: values.sysfs ?? "/sys",
      cloudUrl: values.cloud,
      hostname: hostname(),
      log: (l) => io.err(l),
    };
    try {
      switch (sub) {
        case "show":
          return show(path, values.json ?? false, io);
        case "auto": {
          const every = retrySec(values["retry-sec"]);
          const run = () => provisionAuto(env);
          const r = every === undefined ? await run() : await withRetry(run, every, env.log!);
          if (r.status === "already-provisioned") {
            io.out(
              `already provisioned: appliance ${r.config.appliance.appliance_id} of site ${r.config.appliance.site_id}`,
            );
          } else if (r.status === "updated") {
            io.out(
              `already provisioned: appliance ${r.config.appliance.appliance_id}; ${path} updated from ${values.base}`,
            );
          } else {
            io.out(
              `provisioned from ${r.source}: appliance ${r.config.appliance.appliance_id} of site ${r.config.appliance.site_id}, key ${r.keyId}; config ${path}`,
            );
          }
          return EXIT.ok;
        }
        case "enroll": {
          const cloudUrl = values.cloud;
          if (!cloudUrl) throw new CliError(`enroll needs --cloud\nusage: ${usage}`);
          // The enrolment code and the API key it returns must not cross the network in clear.
          const plain = plainHttpProblem(cloudUrl, false);
          if (plain) throw new CliError(`--cloud ${cloudUrl}: ${plain}`);
          const code = values.code?.trim().toUpperCase();
          const run = () => provisionEnroll(env, { cloudUrl, code });
          // A claim waits for a technician: keep asking. A code either works or it does not.
          const r = code ? await run() : await withRetry(run, retrySec(values["retry-sec"]) ?? 10, env.log!);
          io.out(
            `enrolled: appliance ${r.config.appliance.appliance_id} of site ${r.config.appliance.site_id}; config ${path}; restart the agent to run as it (systemctl restart malachor)`,
          );
          return EXIT.ok;
        }
        case "rekey": {
          const r = await rekeyIdentity(path);
          io.out(
            `re-keyed appliance ${r.applianceId}: key ${r.oldKeyId} → ${r.newKeyId}; restart the agent to sign with it (systemctl restart malachor)`,
          );
          return EXIT.ok;
        }
        default:
          throw new CliError(`unknown provision subcommand "${sub ?? ""}"\nusage: ${usage}`);
      }
    } catch (e) {
      return asCliError(e);
    }
  },
);
