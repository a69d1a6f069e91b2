import type { CheckStatus } from "../../../protocol/common.ts";
import type { CheckSettings, LinuxCheck } from "./check.ts";
import type { CommandResult, Host } from "./host.ts";

/** Recorded machine state for tests: command output by command line, files, links, directories. */
export interface Fixture {
  /** Keyed by the argv joined with spaces; a string is stdout with exit 0. Missing → exit 127. */
  commands?: Record<string, string | Partial<CommandResult>>;
  files?: Record<string, string>;
  links?: Record<string, string>;
  dirs?: Record<string, string[]>;
  hostname?: string;
}

/** One row of a check's fixture table: what the host shows, and the status and `actual` the check must give. */
export type FixtureCase = [
  name: string,
  detect: LinuxCheck["detect"],
  fixture: Fixture,
  status: CheckStatus,
  actual: RegExp,
  settings?: Partial<CheckSettings>,
];

/**
 * A Host answering from a Fixture, so each check runs against recorded command output. UDP goes to
 * `udp` (a real loopback exchange in SNTP tests) or fails as "network unreachable".
 */
export class FixtureHost implements Host {
  constructor(
    private readonly f: Fixture,
    private readonly udp?: Host["udpRequest"],
  ) {}

  async run(argv: readonly string[]): Promise<CommandResult> {
    const r = this.f.commands?.[argv.join(" ")];
    if (r === undefined) return { code: 127, stdout: "", stderr: `${argv[0]}: command not found` };
    return typeof r === "string"
      ? { code: 0, stdout: r, stderr: "" }
      : { code: 0, stdout: "", stderr: "", ...r };
  }
  async readFile(path: string) {
    return this.f.files?.[path] ?? null;
  }
  async readLink(path: string) {
    return this.f.links?.[path] ?? null;
  }
  async listDir(path: string) {
    return this.f.dirs?.[path] ?? null;
  }
  now() {
    return Date.now();
  }
  udpRequest(host: string, port: number, payload: Uint8Array, timeoutMs: number) {
    if (this.udp) return this.udp(host, port, payload, timeoutMs);
    return Promise.reject(new Error(`network unreachable (${host}:${port})`));
  }
  hostname() {
    return this.f.hostname ?? "appliance";
  }
}
