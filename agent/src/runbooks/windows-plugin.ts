/**
 * `malachor run` plug-in for Windows: the Windows CheckProvider for every `[[windows.hosts]]`
 * entry (scan by role), the event-log threat provider over the same hosts, and delivery of
 * recovery keys that `malachor runbook run` left in escrow-pending/.
 */
import { AGENT_API } from "../../../protocol/api.ts";
import { WINDOWS_CHECKS } from "../../../runbooks/index.ts";
import { readSecretFile } from "../config/secret.ts";
import type { Plugin } from "../daemon/plugins.ts";
import type { CheckProvider } from "../daemon/providers.ts";
import { httpPlanClient } from "../heal/l2/client.ts";
import { windowsThreatProvider } from "../windows/threat-provider.ts";
import { WindowsExecutors } from "../winrm/hosts.ts";
import { sqliteBaselines } from "./baselines.ts";
import { flushPendingEscrow } from "./escrow-pending.ts";
import { windowsCheckProvider } from "./windows-checks.ts";

/** Adds the Windows provider (each cycle: deliver pending escrow, then scan the hosts). */
export function windowsPlugin(): Plugin {
  return ({ config, log, db }) => {
    const executors = new WindowsExecutors(config.windows.hosts);
    const w = config.windows;
    const targets = () =>
      w.hosts.flatMap((h) => {
        const executor = executors.get(h.host);
        return executor ? [{ executor, ...(h.role ? { role: h.role } : {}) }] : [];
      });
    const scan = windowsCheckProvider({
      checks: WINDOWS_CHECKS,
      targets,
      cadenceSec: {
        server: w.server_interval_sec,
        "domain-controller": w.domain_controller_interval_sec,
        workstation: w.workstation_interval_sec,
      },
      baselines: sqliteBaselines(db),
    });
    const provider: CheckProvider = {
      name: scan.name,
      async collect(ctx) {
        await deliverPending();
        return config.windows.hosts.length ? scan.collect(ctx) : [];
      },
    };
    async function deliverPending() {
      let apiKey: string;
      try {
        apiKey = readSecretFile(config.cloud.api_key_file, "API key");
      } catch {
        return;
      }
      const client = httpPlanClient({
        baseUrl: config.cloud.url,
        apiKey,
        timeoutMs: config.cloud.timeout_sec * 1000,
      });
      const r = await flushPendingEscrow(config.appliance.state_dir, (key) =>
        client.deliver(AGENT_API.escrow, key),
      );
      if (r.delivered) log.info("recovery keys delivered to cloud escrow", { count: r.delivered });
      if (r.invalid.length) log.warn("unreadable files in escrow-pending", { files: r.invalid });
    }
    // Event-log threats ride the same executors: read after the scan, every cycle.
    const threats = windowsThreatProvider({
      db,
      executors: () => targets().map((t) => t.executor),
      log: (msg, fields) => log.warn(msg, fields),
    });
    return { providers: [provider, threats] };
  };
}
