import * as v from "valibot";
import { Hex64, PosInt } from "../../../protocol/common.ts";
import { SignedUpdate, UpdateMetadata } from "../../../protocol/update.ts";

/** Size of one uploaded chunk of a release binary (under the server's request body cap). */
export const RELEASE_CHUNK_SIZE = 4 * 1024 * 1024;
/** Largest release binary accepted. */
export const MAX_RELEASE_SIZE = 512 * 1024 * 1024;
/** Longest metadata lifetime: appliances must see re-signed metadata at least this often. */
export const MAX_EXPIRY_SEC = 365 * 24 * 3600;

/** POST /api/releases: announce a release binary before uploading its chunks. */
export const ReleaseCreate = v.strictObject({
  version: UpdateMetadata.entries.version,
  sha256: Hex64,
  size: v.pipe(PosInt, v.maxValue(MAX_RELEASE_SIZE, `must be at most ${MAX_RELEASE_SIZE} bytes`)),
  /** Lifetime of the signed metadata from publication (default 30 days). */
  expiresInSec: v.optional(v.pipe(PosInt, v.maxValue(MAX_EXPIRY_SEC)), 30 * 24 * 3600),
});
export type ReleaseCreate = v.InferOutput<typeof ReleaseCreate>;

/** POST /api/releases/:version/sign: re-sign published metadata with a fresh expiry. */
export const ReleaseResign = v.strictObject({
  expiresInSec: v.pipe(PosInt, v.maxValue(MAX_EXPIRY_SEC)),
});
export type ReleaseResign = v.InferOutput<typeof ReleaseResign>;

/** A release as admins see it. */
export const ReleaseView = v.strictObject({
  version: UpdateMetadata.entries.version,
  sha256: Hex64,
  size: PosInt,
  chunkSize: PosInt,
  chunks: PosInt,
  state: v.picklist(["uploading", "published"]),
  createdBy: v.string(),
  createdAt: v.string(),
  publishedAt: v.nullable(v.string()),
  signed: v.nullable(SignedUpdate),
});
export type ReleaseView = v.InferOutput<typeof ReleaseView>;

/** GET /api/releases. */
export const ReleaseList = v.strictObject({ releases: v.array(ReleaseView) });
