import type { Hono } from "hono";
import * as v from "valibot";
import { Id } from "../../../protocol/common.ts";
import type { RouteDeps } from "../deps.ts";
import { listEvidenceAlerts } from "../evidence/alerts.ts";
import { nativeBatchVerifier } from "../evidence/ed25519-batch.ts";
import { exportSiteChain } from "../evidence/export.ts";
import { parallelVerifier } from "../evidence/parallel-verify.ts";
import { siteKeys } from "../evidence/site-keys.ts";
import { inlineVerifier, verifySiteChain } from "../evidence/verify-site.ts";
import { param } from "../http/body.ts";
import { type AppEnv, serviceContext } from "../http/env.ts";
import { route } from "../http/route.ts";
import { enforce } from "../ratelimit/limiter.ts";

const CloudKey = v.strictObject({ keyId: v.string(), publicKey: v.string() });
const siteOnly = { admin: "read-only" as const, siteParam: "siteId" };

/** Verification: public keys, per-site chain audit, JSONL export, chain alerts. */
export function registerEvidenceRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  const siteIdOf = (c: { req: { param(n: string): string | undefined } }) =>
    param(Id, c.req.param("siteId"), "siteId");
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
    (c) => c.json({ keyId: deps.keys.keyId, publicKey: deps.keys.publicKey }),
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/keys",
      summary: "Identity public keys of a site's appliances (?format=text: one key per line, for --pubkey)",
      auth: siteOnly,
    },
    async (c) => {
      const keys = await siteKeys({ ctx: serviceContext(c, deps), input: { siteId: siteIdOf(c) } });
      if (c.req.query("format") === "text") {
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
    },
    async (c) => {
      const ctx = serviceContext(c, deps);
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
            input: { siteId: siteIdOf(c) },
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
      produces: "application/x-ndjson",
    },
    (c) => {
      const siteId = siteIdOf(c);
      const body = exportSiteChain({ ctx: serviceContext(c, deps), input: { siteId } });
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
    },
    async (c) =>
      c.json(await listEvidenceAlerts({ ctx: serviceContext(c, deps), input: { siteId: siteIdOf(c) } })),
  );
}
