/**
 * The three-tier Healer of a running daemon, built from the config ([heal], [notify],
 * [[windows.hosts]]) and the agent's parts. The runbook runner is handed in: the daemon builds one
 * over its executors and shares it with the run_runbook order.
 */
import type { Database } from "bun:sqlite";
import { randomUUID } from "node:crypto";
import type { RunbookCatalogue, RunbookRunner } from "../../../lib/runbook-types.ts";
import type { Config } from "../config/schema.ts";
import { readSecretFile } from "../config/secret.ts";
import type { Logger } from "../log/logger.ts";
import { cloudTrust } from "../trust/cloud-keys.ts";
import { Healer } from "./healer.ts";
import { httpPlanClient } from "./l2/client.ts";
import type { EvidenceSink, Outbox } from "./l3/escalate.ts";
import { notifiersFrom } from "./l3/notifiers.ts";
import { HealStore } from "./store.ts";

/** What the healer is built from. */
export interface HealerParts {
  config: Config;
  db: Database;
  queue: Outbox;
  chain: EvidenceSink;
  runner: RunbookRunner;
  catalogue: RunbookCatalogue;
  log: Logger;
}

/** The daemon's healer. Without an API key L2 planning is off and novel drift goes to people. */
export function healerFromConfig(p: HealerParts): Healer {
  const { config } = p;
  let apiKey: string | null = null;
  try {
    apiKey = readSecretFile(config.cloud.api_key_file, "API key");
  } catch {
    p.log.warn("no cloud API key: L2 planning is off, novel drift goes to people");
  }
  const planClient =
    apiKey && config.heal.l2
      ? // The broker may wait up to its own model timeout (30 s by default): give it room.
        httpPlanClient({
          baseUrl: config.cloud.url,
          apiKey,
          timeoutMs: Math.max(config.cloud.timeout_sec, 45) * 1000,
        })
      : null;
  const windowsHosts = new Set(config.windows.hosts.map((h) => h.host.toLowerCase()));
  const sshHosts = new Map(config.ssh.hosts.map((h) => [h.host.toLowerCase(), h.os]));
  return new Healer({
    siteId: config.appliance.site_id,
    applianceId: config.appliance.appliance_id,
    store: new HealStore(p.db),
    outbox: p.queue,
    evidence: p.chain,
    notifiers: notifiersFrom(config),
    runner: p.runner,
    catalogue: p.catalogue,
    planClient,
    cloudPublicKey: cloudTrust(config, p.db) ?? null,
    hostAttributes: (host) => ({
      platform: windowsHosts.has(host.toLowerCase())
        ? "windows"
        : (sshHosts.get(host.toLowerCase()) ?? "linux"),
    }),
    policy: {
      l2: config.heal.l2,
      minConfidence: config.heal.min_confidence,
      maxBlastRadius: config.heal.max_blast_radius,
      unmonitoredAfterCycles: config.heal.unmonitored_after_cycles,
    },
    now: () => new Date(),
    newId: (prefix) => `${prefix}-${randomUUID()}`,
  });
}
