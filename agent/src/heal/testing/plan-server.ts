/**
 * A loopback stand-in for the cloud's POST /agent/plan, for agent-side tests: answers each request
 * with the next scripted reply (a plan it signs with the given key, a status, or a broken body).
 */
import type { Incident } from "../../../../protocol/incident.ts";
import type { Plan, PlanOutcome, PlanRequest } from "../../../../protocol/plan.ts";
import { signPayload } from "../../../../protocol/signed.ts";

/** One scripted answer: a plan (fields over defaults), or a raw HTTP reply. */
export type ScriptedAnswer =
  | { plan: Partial<Plan>; signWith?: string }
  | { status: number; body?: string; headers?: Record<string, string> };

export function startPlanServer(cloudSecretKey: string, script: ScriptedAnswer[]) {
  const requests: PlanRequest[] = [];
  const outcomes: Array<{ planId: string; outcome: PlanOutcome }> = [];
  let down = false;
  /** What GET /agent/incidents answers: incidents "resolved by a person in the cloud". */
  const resolved: Incident[] = [];
  let n = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      if (down) return new Response("maintenance", { status: 503 });
      const url = new URL(req.url);
      if (req.method === "GET" && url.pathname === "/agent/incidents")
        return Response.json({ incidents: resolved });
      const m = /^\/agent\/plan\/([^/]+)\/outcome$/.exec(url.pathname);
      if (m) {
        outcomes.push({ planId: decodeURIComponent(m[1]!), outcome: (await req.json()) as PlanOutcome });
        return new Response(null, { status: 204 });
      }
      const body = (await req.json()) as PlanRequest;
      requests.push(body);
      const next = script.shift();
      if (!next) return new Response("no scripted answer", { status: 500 });
      if ("status" in next)
        return new Response(next.body ?? "", { status: next.status, headers: next.headers });
      const now = Date.now();
      const plan: Plan = {
        id: `plan-${++n}`,
        incidentId: body.incident.id,
        siteId: "site-a",
        applianceId: body.incident.applianceId,
        runbookId: body.allowedRunbooks[0] ?? null,
        params: {},
        confidence: 0.93,
        reasoning: "scripted",
        decision: "auto-apply",
        model: "scripted-model",
        issuedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 600_000).toISOString(),
        ...next.plan,
      };
      return Response.json(signPayload(plan, next.signWith ?? cloudSecretKey));
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    outcomes,
    resolved,
    script,
    /** Answer 503 to everything while true. */
    setDown: (d: boolean) => {
      down = d;
    },
    stop: () => server.stop(true),
  };
}
