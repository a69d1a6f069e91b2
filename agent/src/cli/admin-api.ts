import { readSecretFile } from "../config/secret.ts";
import { CliError, EXIT } from "./command.ts";

/** The cloud and admin token a CLI command talks to: flags first, then MALACHOR_CLOUD_URL / MALACHOR_ADMIN_TOKEN. */
export function adminTarget(
  values: { cloud?: string | undefined; "token-file"?: string | undefined },
  usage: string,
): { base: string; token: string } {
  const base = values.cloud ?? process.env.MALACHOR_CLOUD_URL;
  if (!base)
    throw new CliError(`no cloud URL: pass --cloud <url> or set MALACHOR_CLOUD_URL\nusage: ${usage}`);
  let token: string | undefined;
  try {
    token = values["token-file"]
      ? readSecretFile(values["token-file"], "admin token file")
      : process.env.MALACHOR_ADMIN_TOKEN;
  } catch (e) {
    throw new CliError((e as Error).message, EXIT.environment);
  }
  if (!token)
    throw new CliError(
      "no admin token: pass --token-file <file> or set MALACHOR_ADMIN_TOKEN",
      EXIT.environment,
    );
  return { base, token };
}

/** Call the cloud's admin API; its error envelope becomes a CliError with its message. */
export async function adminCall(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(new URL(path, base), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new CliError(`cloud ${base} unreachable: ${(e as Error).message}`, EXIT.environment);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`cloud answered ${res.status} with a body that is not JSON`, EXIT.environment);
  }
  if (!res.ok) {
    const msg = (json as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`;
    throw new CliError(
      `cloud refused (${res.status}): ${msg}`,
      res.status === 401 ? EXIT.environment : EXIT.failed,
    );
  }
  return json;
}
