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
import { param, readJson } from "../http/body.ts";
import { type AppEnv, serviceContext } from "../http/env.ts";
import { route } from "../http/route.ts";
import { sourceAddress } from "../http/source-address.ts";
import { submitClaim } from "../provisioning/claim.ts";
import { createProvision } from "../provisioning/create.ts";
import { decideClaim } from "../provisioning/decide-claim.ts";
import { deleteProvision } from "../provisioning/delete.ts";
import { listClaims } from "../provisioning/list-claims.ts";
import { getProvision } from "../provisioning/lookup.ts";

const Deleted = v.strictObject({ mac: v.string(), deleted: v.literal(true) });
const States = v.pipe(
  v.string(),
  v.transform((s) => s.split(",")),
  v.array(ClaimState),
);

/**
 * /api/provision/:mac (admin: register, view, remove a MAC), POST /api/provision/:mac/claim
 * (no credentials: an appliance's signed zero-touch claim), /api/provision-claims (admin: list,
 * approve, reject claims).
 */
export function registerProvisionRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  const macOf = (c: { req: { param(n: string): string | undefined } }) =>
    param(MacAddress, c.req.param("mac"), "mac");
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/provision/:mac",
      summary: "A MAC's registration, with its one-time enroll code (a secret for out-of-band delivery)",
      auth: { admin: "msp-tech" },
      response: ProvisionRecord,
    },
    async (c) => c.json(await getProvision({ ctx: serviceContext(c, deps), input: { mac: macOf(c) } })),
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/provision/:mac",
      summary: "Register a MAC for a site (creates a one-time enroll code)",
      auth: { admin: "msp-tech" },
      body: ProvisionCreate,
      response: ProvisionRecord,
    },
    async (c) => {
      const mac = macOf(c);
      const input = await readJson(c, ProvisionCreate, "provisioning");
      return c.json(await createProvision({ ctx: serviceContext(c, deps), input: { ...input, mac } }), 201);
    },
  );
  route(
    app,
    deps,
    {
      method: "delete",
      path: "/api/provision/:mac",
      summary: "Remove a MAC's registration and its claims",
      auth: { admin: "msp-tech" },
      response: Deleted,
    },
    async (c) => c.json(await deleteProvision({ ctx: serviceContext(c, deps), input: { mac: macOf(c) } })),
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
      body: ClaimRequest,
      response: v.union([EnrollResponse, ClaimPending]),
    },
    async (c) => {
      const mac = macOf(c);
      const body = await readJson(c, ClaimRequest, "claim");
      const out = await submitClaim({
        ctx: { ...deps, actor: { type: "system", name: "provision-claim" }, requestId: c.get("requestId") },
        input: { mac, body, sourceAddress: sourceAddress(c) },
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
      response: ClaimList,
    },
    async (c) => {
      const mac = c.req.query("mac");
      const state = c.req.query("state");
      const claims = await listClaims({
        ctx: serviceContext(c, deps),
        input: {
          ...(mac !== undefined ? { mac: param(MacAddress, mac, "mac") } : {}),
          ...(state !== undefined ? { states: param(States, state, "state") } : {}),
        },
      });
      return c.json({ claims });
    },
  );
  const decide = (verb: "approve" | "reject", summary: string, body: v.GenericSchema) =>
    route(
      app,
      deps,
      {
        method: "post",
        path: `/api/provision-claims/:claimId/${verb}`,
        summary,
        auth: { admin: "msp-tech" },
        body,
        response: ClaimView,
      },
      async (c) => {
        const claimId = param(Id, c.req.param("claimId"), "claimId");
        const decision =
          verb === "approve"
            ? { approve: true as const, ...(await readJson(c, ClaimApprove, "claim approval")) }
            : { approve: false as const, ...(await readJson(c, ClaimReject, "claim rejection")) };
        return c.json(await decideClaim({ ctx: serviceContext(c, deps), input: { claimId, decision } }));
      },
    );
  decide(
    "approve",
    "Approve a claim: the body names the key fingerprint read on the appliance, which must be the claim's",
    ClaimApprove,
  );
  decide("reject", "Reject a claim: its key is never enrolled", ClaimReject);
}
