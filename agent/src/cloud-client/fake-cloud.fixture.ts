/**
 * A loopback stand-in for the cloud's agent API (Bun.serve), for agent tests while the real cloud
 * is built elsewhere. It speaks the real protocol: bodies are decoded strictly and validated with
 * the protocol schemas, evidence is checked for signature, link and sequence like the cloud does.
 */
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { CheckinRequest, type CheckinResponse } from "../../../protocol/checkin.ts";
import { describeIssues } from "../../../protocol/common.ts";
import { bundleHash, bundleSigningBytes, EvidenceBundle } from "../../../protocol/evidence.ts";
import { IncidentReport } from "../../../protocol/incident.ts";
import { EvidenceUpload, type EvidenceUploadResult, KeyEscrow } from "../../../protocol/ingest.ts";
import { OrderAck, OrderCompletion, type SignedOrder } from "../../../protocol/order.ts";
import { PlanOutcome } from "../../../protocol/plan.ts";
import type { RuleSet } from "../../../protocol/rules.ts";
import { generateKeyPair, type KeyPair, verify } from "../../../protocol/sign.ts";
import { signPayload } from "../../../protocol/signed.ts";
import { parseJsonStrict } from "../../../protocol/strict-json.ts";
import { DEFAULT_SITE_CONFIG, type SiteConfig } from "../../../protocol/sync.ts";
import { DeviceReport } from "../../../protocol/targets.ts";
import { PROTOCOL_VERSION } from "../../../protocol/version.ts";

/** Everything the fake cloud received, for assertions. */
export interface FakeCloudState {
  bundles: EvidenceBundle[];
  checkins: CheckinRequest[];
  incidents: IncidentReport[];
  acks: { id: string; body: OrderAck }[];
  completions: { id: string; body: OrderCompletion }[];
  escrow: KeyEscrow[];
  /** Escrow requests received, answered or not. */
  escrowAttempts: number;
  /** Discovery reports received (POST /agent/devices). */
  devices: DeviceReport[];
  planOutcomes: { id: string; body: PlanOutcome }[];
  requests: number;
}

export interface FakeCloud {
  url: string;
  apiKey: string;
  orderKey: KeyPair;
  state: FakeCloudState;
  /** Answer every request with this status (e.g. 500, 429) until cleared. */
  failWith?: { status: number; retryAfter?: string };
  siteConfig: SiteConfig;
  /** The L1 rule set sync serves; checkin announces its version. */
  ruleSet: RuleSet;
  orders: SignedOrder[];
  /** Take escrow requests in but never answer them (a cloud that dies mid-request). */
  holdEscrow?: boolean;
  /** Forget evidence above `seq` (a cloud restored from an older backup). */
  forgetAfter(seq: number): void;
  stop(): Promise<void>;
}

