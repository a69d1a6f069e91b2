import type { Database } from "bun:sqlite";
import type { BundleContent, EvidenceEvent } from "../../../protocol/evidence.ts";
import type { CloudClient } from "../cloud-client/client.ts";
import type { Config } from "../config/schema.ts";
import { readSecretFile } from "../config/secret.ts";
import type { CheckProvider } from "../daemon/providers.ts";
import type { Logger } from "../log/logger.ts";
import { cloudTrust } from "../trust/cloud-keys.ts";
import { AGENT_VERSION } from "../version.ts";
import { runningBinary } from "./binary.ts";
import { cloudUpdateSource } from "./source.ts";
import { type UpdateResult, Updater } from "./updater.ts";

/** How often the daemon asks the cloud for a release on its own (an update_agent order asks at once). */
export const UPDATE_CHECK_INTERVAL_MS = 6 * 3600_000;

/** The update machinery of a running daemon, shared by its check provider and the update_agent order. */
export interface UpdateAgent {
  updater: Updater;
  /** Reports the `agent.update-metadata` finding; confirms a fresh update; checks periodically. */
  provider: CheckProvider;
  /** Check and install now; an installed release restarts the daemon once `afterInstall` allows. */
  checkNow(): Promise<UpdateResult>;
}

/** The evidence chain, as far as events need it. */
export interface EventChain {
  append(content: BundleContent): unknown;
}

/** Write events straight into the chain: an update restarts the daemon, whose in-memory events would be lost. */
export function chainEvents(chain: EventChain) {
  return (e: EvidenceEvent): void => {
    chain.append({ kind: "event", createdAt: e.at, events: [e] });
  };
}

/** What the updater is built from. */
export interface UpdateParts {
  config: Config;
  /** null without an API key: no updates then. */
  client: CloudClient | null;
  chain: EventChain;
  hostName: string;
  log: Logger;
  /** The state database: releases are checked against the cloud keys it trusts (trust/cloud-keys.ts). */
  db?: Database;
}

/**
 * Ask the daemon to stop so its supervisor starts the (new or restored) binary: systemd's
 * Restart=always does, and so does the e2e/demo harness. SIGTERM is the daemon's graceful stop.
 */
export function requestRestart(): void {
  setTimeout(() => process.kill(process.pid, "SIGTERM"), 0);
}

/**
 * Build the updater for a running daemon, or null when it cannot update (running from source,
 * no API key, no trusted cloud key). A new version that keeps failing before confirming is rolled
 * back here, at start-up.
 */
export async function createUpdateAgent(
  parts: UpdateParts,
  opts: { intervalMs?: number; restart?: () => void } = {},
): Promise<UpdateAgent | null> {
  const { config, log } = parts;
  const target = runningBinary();
  const trustedKey = parts.db ? cloudTrust(config, parts.db) : config.cloud.public_key;
  if (!target || !trustedKey || !parts.client) {
    log.info("remote update off", {
      reason: !target
        ? "not running as the compiled binary"
        : !trustedKey
          ? "cloud.public_key not set"
          : "no API key",
    });
    return null;
  }
  const restart = opts.restart ?? requestRestart;
  const updater = new Updater({
    source: cloudUpdateSource({
      baseUrl: config.cloud.url,
      apiKey: readSecretFile(config.cloud.api_key_file, "API key"),
      timeoutMs: config.cloud.timeout_sec * 1000,
    }),
    trustedKey,
    currentVersion: AGENT_VERSION,
    target,
    stateDir: config.appliance.state_dir,
    events: chainEvents(parts.chain),
  });
  const started = await updater.startup();
  if (started.status === "rolled-back") {
    log.error("update rolled back", { version: started.version, reason: started.reason });
    if (started.restart) restart();
  }
  let confirming = started.status === "confirming";
  let lastCheck = 0;
  let running: Promise<UpdateResult> | undefined;

  const checkNow = (): Promise<UpdateResult> => {
    running ??= updater
      .check()
      .then((r) => {
        lastCheck = Date.now();
        if (r.status === "installed") {
          log.info("update installed; restarting to run it", { version: r.version });
          restart();
        } else if (r.status !== "none" && !(r.status === "skipped" && r.code === "not-newer")) {
          log.warn("update not installed", { ...r });
        }
        return r;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const provider: CheckProvider = {
    name: "agent-update",
    async collect() {
      if (confirming) {
        // This binary got far enough to run a check cycle: the update is final.
        confirming = false;
        if (await updater.confirm()) log.info("update confirmed", { version: AGENT_VERSION });
      }
      if (Date.now() - lastCheck >= (opts.intervalMs ?? UPDATE_CHECK_INTERVAL_MS) && !running) {
        lastCheck = Date.now();
        void checkNow().catch((e) => log.warn("update check failed", { error: e }));
      }
      return [updater.finding(parts.hostName)];
    },
  };
  return { updater, provider, checkNow };
}
