import * as v from "valibot";
import { AGENT_API, REQUEST_ID_HEADER } from "../../../protocol/api.ts";
import { CheckinRequest, CheckinResponse } from "../../../protocol/checkin.ts";
import { describeIssues, parse } from "../../../protocol/common.ts";
import { IncidentReport } from "../../../protocol/incident.ts";
import { EvidenceRefusal, EvidenceUploadResult, KeyEscrow } from "../../../protocol/ingest.ts";
import { OrderAck, OrderCompletion, PendingOrdersResponse } from "../../../protocol/order.ts";
import { PlanOutcome } from "../../../protocol/plan.ts";
import { SyncResponse } from "../../../protocol/sync.ts";
import { DeviceReport } from "../../../protocol/targets.ts";
import { LogView } from "../../../protocol/transparency.ts";
import { CloudError, parseRetryAfter } from "./errors.ts";

/** Where the cloud is and how to authenticate. */
export interface CloudClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
  userAgent?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/**
 * HTTP client for the agent API (protocol/api.ts). Requests carry the Bearer API key and a request
 * id; responses are validated against the protocol schemas; failures are typed CloudErrors.
 */
export class CloudClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly opts: CloudClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, "");
    this.fetch = opts.fetch ?? fetch;
  }

  private async request<S extends v.GenericSchema | undefined>(
    method: "GET" | "POST",
    path: string,
    body: string | undefined,
    schema: S,
    /** Reads a refusal that still carries an answer (an evidence upload's per-bundle results). */
    refusal?: (
      status: number,
      json: unknown,
    ) => (S extends v.GenericSchema ? v.InferOutput<S> : undefined) | undefined,
  ): Promise<S extends v.GenericSchema ? v.InferOutput<S> : undefined> {
    const url = `${this.base}${path}`;
    const requestId = crypto.randomUUID();
    let res: Response;
    try {
      res = await this.fetch(url, {
        method,
        body,
        headers: {
          authorization: `Bearer ${this.opts.apiKey}`,
          accept: "application/json",
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          [REQUEST_ID_HEADER]: requestId,
          "user-agent": this.opts.userAgent ?? "malachor-agent",
        },
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
        redirect: "error",
      });
    } catch (e) {
      const err = e as Error;
      const why =
        err.name === "TimeoutError" ? `no answer within ${this.opts.timeoutMs ?? 15_000} ms` : err.message;
      throw new CloudError(`cloud unreachable: ${method} ${url}: ${why}`, "unreachable");
    }
    const text = await res.text().catch(() => "");
    if (!res.ok) {
      if (refusal) {
        let answer: ReturnType<typeof refusal>;
        try {
          answer = refusal(res.status, JSON.parse(text));
        } catch {
          answer = undefined;
        }
        if (answer !== undefined) return answer;
      }
      throw this.httpError(res, text, `${method} ${path}`, requestId);
    }
    if (schema === undefined) return undefined as never;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CloudError(
        `${method} ${path}: response is not JSON (request ${requestId})`,
        "protocol",
        res.status,
      );
    }
    const r = v.safeParse(schema, json);
    if (!r.success) {
      throw new CloudError(
        `${method} ${path}: response breaks the protocol: ${describeIssues(r.issues)} (request ${requestId})`,
        "protocol",
        res.status,
      );
    }
    return r.output as never;
  }

  private httpError(res: Response, text: string, what: string, requestId: string): CloudError {
    let message = text.slice(0, 200);
    let code: string | undefined;
    try {
      const env = JSON.parse(text) as {
        error?: { code?: string; message?: string } | string;
        message?: string;
      };
      if (typeof env.error === "object" && env.error) {
        code = env.error.code;
        message = env.error.message ?? message;
      } else {
        message = (typeof env.error === "string" ? env.error : env.message) ?? message;
      }
    } catch {
      // not an envelope: keep the raw text excerpt
    }
    const s = res.status;
    const detail = `${what} → ${s}${message ? `: ${message}` : ""} (request ${requestId})`;
    if (s === 401 || s === 403) {
      return new CloudError(
        `${detail} — check the API key in [cloud] api_key_file`,
        "unauthorized",
        s,
        undefined,
        code,
      );
    }
    if (s === 429) {
      const after = parseRetryAfter(res.headers.get("retry-after"));
      return new CloudError(detail, "rate-limited", s, after, code);
    }
    if (s >= 500)
      return new CloudError(detail, "server", s, parseRetryAfter(res.headers.get("retry-after")), code);
    return new CloudError(detail, "rejected", s, undefined, code);
  }

  /** POST /agent/checkin */
  async checkin(req: CheckinRequest) {
    const body = JSON.stringify(parse(CheckinRequest, req, "checkin request"));
    return this.request("POST", AGENT_API.checkin, body, CheckinResponse);
  }

  /** GET /agent/sync */
  sync() {
    return this.request("GET", AGENT_API.sync, undefined, SyncResponse);
  }

  /** GET /agent/tlog: the site log's newest checkpoint and the consistency proof from `from` leaves. */
  logView(from?: number) {
    const q = from === undefined ? "" : `?from=${from}`;
    return this.request("GET", `${AGENT_API.tlog}${q}`, undefined, LogView);
  }

  /**
   * POST /agent/evidence with bundles already serialized (sent byte for byte as stored and signed).
   * A refusal (gap, fork, bad signature: 403/409/422) still says what happened to each bundle, so it
   * is returned as a result for the uploader to act on (resend from the cloud's head, set aside).
   */
  uploadEvidence(bundleTexts: readonly string[]) {
    return this.request(
      "POST",
      AGENT_API.evidence,
      `{"bundles":[${bundleTexts.join(",")}]}`,
      EvidenceUploadResult,
      (status, json) => {
        if (status !== 403 && status !== 409 && status !== 422) return undefined;
        const r = v.safeParse(EvidenceRefusal, json);
        return r.success ? r.output.error.details.result : undefined;
      },
    );
  }

  /** GET /agent/orders */
  orders() {
    return this.request("GET", AGENT_API.orders, undefined, PendingOrdersResponse);
  }

  /** POST /agent/orders/:id/ack */
  async ackOrder(id: string, ack: OrderAck) {
    const body = JSON.stringify(parse(OrderAck, ack, "order ack"));
    return this.request("POST", AGENT_API.orderAck(id), body, undefined);
  }

  /** POST /agent/orders/:id/complete */
  async completeOrder(id: string, completion: OrderCompletion) {
    const body = JSON.stringify(parse(OrderCompletion, completion, "order completion"));
    return this.request("POST", AGENT_API.orderComplete(id), body, undefined);
  }

  /** POST /agent/incidents */
  async reportIncidents(report: IncidentReport) {
    const body = JSON.stringify(parse(IncidentReport, report, "incident report"));
    return this.request("POST", AGENT_API.incidents, body, undefined);
  }

  /** POST /agent/escrow: one BitLocker recovery key for the cloud's encrypted escrow. */
  async escrowKey(key: KeyEscrow) {
    const body = JSON.stringify(parse(KeyEscrow, key, "key escrow"));
    return this.request("POST", AGENT_API.escrow, body, undefined);
  }

  /** POST /agent/devices: what a discovery pass found. */
  async reportDevices(report: DeviceReport) {
    const body = JSON.stringify(parse(DeviceReport, report, "device report"));
    return this.request("POST", AGENT_API.devices, body, undefined);
  }

  /** POST /agent/plan/:id/outcome: what came of a signed L2 plan. */
  async reportPlanOutcome(planId: string, outcome: PlanOutcome) {
    const body = JSON.stringify(parse(PlanOutcome, outcome, "plan outcome"));
    return this.request("POST", AGENT_API.planOutcome(planId), body, undefined);
  }
}
