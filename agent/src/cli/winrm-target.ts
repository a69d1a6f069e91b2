/**
 * Which Windows host a CLI command talks to: a `[[windows.hosts]]` entry from the config, or one
 * given on the command line (--user, --password-file, --https, --port, --pin).
 */
import { loadConfig } from "../config/load.ts";
import { SecretFileError } from "../config/secret.ts";
import { findWindowsHost, hostAuth, type WindowsHostConfig } from "../winrm/hosts.ts";
import type { WinRmAuth, WinRmEndpoint } from "../winrm/transport.ts";
import { CliError, EXIT } from "./command.ts";
import { configFromArgs } from "./config-arg.ts";

/** parseArgs options shared by the commands that reach a Windows host. */
export const TARGET_OPTIONS = {
  config: { type: "string" },
  user: { type: "string" },
  "password-file": { type: "string" },
  port: { type: "string" },
  https: { type: "boolean" },
  pin: { type: "string" },
} as const;

export interface TargetValues {
  config?: string;
  user?: string;
  "password-file"?: string;
  port?: string;
  https?: boolean;
  pin?: string;
}

/** A resolved host: where it is and how to log in (the password stays inside `auth`). */
export interface Target extends WinRmEndpoint {
  auth: WinRmAuth;
  label: string;
}

/** Resolve `host` from flags (when --user is given) or the config's Windows hosts. */
export function resolveTarget(host: string, values: TargetValues): Target {
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new CliError(`--port: "${values.port}" is not a TCP port`);
  }
  try {
    if (values.user) {
      const file = values["password-file"];
      const password = file ? "" : process.env.MALACHOR_WINRM_PASSWORD;
      if (!file && !password)
        throw new CliError("--user needs --password-file <file> (mode 0600) or MALACHOR_WINRM_PASSWORD");
      const fake = {
        host,
        port: port ?? (values.https ? 5986 : 5985),
        transport: values.https ? "https-basic" : "http-ntlm",
        username: values.user,
        password_file: file ?? "",
        ...(values.pin ? { cert_fingerprint: values.pin } : {}),
      } as WindowsHostConfig;
      const auth: WinRmAuth = file
        ? hostAuth(fake)
        : values.https
          ? {
              scheme: "basic",
              user: values.user,
              password: password as string,
              ...(values.pin ? { pinSha256: values.pin } : {}),
            }
          : { scheme: "ntlm", user: values.user, password: password as string };
      return {
        host,
        port: fake.port,
        https: Boolean(values.https),
        auth,
        label: describe(host, fake.port, auth),
      };
    }
    const config = configFromArgs(values.config, loadConfig);
    const h = findWindowsHost(config, host);
    if (!h) {
      const known = config.windows.hosts.map((x) => x.host).join(", ") || "none";
      throw new CliError(
        `${host} is not a [[windows.hosts]] entry in ${config.source} (configured: ${known}); or pass --user and --password-file`,
        EXIT.usage,
      );
    }
    const auth = hostAuth(h);
    if (values.pin && auth.scheme === "basic") auth.pinSha256 = values.pin;
    return {
      host: h.host,
      port: port ?? h.port,
      https: h.transport === "https-basic",
      auth,
      label: describe(h.host, port ?? h.port, auth),
    };
  } catch (e) {
    if (e instanceof SecretFileError) throw new CliError(e.message, EXIT.environment);
    throw e;
  }
}

function describe(host: string, port: number, auth: WinRmAuth): string {
  const how =
    auth.scheme === "ntlm" ? "NTLM over HTTP, sealed" : `Basic over HTTPS${auth.pinSha256 ? ", pinned" : ""}`;
  return `${host}:${port} (${how}) as ${auth.user}`;
}
