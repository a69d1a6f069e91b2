import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { sha256Hex } from "../../../protocol/hash.ts";
import { assertSafeKey, ObjectLockedError, type ObjectStore, type PutOutcome } from "./object-store.ts";

/** Where and how to reach the bucket. */
export interface S3Settings {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Put each object under Object Lock COMPLIANCE until its retain-until date (off only for servers without lock support). */
  objectLock: boolean;
  /**
   * The server honours `If-None-Match: *` on PutObject (AWS S3 since 2024, moto): a write never
   * adds a second version, however many writers race. Off only for servers that ignore the header
   * (s3rver); there the store checks for the key first, which two racing writers can both pass.
   */
  conditionalWrites: boolean;
}

/** An S3 client configured for path-style addressing (works with MinIO, moto and s3rver on loopback). */
export function s3Client(s: S3Settings): S3Client {
  return new S3Client({
    endpoint: s.endpoint,
    region: s.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
  });
}

/** 412: the conditional write found the key taken; 409: a conditional write of it is in flight. */
function lostRace(e: unknown): boolean {
  return (
    e instanceof S3ServiceException &&
    (e.$metadata.httpStatusCode === 412 ||
      e.$metadata.httpStatusCode === 409 ||
      e.name === "PreconditionFailed" ||
      e.name === "ConditionalRequestConflict")
  );
}

function isNotFound(e: unknown): boolean {
  return (
    e instanceof S3ServiceException &&
    (e.$metadata.httpStatusCode === 404 || e.name === "NotFound" || e.name === "NoSuchKey")
  );
}

/** Create the bucket (with Object Lock enabled, which also turns on versioning) if it is missing. */
export async function ensureBucket(s: S3Settings, client = s3Client(s)): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: s.bucket }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await client.send(
      new CreateBucketCommand({
        Bucket: s.bucket,
        ...(s.objectLock ? { ObjectLockEnabledForBucket: true } : {}),
      }),
    );
  }
}

/**
 * S3 evidence store: PutObject with Object Lock COMPLIANCE and a retain-until date per object, so
 * not even the account root can delete a version before it expires. Each key is written once: with
 * conditional writes the PUT itself refuses a taken key; without, the key is checked first. A key
 * already holding the same bytes (by SHA-256 metadata) is "already-present"; different bytes are
 * refused (ObjectLockedError).
 */
export function s3Store(s: S3Settings, client = s3Client(s)): ObjectStore {
  /** What the key holds now: null when absent. */
  async function existing(key: string, sha: string): Promise<PutOutcome | null> {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: s.bucket, Key: key }));
      if (head.Metadata?.sha256 === sha) return "already-present";
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
    throw new ObjectLockedError(`${key} already exists with different content; refusing to overwrite`);
  }
  return {
    kind: "s3",
    async put(key, body, opts): Promise<PutOutcome> {
      assertSafeKey(key);
      const sha = sha256Hex(body);
      if (!s.conditionalWrites) {
        const found = await existing(key, sha);
        if (found) return found;
      }
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: s.bucket,
            Key: key,
            Body: body,
            ContentType: key.endsWith(".gz") ? "application/gzip" : "application/json",
            Metadata: { sha256: sha },
            ...(s.conditionalWrites ? { IfNoneMatch: "*" } : {}),
            ...(s.objectLock
              ? { ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: opts.retainUntil }
              : {}),
          }),
        );
        return "created";
      } catch (e) {
        if (!s.conditionalWrites || !lostRace(e)) throw e;
        // Another writer got there first: what it wrote decides (a write still in flight: retry later).
        const found = await existing(key, sha);
        if (found) return found;
        throw new Error(`${key}: another write of this object is in progress (S3 409/412); will retry`);
      }
    },
    async get(key) {
      assertSafeKey(key);
      try {
        const r = await client.send(new GetObjectCommand({ Bucket: s.bucket, Key: key }));
        return r.Body ? await r.Body.transformToByteArray() : new Uint8Array();
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    },
    async *list(prefix) {
      let token: string | undefined;
      do {
        const r = await client.send(
          new ListObjectsV2Command({
            Bucket: s.bucket,
            Prefix: prefix || undefined,
            ContinuationToken: token,
          }),
        );
        for (const o of r.Contents ?? []) if (o.Key) yield o.Key;
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    },
    async delete(key) {
      assertSafeKey(key);
      throw new ObjectLockedError(`${key}: evidence objects are write-once; delete refused`);
    },
  };
}
