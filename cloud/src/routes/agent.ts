import type { Hono } from "hono";
import { AGENT_API } from "../../../protocol/api.ts";
import { CheckinRequest, CheckinResponse } from "../../../protocol/checkin.ts";
import { EvidenceUpload, EvidenceUploadResult } from "../../../protocol/ingest.ts";
import { EnrollRequest, EnrollResponse } from "../../../protocol/provision.ts";
import { SyncResponse } from "../../../protocol/sync.ts";
import { checkin } from "../agent-api/checkin.ts";
import { syncFor } from "../agent-api/sync.ts";
import type { RouteDeps } from "../deps.ts";
import { ingestEvidence, type RejectKind } from "../evidence/ingest.ts";
import { requestAddress } from "../http/client-address.ts";
import type { AppEnv } from "../http/env.ts";
import { ApiError } from "../http/errors.ts";
import { route } from "../http/route.ts";
import { enroll } from "../provisioning/enroll.ts";

/** Largest evidence upload accepted (500 bundles of a busy site). */
export const MAX_EVIDENCE_BODY = 8 * 1024 * 1024;

const STATUS_OF: Record<RejectKind, 403 | 409 | 422> = {
  "wrong-appliance": 403,
  "sequence-gap": 409,
  fork: 409,
  "broken-link": 409,
  malformed: 422,
  "future-dated": 422,
  backdated: 422,
  "unknown-key": 422,
  "bad-signature": 422,
  "state-mismatch": 422,
};

/** Agent endpoints: check-in, sync, evidence upload, enrolment (see protocol/api.ts). */
export function registerAgentRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  route(
    app,
    deps,
    {
      method: "post",
      path: AGENT_API.checkin,
      summary: "Appliance check-in",
      auth: "appliance",
      body: CheckinRequest,
      response: CheckinResponse,
    },
    async ({ c, ctx, body }) =>
      c.json(await checkin({ ctx, input: body, identityKey: c.get("identityKey") })),
  );

  route(
    app,
    deps,
    {
      method: "get",
      path: AGENT_API.sync,
      summary: "Signed site config and L1 rules",
      auth: "appliance",
      response: SyncResponse,
    },
    async ({ c, ctx }) => c.json(await syncFor({ ctx })),
  );

  route(
    app,
    deps,
    {
      method: "post",
      path: AGENT_API.evidence,
      summary:
        "Upload evidence bundles in chain order. 200 when every bundle is stored or already stored; otherwise " +
        "403/409/422 in the error envelope with details.result (an EvidenceUploadResult) naming each bundle's fate",
      auth: "appliance",
      body: EvidenceUpload,
      maxBody: MAX_EVIDENCE_BODY,
      response: EvidenceUploadResult,
    },
    async ({ c, ctx, body }) => {
      const out = await ingestEvidence({ ctx, input: body });
      if (!out.rejection) return c.json(out.result);
      const r = out.rejection;
      throw new ApiError(STATUS_OF[r.kind], r.kind, `bundle #${r.seq} refused (${r.kind}): ${r.message}`, {
        details: { result: out.result },
      });
    },
  );

  route(
    app,
    deps,
    {
      method: "post",
      path: AGENT_API.enroll,
      summary:
        "Exchange a one-time enroll code (delivered out of band) and a fresh identity key, signed by it, for an API key",
      auth: "enroll-code",
      body: EnrollRequest,
      response: EnrollResponse,
      system: "enroll",
    },
    async ({ c, ctx, body }) =>
      c.json(await enroll({ ctx, input: { body, sourceAddress: requestAddress(c, deps.config) } })),
  );
}
