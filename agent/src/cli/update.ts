import type { EvidenceEvent } from "../../../protocol/evidence.ts";
import { loadConfig } from "../config/load.ts";
import { configPath } from "../config/read.ts";
import { readSecretFile } from "../config/secret.ts";
import { runningBinary } from "../update/binary.ts";
import { decideUpdate } from "../update/decide.ts";
import { cloudUpdateSource } from "../update/source.ts";
import { Updater } from "../update/updater.ts";
import { AGENT_VERSION } from "../version.ts";
import { CONFIG_AND_JSON, flagCommand } from "./args.ts";
import { CliError, EXIT } from "./command.ts";

const usage = "malachor update check|apply [--config <file>] [--target <binary>] [--json]";

/** `malachor update check|apply`: ask the cloud for a release; apply installs it with health check and rollback. */
export const updateCommand = flagCommand(
  {
    name: "update",
    summary: "check for / install a signed agent release (verified, atomic, rolled back on failure)",
    usage,
    options: { ...CONFIG_AND_JSON, target: { type: "string" } },
  },
  async ({ values, positionals }, io) => {
    const [sub, ...extra] = positionals;
    if ((sub !== "check" && sub !== "apply") || extra.length > 0) {
      throw new CliError(`expected "check" or "apply"\nusage: ${usage}`);
    }
    let config: ReturnType<typeof loadConfig>;
    let apiKey: string;
    try {
      config = loadConfig(configPath(values.config));
      apiKey = readSecretFile(config.cloud.api_key_file, "API key file");
    } catch (e) {
      throw new CliError((e as Error).message, EXIT.environment);
    }
    const trustedKey = config.cloud.public_key;
    if (!trustedKey) {
      throw new CliError(
        `${config.source}: cloud.public_key is not set; no release can be trusted`,
        EXIT.environment,
      );
    }
    const source = cloudUpdateSource({
      baseUrl: config.cloud.url,
      apiKey,
      timeoutMs: config.cloud.timeout_sec * 1000,
    });
    const say = (human: string, json: object) => io.out(values.json ? JSON.stringify(json) : human);

    if (sub === "check") {
      const raw = await source.latest().catch((e: Error) => {
        throw new CliError(e.message, EXIT.environment);
      });
      if (raw === null) {
        say(`no release published; running ${AGENT_VERSION}`, { running: AGENT_VERSION, status: "none" });
        return EXIT.ok;
      }
      const d = decideUpdate(raw, { trustedKey, currentVersion: AGENT_VERSION, now: new Date() });
      if (d.action === "install") {
        say(`release ${d.meta.version} available (running ${AGENT_VERSION})`, {
          running: AGENT_VERSION,
          status: "available",
          version: d.meta.version,
        });
        return EXIT.ok;
      }
      say(`no update: ${d.reason}`, {
        running: AGENT_VERSION,
        status: "skipped",
        code: d.code,
        reason: d.reason,
      });
      return d.code === "not-newer" ? EXIT.ok : EXIT.failed;
    }

    const target = values.target ?? runningBinary();
    if (!target)
      throw new CliError("not running as the compiled malachor binary; pass --target <path of malachor>");
    const events: EvidenceEvent[] = [];
    const updater = new Updater({
      source,
      trustedKey,
      currentVersion: AGENT_VERSION,
      target,
      stateDir: config.appliance.state_dir,
      events: (e) => {
        events.push(e);
      },
    });
    const r = await updater.check().catch((e: Error) => {
      throw new CliError(e.message, EXIT.environment);
    });
    for (const e of events) io.err(`${e.type}: ${e.summary}`);
    switch (r.status) {
      case "none":
        say(`no release published; running ${AGENT_VERSION}`, r);
        return EXIT.ok;
      case "installed":
        say(
          `installed ${r.version} at ${target} (previous kept at ${target}.prev); restart the malachor service to run it`,
          r,
        );
        return EXIT.ok;
      case "skipped":
        say(`no update: ${r.reason}`, r);
        return r.code === "not-newer" ? EXIT.ok : EXIT.failed;
      case "rolled-back":
        say(`update to ${r.version} rolled back: ${r.reason}`, r);
        return EXIT.failed;
      case "failed":
        say(`update to ${r.version} failed: ${r.reason}`, r);
        return EXIT.failed;
    }
  },
);
