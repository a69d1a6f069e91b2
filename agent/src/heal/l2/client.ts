import * as v from "valibot";
import { AGENT_API } from "../../../../protocol/api.ts";
import { CloudResolvedIncidents, type Incident } from "../../../../protocol/incident.ts";
import type { PlanRequest } from "../../../../protocol/plan.ts";

/** What came back from asking the cloud for a plan. */
export type PlanAnswer =
  | { type: "plan"; signed: unknown }
  /** Try later: offline, timed out, 5xx, or rate-limited (429 with Retry-After). */
  | { type: "unavailable"; reason: string; retryAfterSec?: number }
  /** The cloud refused the request (4xx): retrying will not help. */
  | { type: "refused"; reason: string };

/** The cloud as the healer sees it (HTTP in production, a loopback cloud in tests). */
export interface PlanClient {
  requestPlan(req: PlanRequest): Promise<PlanAnswer>;
  /** Incidents of this appliance a person resolved in the cloud; null when the cloud cannot be asked now. */
  cloudResolved(): Promise<Incident[] | null>;
}

/** Plan client over HTTP: POST /agent/plan with the appliance's API key. */
export function httpPlanClient(o: { baseUrl: string; apiKey: string; timeoutMs?: number }): PlanClient {
  const base = o.baseUrl.replace(/\/+$/, "");
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${o.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
    });
  return {
    async requestPlan(req) {
      let res: Response;
      try {
        res = await post(AGENT_API.plan, req);
      } catch (e) {
        return { type: "unavailable", reason: `cloud unreachable at ${base}: ${(e as Error).message}` };
      }
      const text = await res.text();
      if (res.ok) {
        try {
          return { type: "plan", signed: JSON.parse(text) };
        } catch {
          return { type: "unavailable", reason: `cloud sent a plan that is not JSON (HTTP ${res.status})` };
        }
      }
      const detail = text.slice(0, 300);
      if (res.status === 429) {
        const retry = Number(res.headers.get("retry-after"));
        return {
          type: "unavailable",
          reason: `L2 planning rate-limited for this site: ${detail}`,
          ...(Number.isFinite(retry) && retry > 0 ? { retryAfterSec: retry } : {}),
        };
      }
      if (res.status >= 500 || res.status === 408) {
        return { type: "unavailable", reason: `cloud answered HTTP ${res.status}: ${detail}` };
      }
      return { type: "refused", reason: `cloud refused the plan request (HTTP ${res.status}): ${detail}` };
    },
    async cloudResolved() {
      try {
        const res = await fetch(`${base}${AGENT_API.incidents}`, {
          headers: { authorization: `Bearer ${o.apiKey}` },
          signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
        });
        if (!res.ok) {
          await res.body?.cancel();
          return null;
        }
        const r = v.safeParse(CloudResolvedIncidents, await res.json());
        return r.success ? r.output.incidents : null;
      } catch {
        return null;
      }
    },
  };
}
