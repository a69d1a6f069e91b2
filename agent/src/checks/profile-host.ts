import { readFileSync } from "node:fs";
import { parse as parseToml, TomlError } from "smol-toml";
import * as v from "valibot";
import { describeIssues, HostName } from "../../../protocol/common.ts";
import type { Config } from "../config/schema.ts";
import { FixtureHost } from "./fixture-host.ts";
import type { CommandResult, Host } from "./host.ts";
import { RealHost } from "./real-host.ts";

// `{{now-6h:unix}}`: a time relative to the moment the check reads it, so "the backup ran 6 h ago"
// stays true however long a demo runs. Formats: unix seconds, ISO 8601, systemd's "Sat 2026-12-05 13:00:00 UTC".
const TOKEN = /\{\{([^}]*)\}\}/g;
const TIME = /^now(?:([+-])(\d{1,6})([smhd]))?:(unix|iso|systemd)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function formatTime(token: string, nowMs: number): string {
  const m = TIME.exec(token)!;
  const [, sign, n, unit, format] = m;
  const at = new Date(nowMs + (sign ? (sign === "-" ? -1 : 1) * Number(n) * UNIT_MS[unit as "s"] : 0));
  if (format === "unix") return String(Math.floor(at.getTime() / 1000));
  if (format === "iso") return at.toISOString();
  return `${DAYS[at.getUTCDay()]} ${at.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** Every `{{…}}` in `text` that is not a time token this module knows. */
function badTokens(text: string): string[] {
  return [...text.matchAll(TOKEN)].map((m) => m[1]!).filter((t) => !TIME.test(t));
}

const Text = v.pipe(
  v.string(),
  v.check(
    (s) => badTokens(s).length === 0,
    (i) =>
      `unknown placeholder {{${badTokens(i.input as string)[0]}}} (expected {{now±N[s|m|h|d]:unix|iso|systemd}}, e.g. {{now-6h:unix}})`,
  ),
);
const AbsolutePath = v.pipe(v.string(), v.regex(/^\/\S*$/, "must be an absolute path without spaces"));

/**
 * A simulated host (the FixtureHost shape, as a file): command output keyed by the argv joined with
 * spaces (a string is stdout with exit 0; a command not listed exits 127), file texts, symbolic
 * links and directory listings by absolute path. Anything not listed does not exist.
 */
export const HostProfile = v.strictObject({
  /** What this profile simulates, for people reading it. */
  description: v.optional(v.string()),
  hostname: v.optional(HostName),
  commands: v.optional(
    v.record(
      v.pipe(v.string(), v.minLength(1, "a command line must not be empty")),
      v.union([
        Text,
        v.strictObject({
          code: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(255)), 0),
          stdout: v.optional(Text, ""),
          stderr: v.optional(Text, ""),
        }),
      ]),
    ),
    {},
  ),
  files: v.optional(v.record(AbsolutePath, Text), {}),
  links: v.optional(v.record(AbsolutePath, v.pipe(v.string(), v.minLength(1))), {}),
  dirs: v.optional(
    v.record(AbsolutePath, v.array(v.pipe(v.string(), v.regex(/^[^/]+$/, "a name, not a path")))),
    {},
  ),
});
export type HostProfile = v.InferOutput<typeof HostProfile>;

/** A host profile file that cannot be used: the message names the file and what is wrong. */
export class HostProfileError extends Error {
  override name = "HostProfileError";
}

/** Read and validate a host profile (TOML). */
export function loadHostProfile(path: string): HostProfile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new HostProfileError(`host profile ${path}: cannot read it (${(e as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = parseToml(text);
  } catch (e) {
    const where = e instanceof TomlError ? ` line ${e.line}` : "";
    throw new HostProfileError(
      `host profile ${path}${where}: not valid TOML: ${(e as Error).message.split("\n")[0]}`,
    );
  }
  const r = v.safeParse(HostProfile, doc);
  if (!r.success) throw new HostProfileError(`host profile ${path}: ${describeIssues(r.issues)}`);
  return r.output;
}

/**
 * The appliance's host answered from a profile instead of the machine the agent runs on (a demo
 * or a test of a hardened appliance on a developer's machine), as the WinRM test server simulates
 * Windows. The clock and UDP (SNTP) stay the real machine's: only what the host holds is simulated.
 */
export class ProfileHost implements Host {
  readonly #fixture: FixtureHost;
  constructor(
    private readonly profile: HostProfile,
    private readonly real: Host = new RealHost(),
  ) {
    this.#fixture = new FixtureHost(profile);
  }

  #expand(text: string): string {
    return text.includes("{{") ? text.replace(TOKEN, (_, t: string) => formatTime(t, this.real.now())) : text;
  }

  async run(argv: readonly string[]): Promise<CommandResult> {
    const r = await this.#fixture.run(argv);
    return { code: r.code, stdout: this.#expand(r.stdout), stderr: this.#expand(r.stderr) };
  }
  async readFile(path: string): Promise<string | null> {
    const t = await this.#fixture.readFile(path);
    return t === null ? null : this.#expand(t);
  }
  readLink(path: string): Promise<string | null> {
    return this.#fixture.readLink(path);
  }
  listDir(path: string): Promise<string[] | null> {
    return this.#fixture.listDir(path);
  }
  now(): number {
    return this.real.now();
  }
  udpRequest(host: string, port: number, payload: Uint8Array, timeoutMs: number) {
    return this.real.udpRequest(host, port, payload, timeoutMs);
  }
  hostname(): string {
    return this.profile.hostname ?? this.real.hostname();
  }
}

/** The host the appliance's own checks inspect: the `[appliance] host_profile` if set, else this machine. */
export function applianceHost(config: { appliance: Pick<Config["appliance"], "host_profile"> }): Host {
  const path = config.appliance.host_profile;
  return path === undefined ? new RealHost() : new ProfileHost(loadHostProfile(path));
}
