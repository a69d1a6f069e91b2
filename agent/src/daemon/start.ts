/**
 * `malachor run`'s start-up: every part built once, explicitly, and closed on stop. One executor
 * per host (the appliance's shell, one WinRM shell per Windows host) serves the checks, the runbook
 * runner, the healer and the orders; the updater adds its provider; one queue carries every
 * message to the cloud.
 */
import { catalogueOf } from "../../../lib/runbook-types.ts";
import { announceSealKey } from "../../../protocol/targets.ts";
import { RUNBOOK_SPECS, runbookById } from "../../../runbooks/index.ts";
import type { Host } from "../checks/host.ts";
import { applianceHost } from "../checks/profile-host.ts";
import { checkSettings } from "../checks/settings.ts";
import { enqueueEscrow } from "../cloud-client/uploader.ts";
import type { Config } from "../config/schema.ts";
import { discoveryProvider } from "../discovery/provider.ts";
import { catalogueRunner } from "../heal/catalogue-runner.ts";
import { healerFromConfig } from "../heal/from-config.ts";
import { startLocalApi } from "../localapi/server.ts";
import type { Logger } from "../log/logger.ts";
import { orderProcessorFromConfig } from "../orders/from-config.ts";
import { adoptLegacyOutbox } from "../queue/legacy-outbox.ts";
import { HostExecutors } from "../runbooks/host-executors.ts";
import { sshEstate, sshProvider } from "../ssh/from-config.ts";
import { loadSealKey } from "../targets/seal-key.ts";
import { SyncedTargets } from "../targets/synced-targets.ts";
import { createUpdateAgent } from "../update/update-agent.ts";
import { windowsProviderFromConfig } from "../windows/from-config.ts";
import { applianceHostName, cloudClient, openChain } from "./agent.ts";
import { Daemon } from "./daemon.ts";
import { linuxProvider } from "./linux-provider.ts";
import type { CheckProvider, Healer } from "./providers.ts";
import { type SystemdNotifier, systemdNotifier } from "./sd-notify.ts";
import { openState } from "./state.ts";

/** A running daemon with its local API. */
export interface RunningAgent {
  daemon: Daemon;
  /** Where the local API listens (real port when bind asked for 0). */
  apiUrl: string;
  stop(): Promise<void>;
}

/** Start-up options; tests replace the host, the notifier, or the healer and add providers. */
export interface StartOptions {
  log: Logger;
  host?: Host;
  notifier?: SystemdNotifier;
  /** Replaces the three-tier healer built from the config. */
  healer?: Healer;
  /** Check providers run beside the built-in ones. */
  providers?: readonly CheckProvider[];
}

/** Build every part from the config, start the local API and the loop. */
export async function startDaemon(config: Config, opts: StartOptions): Promise<RunningAgent> {
  const { log } = opts;
  // First: a bad host profile stops start-up before any state is opened.
  const host = opts.host ?? applianceHost(config);
  const state = openState(config);
  const { chain, identity } = openChain(config, state, true);
  if (chain.head().seq === 0)
    log.info("evidence chain starts", { keyId: identity.keyId, publicKey: identity.publicKey });
  const adopted = adoptLegacyOutbox(state.db, state.queue, config.appliance.state_dir);
  if (adopted.adopted)
    log.info("messages of an earlier version moved into the queue", { count: adopted.adopted });
  if (adopted.unreadable.length)
    log.warn("unreadable messages of an earlier version left in place", { where: adopted.unreadable });
  const { client, reason } = cloudClient(config);
  if (!client) log.warn("no cloud API key: checking and queueing offline", { reason });
  const hostName = applianceHostName(config);

  const settings = checkSettings(config.checks, config.status.bind);
  const ssh = sshEstate(config, settings, state.db);
  const executors = new HostExecutors(
    hostName,
    config.windows.hosts,
    ssh.executors,
    config.appliance.host_profile,
  );
  // Targets entered in the cloud: stored sealed, opened in memory into the executors' host list.
  const sealKey = loadSealKey(config.appliance.state_dir, { create: true });
  const synced = new SyncedTargets(state.db, sealKey, {
    siteId: config.appliance.site_id,
    applianceId: config.appliance.appliance_id,
  });
  const applyTargets = async () => {
    const opened = await synced.open();
    for (const p of opened.problems) log.warn("target credential not usable", { ...p });
    await executors.setCloudHosts(opened.windows);
    // The SSH executors connect per script, so swapping the host list is all a rotation needs.
    ssh.setCloudHosts(opened.ssh);
  };
  await applyTargets();
  const checks: CheckProvider[] = [
    linuxProvider(host, settings, hostName),
    discoveryProvider({
      config,
      db: state.db,
      queue: state.queue,
      host,
      windows: () =>
        executors.windows().map((executor) => ({
          executor,
          role: executors.windowsHosts().find((h) => h.host.toLowerCase() === executor.host.toLowerCase())
            ?.role,
        })),
      log,
    }),
    windowsProviderFromConfig({
      config,
      db: state.db,
      executors: () => executors.windows(),
      hosts: () => executors.windowsHosts(),
      log,
    }),
    // Always present: hosts synced from the cloud may join the (possibly empty) config list.
    sshProvider(ssh),
  ];
  // Recovery keys go into the queue the moment a runbook hands them over: from the healer and
  // from a run_runbook order alike.
  const runbooks = {
    runner: catalogueRunner({
      runbook: runbookById,
      executorFor: (h) => executors.get(h),
      timeoutMs: config.heal.runbook_timeout_sec * 1000,
      onEscrow: (keys) => enqueueEscrow(state.queue, keys),
    }),
    catalogue: catalogueOf(RUNBOOK_SPECS),
  };
  const healer =
    opts.healer ?? healerFromConfig({ config, db: state.db, queue: state.queue, chain, ...runbooks, log });
  const update = await createUpdateAgent({ config, client, chain, hostName, log, db: state.db });
  const orders = orderProcessorFromConfig({
    config,
    client,
    db: state.db,
    queue: state.queue,
    chain,
    identity,
    hostName,
    providers: checks,
    runbooks,
    healer,
    update,
    windowsExecutor: (h) => executors.get(h),
    log,
  });
  const daemon = new Daemon({
    config,
    db: state.db,
    queue: state.queue,
    chain,
    client,
    providers: [...checks, ...(update ? [update.provider] : []), ...(opts.providers ?? [])],
    healer,
    ...(orders ? { orders } : {}),
    log,
    notifier: opts.notifier ?? systemdNotifier(),
    hostName,
    sealKey: announceSealKey(sealKey.publicKey, identity.secretKey),
    headSigningKey: identity.secretKey,
    targets: {
      get version() {
        return synced.version;
      },
      accept: (input, key) => synced.accept(input, key),
      applied: applyTargets,
    },
  });
  let api: ReturnType<typeof startLocalApi>;
  try {
    api = startLocalApi(
      config.status.bind,
      {
        snapshot: () => daemon.snapshot(),
        drain: () => daemon.drain(),
        nudge: () => daemon.nudge(),
        askSnapshot: () => daemon.askSnapshot(),
        queue: state.queue,
      },
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
    intervalSec: daemon.intervalSec,
  });
  daemon.start();
  return {
    daemon,
    apiUrl: api.url.href.replace(/\/$/, ""),
    async stop() {
      await api.stop(true);
      await daemon.stop();
      // After the loop: no check, fix or order is using a shell any more.
      await executors.close();
    },
  };
}