/** Start the fake cloud on 127.0.0.1 (port 0 unless given). */
export function startFakeCloud(
  opts: { apiKey?: string; appliancePublicKey?: string; port?: number } = {},
): FakeCloud {
  const apiKey = opts.apiKey ?? "test-api-key-0123456789";
  const state: FakeCloudState = {
    bundles: [],
    checkins: [],
    incidents: [],
    acks: [],
    completions: [],
    escrow: [],
    devices: [],
    escrowAttempts: 0,
    planOutcomes: [],
    requests: 0,
  };
  const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
    Response.json(body, { status, headers });
  const fail = (status: number, code: string, message: string) =>
    json({ error: { code, message, retryable: status >= 500, requestId: "fake" } }, status);

  const ingest = (raw: unknown): EvidenceUploadResult["results"][number] => {
    const parsed = v.safeParse(EvidenceBundle, raw);
    if (!parsed.success)
      return { seq: 0, status: "rejected", reason: `malformed: ${describeIssues(parsed.issues)}` };
    const b = parsed.output;
    const head = state.bundles.at(-1);
    const headSeq = head?.seq ?? 0;
    if (b.seq <= headSeq) {
      const same = bundleHash(state.bundles[b.seq - 1]!) === bundleHash(b);
      return same
        ? { seq: b.seq, status: "already-stored" }
        : { seq: b.seq, status: "rejected", reason: "fork" };
    }
    if (b.seq !== headSeq + 1)
      return { seq: b.seq, status: "rejected", reason: `sequence gap after #${headSeq}` };
    if (head && b.prevHash !== bundleHash(head))
      return { seq: b.seq, status: "rejected", reason: "broken link" };
    if (opts.appliancePublicKey && !verify(bundleSigningBytes(b), b.sig, opts.appliancePublicKey)) {
      return { seq: b.seq, status: "rejected", reason: "bad signature" };
    }
    state.bundles.push(b);
    return { seq: b.seq, status: "stored" };
  };

  const cloud: FakeCloud = {
    url: "",
    apiKey,
    orderKey: generateKeyPair(),
    state,
    siteConfig: { ...DEFAULT_SITE_CONFIG, version: 1 },
    ruleSet: { version: 1, rules: [] },
    orders: [],
    forgetAfter(seq) {
      state.bundles.length = Math.min(state.bundles.length, seq);
    },
    stop: async () => {
      await server.stop(true);
    },
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: opts.port ?? 0,
    async fetch(req) {
      state.requests++;
      if (req.headers.get("authorization") !== `Bearer ${apiKey}`)
        return fail(401, "unauthorized", "bad API key");
      if (cloud.failWith) {
        const { status, retryAfter } = cloud.failWith;
        const r = fail(status, "injected", `injected ${status}`);
        if (retryAfter) r.headers.set("retry-after", retryAfter);
        return r;
      }
      const path = new URL(req.url).pathname;
      let body: unknown;
      if (req.method === "POST") {
        try {
          body = parseJsonStrict(new Uint8Array(await req.arrayBuffer()));
        } catch (e) {
          return fail(400, "bad_request", (e as Error).message);
        }
      }
      const check = <S extends v.GenericSchema>(schema: S): v.InferOutput<S> | Response => {
        const r = v.safeParse(schema, body);
        return r.success ? r.output : fail(400, "bad_request", describeIssues(r.issues));
      };
      if (req.method === "POST" && path === AGENT_API.checkin) {
        const c = check(CheckinRequest);
        if (c instanceof Response) return c;
        state.checkins.push(c);
        const res: CheckinResponse = {
          serverTime: new Date().toISOString(),
          protocolVersion: PROTOCOL_VERSION,
          configVersion: cloud.siteConfig.version,
          rulesVersion: cloud.ruleSet.version,
          pendingOrders: cloud.orders.length,
          chainSeq: state.bundles.length,
        };
        return json(res);
      }
      if (req.method === "GET" && path === AGENT_API.sync) {
        return json({
          config: signPayload(cloud.siteConfig, cloud.orderKey.secretKey),
          rules: signPayload(cloud.ruleSet, cloud.orderKey.secretKey),
        });
      }
      if (req.method === "POST" && path === AGENT_API.evidence) {
        const u = check(EvidenceUpload);
        if (u instanceof Response) return u;
        const results = u.bundles.map(ingest);
        return json({ headSeq: state.bundles.length, results } satisfies EvidenceUploadResult);
      }
      if (req.method === "GET" && path === AGENT_API.orders) return json({ orders: cloud.orders });
      if (req.method === "POST" && path === AGENT_API.incidents) {
        const r = check(IncidentReport);
        if (r instanceof Response) return r;
        state.incidents.push(r);
        return json({ ok: true });
      }
      if (req.method === "POST" && path === AGENT_API.escrow) {
        state.escrowAttempts++;
        if (cloud.holdEscrow) return new Promise<Response>(() => {});
        const k = check(KeyEscrow);
        if (k instanceof Response) return k;
        state.escrow.push(k);
        return new Response(null, { status: 204 });
      }
      if (req.method === "POST" && path === AGENT_API.devices) {
        const d = check(DeviceReport);
        if (d instanceof Response) return d;
        state.devices.push(d);
        return json({ recorded: d.devices.length });
      }
      const outcome = /^\/agent\/plan\/([^/]+)\/outcome$/.exec(path);
      if (req.method === "POST" && outcome) {
        const o = check(PlanOutcome);
        if (o instanceof Response) return o;
        state.planOutcomes.push({ id: decodeURIComponent(outcome[1]!), body: o });
        return new Response(null, { status: 204 });
      }
      const order = /^\/agent\/orders\/([^/]+)\/(ack|complete)$/.exec(path);
      if (req.method === "POST" && order) {
        const id = decodeURIComponent(order[1]!);
        if (order[2] === "ack") {
          const a = check(OrderAck);
          if (a instanceof Response) return a;
          state.acks.push({ id, body: a });
        } else {
          const c = check(OrderCompletion);
          if (c instanceof Response) return c;
          if (!cloud.orders.some((o) => o.payload.id === id)) return fail(404, "not_found", `no order ${id}`);
          state.completions.push({ id, body: c });
        }
        return json({ ok: true });
      }
      return fail(404, "not_found", `no route ${req.method} ${path}`);
    },
  });
  cloud.url = `http://127.0.0.1:${server.port}`;
  return cloud;
}
