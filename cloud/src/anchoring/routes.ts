import type { Hono } from "hono";
import * as v from "valibot";
import { Id } from "../../../protocol/common.ts";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { idParams } from "../http/params.ts";
import { route, verbRoute } from "../http/route.ts";
import { AnchorView, anchorFile, listAnchors } from "./verbs.ts";

const Count = v.pipe(
  v.string(),
  v.regex(/^(0|[1-9][0-9]{0,14})$/, "must be a whole number"),
  v.transform(Number),
);
const siteReader = { admin: "read-only" as const, siteParam: "siteId" };

/** Time-stamp tokens and .ots files of a site's checkpoints, for the auditor's kit. */
export function registerAnchoringRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  verbRoute(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/tlog/anchors",
      summary: "External time anchors (RFC 3161 tokens, OpenTimestamps files) of the site's checkpoints",
      auth: siteReader,
      params: idParams("siteId"),
      query: v.object({ treeSize: v.optional(Count) }),
      response: v.array(AnchorView),
    },
    listAnchors,
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/tlog/anchors/:anchorId",
      summary:
        "Download one anchor: a DER TimeStampToken (.tst, `openssl ts -verify -token_in`) or a detached .ots file",
      auth: siteReader,
      params: v.object({ siteId: Id, anchorId: Count }),
    },
    async ({ ctx, params }) => {
      const f = await anchorFile({ ctx, input: params });
      return new Response(new Uint8Array(f.bytes), {
        headers: {
          "content-type": f.contentType,
          "content-disposition": `attachment; filename="${f.fileName}"`,
        },
      });
    },
  );
}
