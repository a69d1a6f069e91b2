import type { Hono } from "hono";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { Hex64, Id } from "../../../protocol/common.ts";
import { ConsistencyProof, InclusionProof, LogView } from "../../../protocol/transparency.ts";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { idParams } from "../http/params.ts";
import { route, verbRoute } from "../http/route.ts";
import { downloadKit, KitPeriodInput } from "./kit/download.ts";
import {
  applianceLogView,
  checkpointNow,
  proveConsistency,
  proveInclusion,
  siteCheckpoint,
} from "./verbs.ts";

const SiteParams = idParams("siteId");
const siteOnly = { admin: "read-only" as const, siteParam: "siteId" };
const CheckpointView = v.strictObject({
  siteId: v.string(),
  size: v.number(),
  root: v.string(),
  note: v.string(),
  keyId: v.string(),
  createdAt: v.string(),
  verifierKey: v.string(),
});
const Count = v.pipe(
  v.string(),
  v.regex(/^(0|[1-9][0-9]{0,14})$/, "must be a whole number"),
  v.transform(Number),
);
const InclusionQuery = v.object({
  bundleHash: v.optional(Hex64),
  applianceId: v.optional(Id),
  seq: v.optional(Count),
  treeSize: v.optional(Count),
});
const ConsistencyQuery = v.object({ from: Count, to: v.optional(Count) });
const CheckpointQuery = v.object({ format: v.optional(v.picklist(["note", "json"]), "note") });

/** The site's transparency log: latest checkpoint (stable URL), checkpoint on demand, proofs. */
export function registerTransparencyRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  verbRoute(
    app,
    deps,
    {
      method: "get",
      path: AGENT_API.tlog,
      summary:
        "The calling appliance's site log: its newest signed checkpoint and the consistency proof from ?from " +
        "(the size the appliance stored) to it",
      auth: "appliance",
      query: v.object({ from: v.optional(Count) }),
      response: LogView,
    },
    applianceLogView,
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/tlog/checkpoint",
      summary:
        "The site log's latest signed checkpoint (a C2SP signed note; ?format=json adds its verifier key)",
      auth: siteOnly,
      params: SiteParams,
      query: CheckpointQuery,
    },
    async ({ c, ctx, params, query }) => {
      const cp = await siteCheckpoint({ ctx, input: params });
      return query.format === "json" ? c.json(cp) : c.text(cp.note);
    },
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/tlog/checkpoints",
      summary: "Sign a checkpoint of the site's log now",
      auth: { admin: "msp-tech", siteParam: "siteId" },
      params: SiteParams,
      body: v.strictObject({}),
      response: CheckpointView,
    },
    async ({ c, ctx, params }) => c.json(await checkpointNow({ ctx, input: params }), 201),
  );
  verbRoute(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/tlog/inclusion",
      summary: "Inclusion proof of a bundle (by bundleHash, or applianceId and seq) in the site's log",
      auth: siteOnly,
      params: SiteParams,
      query: InclusionQuery,
      response: InclusionProof,
    },
    proveInclusion,
  );
  verbRoute(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/tlog/consistency",
      summary: "Consistency proof between two sizes of the site's log (to: the current size by default)",
      auth: siteOnly,
      params: SiteParams,
      query: ConsistencyQuery,
      response: ConsistencyProof,
    },
    proveConsistency,
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/tlog/kit",
      summary:
        "The auditor's kit of the site for whole UTC days [from, to): a tar of the period's bundles, the signed " +
        "checkpoints, the log's leaves, inclusion proofs, keys, SHA256SUMS, a README and verify_kit.py " +
        "(byte-identical across downloads; rate-limited; each download audited)",
      auth: siteOnly,
      params: SiteParams,
      query: KitPeriodInput,
      produces: "application/x-tar",
    },
    async ({ c, ctx, params, query }) => {
      const kit = await downloadKit({ ctx, input: { ...params, ...query } });
      return c.body(kit.bytes, 200, {
        "content-type": "application/x-tar",
        "content-disposition": `attachment; filename="${kit.fileName}"`,
      });
    },
  );
}
