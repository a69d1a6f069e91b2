/** The business associate register: agreements with their signed copy in the object store. */
import * as v from "valibot";
import { sha256Hex } from "../../../protocol/hash.ts";
import { type BaaDocument, IsoDate } from "../../../protocol/program.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import { newId } from "../auth/secrets.ts";
import type { ServiceCall } from "../context.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { assertTechnician } from "./access.ts";
import { appendRecord, stateIn } from "./chain.ts";

/** Largest BAA document accepted (a scanned, signed PDF). */
export const MAX_BAA_BYTES = 5 * 1024 * 1024;
/** Signed copies are kept six years, what HIPAA asks of documentation. */
const RETAIN_DAYS = 6 * 365;

const Name = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120));

/** A BAA as the MSP records it (the signed copy is attached apart: attachBaaDocument). */
export const BaaInput = v.strictObject({
  vendor: Name,
  services: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(2_000)),
  phi: v.pipe(v.array(Name), v.minLength(1, "name the PHI the vendor touches"), v.maxLength(20)),
  signedOn: IsoDate,
  expiresOn: v.nullable(IsoDate),
});
export type BaaInput = v.InferOutput<typeof BaaInput>;

/** Object key of a BAA copy: by content hash under the site, so it is written once. */
export function baaObjectKey(siteId: string, sha256: string): string {
  return `${siteId}/program/baa/${sha256}.bin`;
}

/** Record a BAA (a new one, or a new version of `baaId` keeping its attached copy) (MSP technician). */
export async function recordBaa({
  ctx,
  input,
}: ServiceCall<{ siteId: string; baaId?: string } & BaaInput>): Promise<{ baaId: string; seq: number }> {
  assertTechnician(ctx, input.siteId);
  if (input.expiresOn && input.expiresOn <= input.signedOn)
    throw badRequest("expiresOn must be after signedOn");
  const baaId = input.baaId ?? newId("baa_");
  return ctx.db.transaction(async (tx) => {
    const prev = (await stateIn(tx, input.siteId)).baas.get(baaId);
    if (input.baaId && !prev) throw notFound(`no BAA "${input.baaId}"`);
    const seq = await appendRecord(
      tx,
      ctx,
      input.siteId,
      {
        type: "baa-recorded",
        baaId,
        vendor: input.vendor,
        services: input.services,
        phi: input.phi,
        signedOn: input.signedOn,
        expiresOn: input.expiresOn,
        document: prev?.baa.document ?? null,
      },
      `BAA with ${input.vendor} recorded (expires ${input.expiresOn ?? "never"})`,
    );
    return { baaId, seq };
  });
}

/** Content types a signed copy may have. */
export const BAA_CONTENT_TYPES = ["application/pdf", "image/png", "image/jpeg"] as const;

/**
 * Attach the signed copy of a BAA: stored write-once in the object store under its SHA-256, then
 * named (hash, size, type) by a new version of the BAA's record (MSP technician).
 */
export async function attachBaaDocument({
  ctx,
  input,
}: ServiceCall<{
  siteId: string;
  baaId: string;
  contentType: string;
  fileName: string;
  bytes: Uint8Array;
}>): Promise<{ seq: number; sha256: string }> {
  assertTechnician(ctx, input.siteId);
  if (!(BAA_CONTENT_TYPES as readonly string[]).includes(input.contentType))
    throw badRequest(`a BAA copy must be ${BAA_CONTENT_TYPES.join(", ")}`);
  if (!/^[\w .()-]{1,200}$/.test(input.fileName))
    throw badRequest("the file name must be plain (letters, digits, space . ( ) _ -)");
  if (input.bytes.length === 0) throw badRequest("the document is empty");
  const prev = (await stateIn(ctx.db, input.siteId)).baas.get(input.baaId);
  if (!prev || prev.ended) throw notFound(`no current BAA "${input.baaId}"`);
  const sha256 = sha256Hex(input.bytes);
  const objectKey = baaObjectKey(input.siteId, sha256);
  // Stored before any record names it; the same content again is the same write-once object.
  if ((await ctx.store.get(objectKey)) === null)
    await ctx.store.put(objectKey, input.bytes, {
      retainUntil: new Date(ctx.clock.now().getTime() + RETAIN_DAYS * 86_400_000),
    });
  const document: BaaDocument = {
    objectKey,
    sha256,
    bytes: input.bytes.length,
    contentType: input.contentType,
    fileName: input.fileName,
  };
  return ctx.db.transaction(async (tx) => {
    const cur = (await stateIn(tx, input.siteId)).baas.get(input.baaId);
    if (!cur || cur.ended) throw notFound(`no current BAA "${input.baaId}"`);
    const { at: _at, ...record } = cur.baa;
    const seq = await appendRecord(
      tx,
      ctx,
      input.siteId,
      { ...record, document },
      `signed copy of the BAA with ${cur.baa.vendor} attached (${sha256.slice(0, 12)}…)`,
    );
    return { seq, sha256 };
  });
}

/** End a BAA (the vendor no longer handles PHI). */
export async function endBaa({
  ctx,
  input,
}: ServiceCall<{ siteId: string; baaId: string; reason: string }>): Promise<{ seq: number }> {
  assertTechnician(ctx, input.siteId);
  return ctx.db.transaction(async (tx) => {
    const state = await stateIn(tx, input.siteId);
    const b = state.baas.get(input.baaId);
    if (!b || b.ended) throw notFound(`no current BAA "${input.baaId}"`);
    const seq = await appendRecord(
      tx,
      ctx,
      input.siteId,
      { type: "baa-ended", baaId: input.baaId, reason: input.reason },
      `BAA with ${b.baa.vendor} ended`,
    );
    return { seq };
  });
}

/** The signed copy of a BAA, checked against the hash its record names (read-only and up, portal included). */
export async function baaDocument({
  ctx,
  input,
}: ServiceCall<{ siteId: string; baaId: string }>): Promise<{ doc: BaaDocument; bytes: Uint8Array }> {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  const state = await stateIn(ctx.db, input.siteId);
  const doc = state.baas.get(input.baaId)?.baa.document;
  if (!doc) throw notFound(`BAA "${input.baaId}" has no document`);
  const bytes = await ctx.store.get(doc.objectKey);
  if (!bytes) throw notFound(`the document of BAA "${input.baaId}" is missing from the store`);
  if (sha256Hex(bytes) !== doc.sha256)
    throw new Error(`BAA ${input.baaId}: stored document does not match its recorded SHA-256`);
  return { doc, bytes };
}
