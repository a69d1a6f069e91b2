import type { Hono } from "hono";
import * as v from "valibot";
import { Id } from "../../../protocol/common.ts";
import {
  ClaimApprove,
  ClaimList,
  ClaimPending,
  ClaimReject,
  ClaimRequest,
  ClaimState,
  ClaimView,
  EnrollResponse,
  MacAddress,
  ProvisionCreate,
  ProvisionRecord,
} from "../../../protocol/provision.ts";
import type { RouteDeps } from "../deps.ts";
import { requestAddress } from "../http/client-address.ts";
import type { AppEnv } from "../http/env.ts";
import { route, verbRoute } from "../http/route.ts";
import { submitClaim } from "../provisioning/claim.ts";
import { createProvision } from "../provisioning/create.ts";
import { decideClaim } from "../provisioning/decide-claim.ts";
import { deleteProvision } from "../provisioning/delete.ts";
import { listClaims } from "../provisioning/list-claims.ts";
import { getProvision } from "../provisioning/lookup.ts";

const Deleted = v.strictObject({ mac: v.string(), deleted: v.literal(true) });
const MacParams = v.object({ mac: MacAddress });
const ClaimParams = v.object({ claimId: Id });
const ClaimsQuery = v.object({
  mac: v.optional(MacAddress),
  state: v.optional(
    v.pipe(
      v.string(),
      v.transform((s) => s.split(",")),
      v.array(ClaimState),
    ),
  ),
});

/**
 * /api/provision/:mac (admin: register, view, remove a MAC), POST /api/provision/:mac/claim
 * (no credentials: an appliance's signed zero-touch claim), /api/provision-claims (admin: list,
 * approve, reject claims).
 */
export function registerProvisionRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  verbRoute(
    app,
    deps,
    {
      method: "get",
      path: "/api/provision/:mac",
      summary: "A MAC's registration, with its one-time enroll code (a secret for out-of-band delivery)",
      auth: { admin: "msp-tech" },
      params: MacParams,
      response: ProvisionRecord,
    },
    getProvision,
  );
  verbRoute(
    app,
    deps,
    {
      method: "post",
      path: "/api/provision/:mac",
      summary: "Register a MAC for a site (creates a one-time enroll code)",
      auth: { admin: "msp-tech" },
      params: MacParams,
      body: ProvisionCreate,
      response: ProvisionRecord,
    },
    createProvision,
    201,
  );
  verbRoute(
    app,
    deps,
    {
      method: "delete",
      path: "/api/provision/:mac",
      summary: "Remove a MAC's registration and its claims",
      auth: { admin: "msp-tech" },
      params: MacParams,
      response: Deleted,
    },
    deleteProvision,
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/provision/:mac/claim",
      summary:
        "Zero-touch enrolment: a claim signed by the fresh key it enrols; 202 while it waits for a technician's approval, 200 with the API key once approved",
      auth: "none",
      system: "provision-claim",
      params: MacParams,
      body: ClaimRequest,
      response: v.union([EnrollResponse, ClaimPending]),
    },
    async ({ c, ctx, params, body }) => {
      const out = await submitClaim({
        ctx,
        input: { mac: params.mac, body, sourceAddress: requestAddress(c, deps.config) },
      });
      return c.json(out.body, out.status);
    },
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/provision-claims",
      summary: "Enrolment claims, newest first (?mac=, ?state=pending,approved)",
      auth: { admin: "read-only" },
      query: ClaimsQuery,
      response: ClaimList,
    },
    async ({ c, ctx, query }) => {
      const claims = await listClaims({
        ctx,
        input: {
          ...(query.mac !== undefined ? { mac: query.mac } : {}),
          ...(query.state !== undefined ? { states: query.state } : {}),
        },
      });
      return c.json({ claims });
    },
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/provision-claims/:claimId/approve",
      summary:
        "Approve a claim: the body names the key fingerprint read on the appliance, which must be the claim's",
      auth: { admin: "msp-tech" },
      params: ClaimParams,
      body: ClaimApprove,
      response: ClaimView,
    },
    async ({ c, ctx, params, body }) =>
      c.json(await decideClaim({ ctx, input: { ...params, decision: { approve: true, ...body } } })),
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/provision-claims/:claimId/reject",
      summary: "Reject a claim: its key is never enrolled",
      auth: { admin: "msp-tech" },
      params: ClaimParams,
      body: ClaimReject,
      response: ClaimView,
    },
    async ({ c, ctx, params, body }) =>
      c.json(await decideClaim({ ctx, input: { ...params, decision: { approve: false, ...body } } })),
  );
}
