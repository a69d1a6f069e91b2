/**
 * From `[[windows.hosts]]` config entries to WinRM clients and runbook executors. The password is
 * read from its 0600 file when a client is made and lives only inside the transport.
 */

import type { Config } from "../config/schema.ts";
import { readSecretFile } from "../config/secret.ts";
import { WinRmExecutor } from "../runbooks/winrm-executor.ts";
import { WinRmClient, type WinRmClientOptions } from "./client.ts";
import type { WinRmAuth } from "./transport.ts";

/**
 * One Windows host: from `[[windows.hosts]]` (password in a 0600 file), or entered in the cloud
 * (password opened in memory from its sealed credential, agent/src/targets/synced-targets.ts).
 */
export type WindowsHostConfig = Omit<Config["windows"]["hosts"][number], "password_file"> &
  ({ password_file: string } | { password: () => string; credentialVersion: number });

/** `DOMAIN\user` when a domain is configured. */
export function hostUser(h: WindowsHostConfig): string {
  return h.domain && !h.username.includes("\\") && !h.username.includes("@")
    ? `${h.domain}\\${h.username}`
    : h.username;
}

/** The WinRM auth settings of a host (reads its password file). */
export function hostAuth(h: WindowsHostConfig): WinRmAuth {
  const password =
    "password" in h
      ? h.password()
      : readSecretFile(h.password_file, `password file of Windows host ${h.host}`);
  const user = hostUser(h);
  return h.transport === "http-ntlm"
    ? { scheme: "ntlm", user, password }
    : { scheme: "basic", user, password, ...(h.cert_fingerprint ? { pinSha256: h.cert_fingerprint } : {}) };
}

/** A client for a configured host. */
export function clientForHost(h: WindowsHostConfig, extra: Partial<WinRmClientOptions> = {}): WinRmClient {
  return new WinRmClient({
    host: h.host,
    port: h.port,
    https: h.transport === "https-basic",
    auth: hostAuth(h),
    ...extra,
  });
}

/** The configured host with this name (case-insensitive). */
export function findWindowsHost(config: Config, name: string): WindowsHostConfig | undefined {
  return config.windows.hosts.find((h) => h.host.toLowerCase() === name.toLowerCase());
}

/**
 * Lazily created, reused executors for the configured Windows hosts: what the healer's
 * `executorFor` and the Windows check provider need. `close()` ends every WinRM session.
 */
export class WindowsExecutors {
  readonly #made = new Map<string, WinRmExecutor>();
  constructor(
    readonly hosts: readonly WindowsHostConfig[],
    readonly options: Partial<WinRmClientOptions> = {},
  ) {}

  /** Executor for a host name, or undefined when it is not a configured Windows host. */
  get(name: string): WinRmExecutor | undefined {
    const key = name.toLowerCase();
    const existing = this.#made.get(key);
    if (existing) return existing;
    const h = this.hosts.find((x) => x.host.toLowerCase() === key);
    if (!h) return undefined;
    const ex = new WinRmExecutor(clientForHost(h, this.options), h.host);
    this.#made.set(key, ex);
    return ex;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#made.values()].map((e) => e.client.close().catch(() => {})));
    this.#made.clear();
  }
}
