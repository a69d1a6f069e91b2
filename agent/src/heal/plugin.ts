/**
 * The daemon plug-in for healing: builds the three-tier Healer from the agent's parts and config
 * ([heal], [notify], [[windows.hosts]]), and the runbook runner the order actions share.
 */
import { randomUUID } from "node:crypto";
import { catalogueOf, type RunbookCatalogue, type RunbookRunner } from "../../../lib/runbook-types.ts";
import type { KeyEscrow } from "../../../protocol/ingest.ts";
import { RUNBOOK_SPECS, runbookById } from "../../../runbooks/index.ts";
import type { Config } from "../config/schema.ts";
import { readSecretFile } from "../config/secret.ts";
import type { AgentParts, Plugin } from "../daemon/plugins.ts";
import { LocalShellExecutor } from "../runbooks/shell-executor.ts";
import { WindowsExecutors } from "../winrm/hosts.ts";
import { catalogueRunner } from "./catalogue-runner.ts";
import { Healer } from "./healer.ts";
import { httpPlanClient } from "./l2/client.ts";
import { emailNotifier } from "./l3/email.ts";
import type { Notifier } from "./l3/event.ts";
import { webhookNotifier } from "./l3/webhook.ts";
import { HealStore } from "./store.ts";

/** The notifiers [notify] configures (secrets read from their 0600 files now). */
export function notifiersFrom(config: Config): Notifier[] {
  const out: Notifier[] = config.notify.webhooks.map((w) =>
    webhookNotifier({ url: w.url, secret: readSecretFile(w.secret_file, `webhook secret for ${w.url}`) }),
  );
  const smtp = config.notify.smtp;
  if (smtp) {
    const u = new URL(smtp.url);
    if (smtp.username) {
      u.username = encodeURIComponent(smtp.username);
      if (smtp.password_file)
        u.password = encodeURIComponent(readSecretFile(smtp.password_file, "SMTP password"));
    }
    out.push(emailNotifier({ url: u.href, from: smtp.from, to: smtp.to }));
  }
  return out;
}

/**
 * The runner over the embedded catalogue: the appliance via its shell, Windows hosts over WinRM.
 * Shared by the healer and the run_runbook order; `onEscrow` receives BitLocker recovery keys.
 */
export function runbooksFor(
  parts: AgentParts,
  onEscrow?: (keys: KeyEscrow[]) => void,
): { runner: RunbookRunner; catalogue: RunbookCatalogue } {
  const windows = new WindowsExecutors(parts.config.windows.hosts);
  const local = new LocalShellExecutor(parts.hostName);
  const runner = catalogueRunner({
    runbook: runbookById,
    executorFor: (host) => (host === parts.hostName ? local : windows.get(host)),
    timeoutMs: parts.config.heal.runbook_timeout_sec * 1000,
    ...(onEscrow ? { onEscrow } : {}),
  });
  return { runner, catalogue: catalogueOf(RUNBOOK_SPECS) };
}

/** The healing plug-in. */
export function healPlugin(): Plugin {
  return (parts) => {
    const { config } = parts;
    let healer: Healer | undefined;
    const { runner, catalogue } = runbooksFor(parts, (keys) => void healer?.escrow(keys));
    let apiKey: string | null = null;
    try {
      apiKey = readSecretFile(config.cloud.api_key_file, "API key");
    } catch {
      parts.log.warn("no cloud API key: L2 planning is off, novel drift goes to people");
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
    healer = new Healer({
      siteId: config.appliance.site_id,
      applianceId: config.appliance.appliance_id,
      store: new HealStore(parts.db),
      outbox: parts.queue,
      evidence: parts.chain,
      notifiers: notifiersFrom(config),
      runner,
      catalogue,
      planClient,
      cloudPublicKey: config.cloud.public_key ?? null,
      hostAttributes: (host) => ({ platform: windowsHosts.has(host.toLowerCase()) ? "windows" : "linux" }),
      policy: {
        l2: config.heal.l2,
        minConfidence: config.heal.min_confidence,
        maxBlastRadius: config.heal.max_blast_radius,
      },
      now: () => new Date(),
      newId: (prefix) => `${prefix}-${randomUUID()}`,
    });
    return { healer };
  };
}
