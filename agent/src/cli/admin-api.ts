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

/** A request to the cloud's admin API; a refusal becomes a CliError carrying the cloud's message. */
export async function adminRequest(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(new URL(path, base), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
  } catch (e) {
    throw new CliError(`cloud ${base} unreachable: ${(e as Error).message}`, EXIT.environment);
  }
  if (res.ok) return res;
  const text = await res.text();
  let msg: string;
  try {
    msg = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`;
  } catch {
    throw new CliError(`cloud answered ${res.status} with a body that is not JSON`, EXIT.environment);
  }
  throw new CliError(
    `cloud refused (${res.status}): ${msg}`,
    res.status === 401 ? EXIT.environment : EXIT.failed,
  );
}

/** Call the cloud's admin API and read its JSON answer. */
export async function adminCall(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await adminRequest(base, token, method, path, body);
  try {
    return JSON.parse(await res.text());
  } catch {
    throw new CliError(`cloud answered ${res.status} with a body that is not JSON`, EXIT.environment);
  }
}
