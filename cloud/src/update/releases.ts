import { createHash } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import * as v from "valibot";
import { signPayload } from "../../../protocol/signed.ts";
import { SignedUpdate, type UpdateMetadata } from "../../../protocol/update.ts";
import { actorLabel } from "../actor.ts";
import { writeAudit } from "../audit/audit.ts";
import { assertFleetWide, assertRole } from "../auth/permissions.ts";
import type { ServiceCall, ServiceContext } from "../context.ts";
import type { CloudDeps } from "../deps.ts";
import { ApiError, badRequest, conflict, notFound } from "../http/errors.ts";
import { type AgentRelease, agentReleases } from "./schema.ts";
import { RELEASE_CHUNK_SIZE, type ReleaseCreate, type ReleaseResign, type ReleaseView } from "./schemas.ts";

/** Where appliances download a release (relative to the cloud URL; the agent adds its API key). */
export const binaryPath = (version: string) => `/agent/update/binary/${version}`;

const chunkKey = (r: Pick<AgentRelease, "version" | "sha256">, i: number) =>
  `releases/${r.version}/${r.sha256}/${i.toString().padStart(5, "0")}`;

// Release chunks are kept like evidence (write-once); a year is longer than any release is served.
const retainUntil = (now: Date) => new Date(now.getTime() + 365 * 24 * 3600_000);

/** The admin view of a release row. */
export function releaseView(r: AgentRelease): ReleaseView {
  return {
    version: r.version,
    sha256: r.sha256,
    size: r.size,
    chunkSize: r.chunkSize,
    chunks: r.chunks,
    state: r.state as ReleaseView["state"],
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    publishedAt: r.publishedAt?.toISOString() ?? null,
    signed: r.signed === null ? null : v.parse(SignedUpdate, r.signed),
  };
}

async function getRelease(db: CloudDeps["db"], version: string): Promise<AgentRelease> {
  const [row] = await db.select().from(agentReleases).where(eq(agentReleases.version, version));
  if (!row) throw notFound(`no release ${version}`);
  return row;
}

function adminOnly(ctx: ServiceContext): void {
  assertRole(ctx.actor, "msp-admin");
  assertFleetWide(ctx.actor);
}

/**
 * Announce a release (fleet-wide msp-admin): version, SHA-256 and size of the binary whose chunks
 * follow. Announcing the same version with the same digest again resumes the upload.
 */
export async function createRelease({ ctx, input }: { ctx: ServiceContext; input: ReleaseCreate }) {
  adminOnly(ctx);
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx.select().from(agentReleases).where(eq(agentReleases.version, input.version));
    if (existing) {
      if (existing.sha256 !== input.sha256 || existing.size !== input.size) {
        throw conflict(
          `release ${input.version} already exists with another binary (sha256 ${existing.sha256})`,
        );
      }
      return releaseView(existing);
    }
    const [row] = await tx
      .insert(agentReleases)
      .values({
        version: input.version,
        sha256: input.sha256,
        size: input.size,
        chunkSize: RELEASE_CHUNK_SIZE,
        chunks: Math.ceil(input.size / RELEASE_CHUNK_SIZE),
        state: "uploading",
        expiresInSec: input.expiresInSec,
        signed: null,
        createdBy: actorLabel(ctx.actor),
        createdAt: ctx.clock.now(),
      })
      .returning();
    await writeAudit(tx, ctx, { action: "release.create", target: `release:${input.version}`, args: input });
    return releaseView(row!);
  });
}

/** Store chunk `index` of a release being uploaded; its length must be exactly what the size implies. */
export async function uploadChunk({
  ctx,
  input,
}: ServiceCall<{ version: string; index: number; body: Uint8Array }>): Promise<{
  index: number;
  stored: string;
}> {
  adminOnly(ctx);
  const r = await getRelease(ctx.db, input.version);
  if (r.state !== "uploading") throw conflict(`release ${r.version} is already published`);
  if (input.index >= r.chunks)
    throw badRequest(`release ${r.version} has ${r.chunks} chunks (0–${r.chunks - 1})`);
  const expected = input.index === r.chunks - 1 ? r.size - r.chunkSize * (r.chunks - 1) : r.chunkSize;
  if (input.body.byteLength !== expected) {
    throw badRequest(
      `chunk ${input.index} of ${r.version} must be ${expected} bytes, got ${input.body.byteLength}`,
    );
  }
  const stored = await ctx.store.put(chunkKey(r, input.index), input.body, {
    retainUntil: retainUntil(ctx.clock.now()),
  });
  return { index: input.index, stored };
}

