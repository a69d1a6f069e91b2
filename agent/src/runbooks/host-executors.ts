/**
 * The one executor per host the daemon keeps for its whole life: the appliance's own shell and a
 * WinRM executor per configured Windows host (each holding one remote shell). Checks, healing and
 * orders all run through these, so the appliance never holds more than one WinRM shell per host
 * (Windows refuses a user past MaxShellsPerUser); `close()` ends every shell when the daemon stops.
 */
import type { WindowsHostConfig } from "../winrm/hosts.ts";
import { WindowsExecutors } from "../winrm/hosts.ts";
import type { RunbookExecutor, ScriptRun } from "./executor.ts";
import { LocalShellExecutor } from "./shell-executor.ts";
import type { WinRmExecutor } from "./winrm-executor.ts";

/**
 * The appliance itself while `[appliance] host_profile` simulates it: its checks read the profile,
 * so a fix would act on a machine nobody checked (a developer's, running a demo). Refused by name.
 */
class SimulatedApplianceExecutor implements RunbookExecutor {
  readonly platform = "linux" as const;
  constructor(
    readonly host: string,
    private readonly profile: string,
  ) {}
  run(): Promise<ScriptRun> {
    return Promise.reject(
      new Error(
        `${this.host} is simulated by the host profile ${this.profile}: runbooks are not run on this machine`,
      ),
    );
  }
}

/** Executors by host name: the appliance's shell, else a configured Windows or SSH host. */
export class HostExecutors {
  readonly local: RunbookExecutor;
  #windows: WindowsExecutors;
  #hosts: readonly WindowsHostConfig[];
  readonly #configured: readonly WindowsHostConfig[];
  readonly #ssh: ReadonlyMap<string, RunbookExecutor>;

  /**
   * `ssh`: executors of the SSH hosts by lower-case name (they connect per script); `hostProfile`:
   * the profile simulating the appliance, whose own runbooks are then refused.
   */
  constructor(
    applianceHost: string,
    windowsHosts: readonly WindowsHostConfig[],
    ssh: ReadonlyMap<string, RunbookExecutor> = new Map(),
    hostProfile?: string,
  ) {
    this.local =
      hostProfile === undefined
        ? new LocalShellExecutor(applianceHost)
        : new SimulatedApplianceExecutor(applianceHost, hostProfile);
    this.#configured = windowsHosts;
    this.#hosts = windowsHosts;
    this.#windows = new WindowsExecutors(windowsHosts);
    this.#ssh = ssh;
  }

  /** The Windows hosts in use: the config file's, then those entered in the cloud. */
  windowsHosts(): readonly WindowsHostConfig[] {
    return this.#hosts;
  }

  /**
   * Add the hosts entered in the cloud (after a sync, or at start from the stored set). A host the
   * config file names keeps the config's settings, so a site without cloud access works as before.
   * Executors whose host or credential changed are closed and made anew on next use.
   */
  async setCloudHosts(cloudHosts: readonly WindowsHostConfig[]): Promise<void> {
    const configured = new Set(this.#configured.map((h) => h.host.toLowerCase()));
    const next = [...this.#configured, ...cloudHosts.filter((h) => !configured.has(h.host.toLowerCase()))];
    const old = this.#windows;
    this.#hosts = next;
    this.#windows = new WindowsExecutors(next);
    await old.close();
  }

  /** The executor for a host, or undefined when it is neither the appliance nor a configured host. */
  get(host: string): RunbookExecutor | undefined {
    if (host === this.local.host) return this.local;
    return this.#windows.get(host) ?? this.#ssh.get(host.toLowerCase());
  }

  /** The executors of every configured Windows host, in config order. */
  windows(): WinRmExecutor[] {
    return this.#hosts.map((h) => this.#windows.get(h.host)).filter((e) => e !== undefined);
  }

  /** End every WinRM shell and connection. */
  close(): Promise<void> {
    return this.#windows.close();
  }
}
