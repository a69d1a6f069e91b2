import type { Hono } from "hono";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { SignedUpdate, UpdateMetadata } from "../../../protocol/update.ts";
import type { RouteDeps } from "../deps.ts";
import { readBodyBytes } from "../http/body.ts";
import type { AppEnv } from "../http/env.ts";
import { notFound } from "../http/errors.ts";
import { route } from "../http/route.ts";
import {
  binaryPath,
  createRelease,
  currentRelease,
  listReleases,
  publishRelease,
  releaseStream,
  resignRelease,
  uploadChunk,
} from "./releases.ts";
import { RELEASE_CHUNK_SIZE, ReleaseCreate, ReleaseList, ReleaseResign, ReleaseView } from "./schemas.ts";

const Version = UpdateMetadata.entries.version;
const ChunkIndex = v.pipe(v.string(), v.regex(/^\d{1,5}$/, "must be a chunk number"), v.transform(Number));
const VersionParams = v.object({ version: Version });

/**
 * Remote update: admins announce, upload (in chunks) and publish agent releases, whose metadata the
 * cloud signs; appliances fetch the current signed metadata and the binary.
 */
export function registerUpdate(app: Hono<AppEnv>, deps: RouteDeps): void {
  route(
    app,
    deps,
    {
      method: "get",
      path: AGENT_API.update,
      summary: "Signed metadata of the current agent release (404 when none is published)",
      auth: "appliance",
      response: SignedUpdate,
    },
    async ({ c }) => {
      const r = await currentRelease(deps.db);
      if (!r?.signed) throw notFound("no agent release is published");
      return c.json(r.signed);
    },
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: binaryPath(":version"),
      summary: "The binary of a published agent release",
      auth: "appliance",
      params: VersionParams,
      produces: "application/octet-stream",
    },
    async ({ params }) => {
      const { size, body } = await releaseStream(deps, params.version);
      return new Response(body, {
        headers: { "content-type": "application/octet-stream", "content-length": String(size) },
      });
    },
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/releases",
      summary: "Agent releases, newest first",
      auth: { admin: "read-only" },
      response: ReleaseList,
    },
    async ({ c }) => c.json({ releases: await listReleases(deps.db) }),
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/releases",
      summary: "Announce an agent release (version, SHA-256, size) before uploading it",
      auth: { admin: "msp-admin" },
      body: ReleaseCreate,
      response: ReleaseView,
      privileged: true,
    },
    async ({ c, ctx, body }) => c.json(await createRelease({ ctx, input: body }), 201),
  );
  route(
    app,
    deps,
    {
      method: "put",
      path: "/api/releases/:version/chunks/:index",
      summary: `Upload one chunk (${RELEASE_CHUNK_SIZE} bytes, the last one shorter) of an announced release`,
      auth: { admin: "msp-admin" },
      params: v.object({ version: Version, index: ChunkIndex }),
    },
    async ({ c, ctx, params }) => {
      const body = await readBodyBytes(c, RELEASE_CHUNK_SIZE);
      return c.json(await uploadChunk({ ctx, input: { ...params, body } }));
    },
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/releases/:version/publish",
      summary: "Verify an uploaded release and publish its signed metadata to appliances",
      auth: { admin: "msp-admin" },
      params: VersionParams,
      response: ReleaseView,
      privileged: true,
    },
    async ({ c, ctx, params }) => c.json(await publishRelease({ ctx, version: params.version })),
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/releases/:version/sign",
      summary: "Re-sign a published release's metadata with a new expiry and offer it as current",
      auth: { admin: "msp-admin" },
      params: VersionParams,
      body: ReleaseResign,
      response: ReleaseView,
      privileged: true,
    },
    async ({ c, ctx, params, body }) =>
      c.json(await resignRelease({ ctx, version: params.version, input: body })),
  );
}
