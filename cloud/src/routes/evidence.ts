import type { Hono } from "hono";
import * as v from "valibot";
import { CloudKeyList } from "../../../protocol/key-rotation.ts";
import type { RouteDeps } from "../deps.ts";
import { listEvidenceAlerts } from "../evidence/alerts.ts";
import { auditSiteChain } from "../evidence/chain-audit.ts";
import { exportSiteChain } from "../evidence/export.ts";
import { siteKeys } from "../evidence/site-keys.ts";
import type { AppEnv } from "../http/env.ts";
import { idParams } from "../http/params.ts";
import { route, verbRoute } from "../http/route.ts";
import { cloudKeyHistory } from "../keys/keyring.ts";
import { enforce } from "../ratelimit/limiter.ts";

const siteOnly = { admin: "read-only" as const, siteParam: "siteId" };
const SiteParams = idParams("siteId");
const KeysQuery = v.object({ format: v.optional(v.picklist(["json", "text"])) });
const VerifyQuery = v.object({ signatures: v.optional(v.picklist(["heads", "all"]), "heads") });

/** Verification: public keys, per-site chain audit, JSONL export, chain alerts. */
export function registerEvidenceRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/keys/cloud",
      summary:
        "The cloud's public key (verifies orders, rules, config, plans and log checkpoints) and every key it has " +
        "signed with, each with its validity window and the rotation, signed by its predecessor, that introduced it",
      auth: "none",
      response: CloudKeyList,
    },
    async ({ c }) =>
      c.json({
        keyId: deps.keys.keyId,
        publicKey: deps.keys.publicKey,
        keys: await cloudKeyHistory(deps.db),
      }),
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/keys",
      summary: "Identity public keys of a site's appliances (?format=text: one key per line, for --pubkey)",
      auth: siteOnly,
      params: SiteParams,
      query: KeysQuery,
    },
    async ({ c, ctx, params, query }) => {
      const keys = await siteKeys({ ctx, input: params });
      if (query.format === "text") {
        return c.text(keys.appliances.map((k) => `${k.applianceId} ${k.publicKey}\n`).join(""));
      }
      return c.json(keys);
    },
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/evidence/verify",
      summary:
        "Audit the site's whole stored chain (shape, sequence and link of every bundle; each appliance's head " +
        "signature and every signature ingest did not vouch for; ?signatures=all verifies every one): the " +
        "first break, if any, and what was checked",
      auth: siteOnly,
      params: SiteParams,
      query: VerifyQuery,
    },
    async ({ c, ctx, params, query }) => {
      // CPU-heavy (in worker threads): its own budget per caller.
      const who = ctx.actor.type === "admin" ? ctx.actor.tokenId : "other";
      await enforce(
        deps.db,
        deps.clock,
        `verify:${who}`,
        deps.config.rateLimits.chainVerify,
        "chain verifications",
      );
      return c.json(await auditSiteChain({ ctx, input: { ...params, signatures: query.signatures } }));
    },
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/evidence/export",
      summary: "The site's chain as JSONL (malachor evidence verify accepts it)",
      auth: siteOnly,
      params: SiteParams,
      produces: "application/x-ndjson",
    },
    ({ c, ctx, params }) => {
      const { siteId } = params;
      const body = exportSiteChain({ ctx, input: { siteId } });
      return c.body(body, 200, {
        "content-type": "application/x-ndjson",
        "content-disposition": `attachment; filename="${siteId}-evidence.jsonl"`,
      });
    },
  );
  verbRoute(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/evidence/alerts",
      summary: "Chain alerts recorded at ingest",
      auth: siteOnly,
      params: SiteParams,
    },
    listEvidenceAlerts,
  );
}
