import type { Config } from "../config/schema.ts";
import { jsonLogger } from "../log/logger.ts";
import { openChain } from "./agent.ts";
import { Daemon, type DaemonDeps } from "./daemon.ts";
import { openState } from "./state.ts";

/** What a test or bench may set of a daemon's parts; the state and chain always come from `config`. */
export type TestDaemonParts = Partial<Omit<DaemonDeps, "config" | "db" | "queue" | "chain">>;

/**
 * The real daemon on `config`'s state directory, stepped by its caller instead of its timer: it
 * opens the state and the chain as `malachor run` does; unless `parts` says otherwise it is
 * offline (no client), runs no providers, logs only errors (to nowhere) and is not under systemd.
 */
export function testDaemon(config: Config, parts: TestDaemonParts = {}) {
  const state = openState(config);
  const { chain } = openChain(config, state, true);
  const d = new Daemon({
    config,
    db: state.db,
    queue: state.queue,
    chain,
    client: null,
    providers: [],
    log: jsonLogger({ level: "error", err: () => {} }),
    notifier: { active: false, notify: () => {} },
    hostName: "appliance",
    ...parts,
  });
  return { d, state, chain };
}
