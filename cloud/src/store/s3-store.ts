import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
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
 * not even the account root can delete a version before it expires. A key already holding the same
 * bytes (by SHA-256 metadata) is "already-present"; different bytes are refused before writing.
 */
export function s3Store(s: S3Settings, client = s3Client(s)): ObjectStore {
  return {
    kind: "s3",
    async put(key, body, opts): Promise<PutOutcome> {
      assertSafeKey(key);
      const sha = sha256Hex(body);
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: s.bucket, Key: key }));
        if (head.Metadata?.sha256 === sha) return "already-present";
        throw new ObjectLockedError(`${key} already exists with different content; refusing to overwrite`);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      await client.send(
        new PutObjectCommand({
          Bucket: s.bucket,
          Key: key,
          Body: body,
          ContentType: "application/json",
          Metadata: { sha256: sha },
          ...(s.objectLock
            ? { ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: opts.retainUntil }
            : {}),
        }),
      );
      return "created";
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
    async delete(key) {
      assertSafeKey(key);
      throw new ObjectLockedError(`${key}: evidence objects are write-once; delete refused`);
    },
  };
}
