/**
 * The appliance's SSH estate: one pin store, one concurrency limit, one scanner and a runbook
 * executor per `[[ssh.hosts]]` entry and per SSH target synced from the cloud, shared by the check
 * provider, the healer and orders (start.ts), and by `malachor check --target` (config hosts).
 */
import type { Database } from "bun:sqlite";
import type { CheckSettings } from "../checks/check.ts";
import { LINUX_CHECKS } from "../checks/linux/index.ts";
import { MACOS_CHECKS } from "../checks/macos/index.ts";
import type { Config } from "../config/schema.ts";
import type { CheckProvider } from "../daemon/providers.ts";
import { sqliteBaselines } from "../runbooks/baselines.ts";
import { Limiter } from "./limiter.ts";
import { memoryPins, type PinStore, sqlitePins } from "./pins.ts";
import { SshRunbookExecutor } from "./runbook-executor.ts";
import { SshScanner } from "./scanner.ts";
import { type RemoteOs, type SshTarget, sshTargets } from "./target.ts";

/** The checks of each remote OS. */
export const CHECKS_BY_OS = { linux: LINUX_CHECKS, macos: MACOS_CHECKS } as const;

/** Checks, scanner and executors of the configured SSH hosts and those synced from the cloud. */
export interface SshEstate {
  /** The config file's hosts, then the cloud's hosts whose names the config does not use. */
  readonly targets: readonly SshTarget[];
  scanner: SshScanner;
  executors: Map<string, SshRunbookExecutor>;
  /** The OS of a configured host name, or undefined. */
  osOf(host: string): RemoteOs | undefined;
  /** Longest a whole cycle's scan may take: every host's connect and script, in waves of the limit. */
  readonly cycleTimeoutMs: number;
  /** Replace the cloud's hosts (at each sync); the config file wins for a name both use. */
  setCloudHosts(cloud: readonly SshTarget[]): void;
}

/** Build the estate; `db` keeps pins and baselines (without one they live in memory). */
export function sshEstate(
  config: Pick<Config, "ssh" | "checks">,
  settings: CheckSettings,
  db?: Database,
): SshEstate {
  const s = config.ssh;
  const pins: PinStore = db ? sqlitePins(db) : memoryPins();
  const limiter = new Limiter(s.max_concurrent);
  const common = {
    pins,
    limiter,
    allowPassword: s.allow_password,
    connectTimeoutMs: s.connect_timeout_sec * 1000,
    maxBytes: s.max_output_bytes,
  };
  const baselines = db ? sqliteBaselines(db) : undefined;
  const scanner = new SshScanner({
    ...common,
    commandTimeoutMs: s.command_timeout_sec * 1000,
    checkTimeoutMs: config.checks.timeout_sec * 1000,
    settings,
    ...(baselines
      ? {
          baseline: (host: string) => ({
            get: (id: string) => baselines.get(host, id),
            set: (id: string, items: readonly string[]) => baselines.set(host, id, items),
          }),
        }
      : {}),
  });
  const fromConfig = sshTargets(config);
  // `executors` is one map for the life of the estate: the runbook side holds it by reference.
  const executors = new Map<string, SshRunbookExecutor>();
  const os = new Map<string, RemoteOs>();
  let targets: SshTarget[] = [];
  const setHosts = (cloud: readonly SshTarget[]) => {
    const configured = new Set(fromConfig.map((t) => t.name.toLowerCase()));
    targets = [...fromConfig, ...cloud.filter((t) => !configured.has(t.name.toLowerCase()))];
    executors.clear();
    os.clear();
    for (const t of targets) {
      executors.set(t.name.toLowerCase(), new SshRunbookExecutor(t, common));
      os.set(t.name.toLowerCase(), t.os);
    }
  };
  setHosts([]);
  const perHost = (s.connect_timeout_sec + s.command_timeout_sec + config.checks.timeout_sec) * 1000;
  return {
    get targets() {
      return targets;
    },
    scanner,
    executors,
    osOf: (h) => os.get(h.toLowerCase()),
    get cycleTimeoutMs() {
      return Math.max(1, Math.ceil(targets.length / s.max_concurrent)) * perHost;
    },
    setCloudHosts: setHosts,
  };
}

/** The SSH hosts as a check provider: every host scanned each cycle, in parallel up to the limit. */
export function sshProvider(estate: SshEstate): CheckProvider {
  return {
    name: "ssh",
    get timeoutMs() {
      return estate.cycleTimeoutMs;
    },
    async collect(ctx) {
      const scans = await Promise.all(
        estate.targets.map((t) =>
          estate.scanner.scan(
            t,
            CHECKS_BY_OS[t.os].filter((c) => !ctx.disabled.has(c.id)),
          ),
        ),
      );
      return scans.flatMap((s) => s.findings);
    },
  };
}
