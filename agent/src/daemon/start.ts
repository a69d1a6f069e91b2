import type { Host } from "../checks/host.ts";
import { RealHost } from "../checks/real-host.ts";
import { checkSettings } from "../checks/settings.ts";
import type { Config } from "../config/schema.ts";
import { startLocalApi } from "../localapi/server.ts";
import type { Logger } from "../log/logger.ts";
import { applianceHostName, cloudClient, openChain } from "./agent.ts";
import { Daemon } from "./daemon.ts";
import { PLUGINS, type Plugin } from "./plugins.ts";
import { linuxProvider } from "./providers.ts";
import { type SystemdNotifier, systemdNotifier } from "./sd-notify.ts";
import { openState } from "./state.ts";
import { pageTrimmer } from "./trim.ts";

/** A running daemon with its local API. */
export interface RunningAgent {
  daemon: Daemon;
  /** Where the local API listens (real port when bind asked for 0). */
  apiUrl: string;
  stop(): Promise<void>;
}

/** Build every part from the config, start the local API and the loop. */
export async function startDaemon(
  config: Config,
  opts: { log: Logger; host?: Host; notifier?: SystemdNotifier; plugins?: readonly Plugin[] },
): Promise<RunningAgent> {
  const { log } = opts;
  const host = opts.host ?? new RealHost();
  const state = openState(config);
  const { chain, identity } = openChain(config, state, true);
  if (chain.head().seq === 0)
    log.info("evidence chain starts", { keyId: identity.keyId, publicKey: identity.publicKey });
  const { client, reason } = cloudClient(config);
  if (!client) log.warn("no cloud API key: checking and queueing offline", { reason });
  const hostName = applianceHostName(config);
  let daemon: Daemon | undefined;
  const parts = {
    config,
    db: state.db,
    queue: state.queue,
    chain,
    identity,
    client,
    host,
    hostName,
    log,
    recordEvent: (e: Parameters<Daemon["recordEvent"]>[0]) => daemon?.recordEvent(e),
  };
  const providers = [linuxProvider(host, checkSettings(config.checks, config.status.bind), hostName)];
  let healer: Awaited<ReturnType<Plugin>>["healer"];
  let orders: Awaited<ReturnType<Plugin>>["orders"];
  for (const plugin of opts.plugins ?? PLUGINS) {
    const p = await plugin(parts);
    providers.push(...(p.providers ?? []));
    healer = p.healer ?? healer;
    orders = p.orders ?? orders;
  }
  const trimPages = process.env.MALACHOR_TRIM_PAGES === "0" ? null : pageTrimmer();
  daemon = new Daemon({
    config,
    db: state.db,
    queue: state.queue,
    chain,
    client,
    providers,
    healer,
    orders,
    log,
    notifier: opts.notifier ?? systemdNotifier(),
    hostName,
    idle: trimPages?.soon,
  });
  const d = daemon;
  let api: ReturnType<typeof startLocalApi>;
  try {
    api = startLocalApi(
      config.status.bind,
      { snapshot: () => d.snapshot(), drain: () => d.drain(), nudge: () => d.nudge(), queue: state.queue },
      log,
    );
  } catch (e) {
    state.db.close();
    throw new Error(
      `[status] bind = "${config.status.bind}": cannot listen there (${(e as Error).message}); is another malachor running?`,
    );
  }
  log.info("malachor running", {
    site: config.appliance.site_id,
    appliance: config.appliance.appliance_id,
    statusApi: api.url.href,
    intervalSec: d.intervalSec,
  });
  d.start();
  return {
    daemon: d,
    apiUrl: api.url.href.replace(/\/$/, ""),
    async stop() {
      await api.stop(true);
      await d.stop();
    },
  };
}
