import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { describeIssues } from "../../../protocol/common.ts";
import {
  ClaimPending,
  ClaimRequest,
  EnrollRequest,
  EnrollResponse,
  RekeyRequest,
  RekeyResponse,
} from "../../../protocol/provision.ts";
import { ProvisionError } from "./errors.ts";

/** How provisioning talks HTTP; tests pass nothing and use a real loopback server. */
export interface HttpOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const ErrorEnvelope = v.object({
  error: v.object({ message: v.string(), retryable: v.optional(v.boolean()) }),
});

function join(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}

async function request(
  method: "GET" | "POST",
  url: string,
  body: unknown,
  opts: HttpOptions & { bearer?: string },
): Promise<{ status: number; json: unknown }> {
  const f = opts.fetch ?? fetch;
  let res: Response;
  try {
    res = await f(url, {
      method,
      headers: {
        accept: "application/json",
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(opts.bearer ? { authorization: `Bearer ${opts.bearer}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new ProvisionError(`cannot reach ${url}: ${cause}`, true);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json };
}

function refused(what: string, url: string, status: number, json: unknown): ProvisionError {
  const env = v.safeParse(ErrorEnvelope, json);
  const why = env.success ? env.output.error.message : `HTTP ${status}`;
  // 429 and 5xx pass, and what the cloud marks retryable (a clock being set); anything else means
  // this request will never succeed as it is.
  const retryable = status === 429 || status >= 500 || (env.success && env.output.error.retryable === true);
  return new ProvisionError(`${what}: ${url} answered ${status}: ${why}`, retryable);
}

function expect<S extends v.GenericSchema>(schema: S, json: unknown, what: string, url: string) {
  const r = v.safeParse(schema, json);
  if (!r.success)
    throw new ProvisionError(`${what}: ${url} sent a malformed answer: ${describeIssues(r.issues)}`);
  return r.output as v.InferOutput<S>;
}

/** POST /agent/enroll: trade a one-time code and our (signed) public key for an API key. */
export async function enroll(
  cloudUrl: string,
  body: EnrollRequest,
  opts: HttpOptions = {},
): Promise<EnrollResponse> {
  const url = join(cloudUrl, AGENT_API.enroll);
  const r = await request("POST", url, v.parse(EnrollRequest, body), opts);
  if (r.status !== 200 && r.status !== 201) throw refused("enroll", url, r.status, r.json);
  return expect(EnrollResponse, r.json, "enroll", url);
}

/** What the cloud said to a claim. */
export type ClaimAnswer =
  | { kind: "unregistered" }
  | { kind: "pending"; pending: ClaimPending }
  | { kind: "enrolled"; response: EnrollResponse };

/**
 * POST /api/provision/<mac>/claim: 404 when the MAC is not registered, 202 while a technician
 * has not approved this key, 200 with the API key once approved.
 */
export async function claim(
  cloudUrl: string,
  mac: string,
  body: ClaimRequest,
  opts: HttpOptions = {},
): Promise<ClaimAnswer> {
  const url = join(cloudUrl, AGENT_API.claim(mac));
  const r = await request("POST", url, v.parse(ClaimRequest, body), opts);
  if (r.status === 404) return { kind: "unregistered" };
  if (r.status === 202) return { kind: "pending", pending: expect(ClaimPending, r.json, "claim", url) };
  if (r.status === 200) return { kind: "enrolled", response: expect(EnrollResponse, r.json, "claim", url) };
  throw refused("claim", url, r.status, r.json);
}

/** POST /agent/rekey: register a new identity key, authenticated by the API key. */
export async function rekey(
  cloudUrl: string,
  apiKey: string,
  body: RekeyRequest,
  opts: HttpOptions = {},
): Promise<RekeyResponse> {
  const url = join(cloudUrl, AGENT_API.rekey);
  const r = await request("POST", url, v.parse(RekeyRequest, body), { ...opts, bearer: apiKey });
  if (r.status !== 200) throw refused("rekey", url, r.status, r.json);
  return expect(RekeyResponse, r.json, "rekey", url);
}
