import type { Hono } from "hono";
import * as v from "valibot";
import type { RouteDeps } from "../deps.ts";
import { listEvidenceAlerts } from "../evidence/alerts.ts";
import { nativeBatchVerifier } from "../evidence/ed25519-batch.ts";
import { exportSiteChain } from "../evidence/export.ts";
import { parallelVerifier } from "../evidence/parallel-verify.ts";
import { siteKeys } from "../evidence/site-keys.ts";
import { inlineVerifier, verifySiteChain } from "../evidence/verify-site.ts";
import type { AppEnv } from "../http/env.ts";
import { idParams } from "../http/params.ts";
import { route } from "../http/route.ts";
import { enforce } from "../ratelimit/limiter.ts";

const CloudKey = v.strictObject({ keyId: v.string(), publicKey: v.string() });
const siteOnly = { admin: "read-only" as const, siteParam: "siteId" };
const SiteParams = idParams("siteId");
const KeysQuery = v.object({ format: v.optional(v.picklist(["json", "text"])) });

/** Verification: public keys, per-site chain audit, JSONL export, chain alerts. */
export function registerEvidenceRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/keys/cloud",
      summary: "The cloud's public key (verifies orders, rules, config and plans)",
      auth: "none",
      response: CloudKey,
    },
    ({ c }) => c.json({ keyId: deps.keys.keyId, publicKey: deps.keys.publicKey }),
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
      summary: "Re-verify the site's whole stored chain; answers the first break, if any",
      auth: siteOnly,
      params: SiteParams,
    },
    async ({ c, ctx, params }) => {
      // CPU-heavy: its own budget per caller, then worker threads for the duration of the request.
      const who = ctx.actor.type === "admin" ? ctx.actor.tokenId : "other";
      await enforce(
        deps.db,
        deps.clock,
        `verify:${who}`,
        deps.config.rateLimits.chainVerify,
        "chain verifications",
      );
      // With the native batch verifier one thread feeds native threads best; without it,
      // node:crypto verifies one signature at a time, so worker threads share the load.
      const pool = nativeBatchVerifier() ? null : parallelVerifier();
      try {
        return c.json(
          await verifySiteChain({
            ctx,
            input: params,
            verifier: pool?.verify ?? inlineVerifier,
          }),
        );
      } finally {
        pool?.close();
      }
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
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/evidence/alerts",
      summary: "Chain alerts recorded at ingest",
      auth: siteOnly,
      params: SiteParams,
    },
    async ({ c, ctx, params }) => c.json(await listEvidenceAlerts({ ctx, input: params })),
  );
}