function signMetadata(ctx: CloudDeps, r: AgentRelease, expiresInSec: number) {
  const meta: UpdateMetadata = {
    version: r.version as UpdateMetadata["version"],
    sha256: r.sha256,
    size: r.size,
    url: binaryPath(r.version),
    platform: "linux-x64",
    expiresAt: new Date(ctx.clock.now().getTime() + expiresInSec * 1000).toISOString(),
  };
  return signPayload(meta, ctx.keys.secretKey);
}

/**
 * Publish an uploaded release: every chunk present, total size and SHA-256 as announced, then the
 * metadata is signed with the cloud key. The most recently published release is what appliances
 * are offered; they refuse anything not newer than what they run.
 */
export async function publishRelease({ ctx, version }: { ctx: ServiceContext; version: string }) {
  adminOnly(ctx);
  const r = await getRelease(ctx.db, version);
  const hash = createHash("sha256");
  let size = 0;
  for (let i = 0; i < r.chunks; i++) {
    const chunk = await ctx.store.get(chunkKey(r, i));
    if (!chunk) throw conflict(`release ${version}: chunk ${i} of ${r.chunks} has not been uploaded`);
    hash.update(chunk);
    size += chunk.byteLength;
  }
  const digest = hash.digest("hex");
  if (size !== r.size || digest !== r.sha256) {
    throw conflict(
      `release ${version}: uploaded ${size} bytes with SHA-256 ${digest}, announced ${r.size} / ${r.sha256}`,
    );
  }
  const signed = signMetadata(ctx, r, r.expiresInSec);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(agentReleases)
      .set({ state: "published", signed, publishedAt: ctx.clock.now() })
      .where(eq(agentReleases.version, version))
      .returning();
    await writeAudit(tx, ctx, {
      action: "release.publish",
      target: `release:${version}`,
      args: { sha256: digest },
    });
    return releaseView(row!);
  });
}

/** Re-sign a published release's metadata with a new expiry (and offer it again as the current one). */
export async function resignRelease({
  ctx,
  version,
  input,
}: {
  ctx: ServiceContext;
  version: string;
  input: ReleaseResign;
}) {
  adminOnly(ctx);
  const r = await getRelease(ctx.db, version);
  if (r.state !== "published") throw conflict(`release ${version} is not published yet`);
  const signed = signMetadata(ctx, r, input.expiresInSec);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(agentReleases)
      .set({ signed, publishedAt: ctx.clock.now() })
      .where(eq(agentReleases.version, version))
      .returning();
    await writeAudit(tx, ctx, { action: "release.sign", target: `release:${version}`, args: input });
    return releaseView(row!);
  });
}

/** Every release, newest first (any admin role). */
export async function listReleases(db: CloudDeps["db"]): Promise<ReleaseView[]> {
  return (await db.select().from(agentReleases).orderBy(desc(agentReleases.createdAt))).map(releaseView);
}

/** The release offered to appliances: the most recently published, or null. */
export async function currentRelease(db: CloudDeps["db"]): Promise<AgentRelease | null> {
  const [row] = await db
    .select()
    .from(agentReleases)
    .where(eq(agentReleases.state, "published"))
    .orderBy(desc(agentReleases.publishedAt))
    .limit(1);
  return row ?? null;
}

/** Stream a published release's binary chunk by chunk (never the whole file in memory). */
export async function releaseStream(
  deps: CloudDeps,
  version: string,
): Promise<{ size: number; body: ReadableStream<Uint8Array> }> {
  const [r] = await deps.db
    .select()
    .from(agentReleases)
    .where(and(eq(agentReleases.version, version), eq(agentReleases.state, "published")));
  if (!r) throw notFound(`no published release ${version}`);
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i >= r.chunks) return controller.close();
      const chunk = await deps.store.get(chunkKey(r, i));
      if (!chunk) {
        controller.error(
          new ApiError(500, "internal", `release ${version}: chunk ${i} is missing from the store`),
        );
        return;
      }
      i++;
      controller.enqueue(chunk);
    },
  });
  return { size: r.size, body };
}
