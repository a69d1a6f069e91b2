import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  DeleteObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
} from "@aws-sdk/client-s3";
import { motoAvailable, startMoto, startS3rver, type TestS3 } from "../testing/s3-servers.ts";
import { evidenceObjectKey, ObjectLockedError } from "./object-store.ts";
import { ensureBucket, s3Client, s3Store } from "./s3-store.ts";

const enc = new TextEncoder();
const servers: [string, () => Promise<TestS3>, boolean][] = [
  ["s3rver", () => startS3rver(), true],
  ["moto", () => startMoto(), motoAvailable()],
];

for (const [name, start, available] of servers) {
  describe.skipIf(!available)(`S3 evidence store on ${name}`, () => {
    let s3: TestS3;
    beforeAll(async () => {
      s3 = await start();
      await ensureBucket(s3.settings);
    }, 30_000);
    afterAll(async () => {
      await s3?.stop();
    });

    test("put creates, an identical put is already-present, a different body is refused", async () => {
      const store = s3Store(s3.settings);
      const key = "site-a/2026/11/app-1-1.json";
      const retainUntil = new Date(Date.now() + 30 * 86_400_000);
      expect(await store.put(key, enc.encode('{"a":1}'), { retainUntil })).toBe("created");
      expect(await store.put(key, enc.encode('{"a":1}'), { retainUntil })).toBe("already-present");
      await expect(store.put(key, enc.encode('{"a":2}'), { retainUntil })).rejects.toBeInstanceOf(
        ObjectLockedError,
      );
      expect(new TextDecoder().decode((await store.get(key))!)).toBe('{"a":1}');
      expect(await store.get("site-a/2026/11/missing.json")).toBeNull();
      await expect(store.delete(key)).rejects.toBeInstanceOf(ObjectLockedError);
    });

    test("keys built from any valid id are accepted", async () => {
      const store = s3Store(s3.settings);
      const retainUntil = new Date(Date.now() + 86_400_000);
      for (const id of ["a", "front.desk-2_A", `${"x.".repeat(31)}yy`]) {
        const key = evidenceObjectKey(id, id, 1, new Date("2026-11-25T00:00:00Z"));
        expect(await store.put(key, enc.encode("{}"), { retainUntil })).toBe("created");
        expect(new TextDecoder().decode((await store.get(key))!)).toBe("{}");
      }
    });

    test("list pages through every key under a prefix (what disaster recovery reads)", async () => {
      const store = s3Store(s3.settings);
      const retainUntil = new Date(Date.now() + 86_400_000);
      const keys = Array.from({ length: 3 }, (_, i) =>
        evidenceObjectKey("list-site", "app", i + 1, new Date("2026-11-25T00:00:00Z")),
      );
      for (const k of keys) await store.put(k, enc.encode("{}"), { retainUntil });
      const listed: string[] = [];
      for await (const k of store.list("list-site/")) listed.push(k);
      expect(listed.sort()).toEqual(keys.sort());
    });

    test("ensureBucket is idempotent", async () => {
      await ensureBucket(s3.settings);
    });
  });
}

describe.skipIf(!motoAvailable())("Object Lock COMPLIANCE on moto", () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startMoto("locked");
    await ensureBucket(s3.settings);
  }, 30_000);
  afterAll(async () => {
    await s3?.stop();
  });

  test("the bucket has Object Lock enabled", async () => {
    const cfg = await s3Client(s3.settings).send(new GetObjectLockConfigurationCommand({ Bucket: "locked" }));
    expect(cfg.ObjectLockConfiguration?.ObjectLockEnabled).toBe("Enabled");
  });

  test("writers racing on one key leave exactly one version (If-None-Match: *)", async () => {
    const client = s3Client(s3.settings);
    const retainUntil = new Date(Date.now() + 86_400_000);
    for (let round = 0; round < 3; round++) {
      const key = `site-a/2026/11/race-${round}.json`;
      // Separate stores, as separate instances would have.
      const outcomes = await Promise.all(
        Array.from({ length: 16 }, () =>
          s3Store(s3.settings).put(key, enc.encode('{"r":1}'), { retainUntil }),
        ),
      );
      expect(outcomes.filter((o) => o === "created")).toHaveLength(1);
      expect(outcomes.filter((o) => o === "already-present")).toHaveLength(15);
      const versions = await client.send(new ListObjectVersionsCommand({ Bucket: "locked", Prefix: key }));
      expect(versions.Versions?.length).toBe(1);
    }
    // A racer with other bytes is refused, and adds no version either.
    const key = "site-a/2026/11/race-0.json";
    await expect(
      s3Store(s3.settings).put(key, enc.encode('{"r":2}'), { retainUntil }),
    ).rejects.toBeInstanceOf(ObjectLockedError);
    const versions = await client.send(new ListObjectVersionsCommand({ Bucket: "locked", Prefix: key }));
    expect(versions.Versions?.length).toBe(1);
  }, 30_000);

  test("each object carries COMPLIANCE retention until its tier's date, and a locked version cannot be deleted", async () => {
    const client = s3Client(s3.settings);
    const store = s3Store(s3.settings, client);
    const key = "site-a/2026/11/app-1-7.json";
    const retainUntil = new Date(Date.now() + 90 * 86_400_000);
    await store.put(key, enc.encode("{}"), { retainUntil });
    const head = await client.send(new HeadObjectCommand({ Bucket: "locked", Key: key }));
    expect(head.ObjectLockMode).toBe("COMPLIANCE");
    expect(Math.abs(head.ObjectLockRetainUntilDate!.getTime() - retainUntil.getTime())).toBeLessThan(2000);
    const versions = await client.send(new ListObjectVersionsCommand({ Bucket: "locked", Prefix: key }));
    const versionId = versions.Versions?.[0]?.VersionId;
    expect(versionId).toBeTruthy();
    const denied = await client
      .send(
        new DeleteObjectCommand({
          Bucket: "locked",
          Key: key,
          VersionId: versionId,
          BypassGovernanceRetention: true,
        }),
      )
      .then(
        () => null,
        (e: { name?: string; $metadata?: { httpStatusCode?: number } }) => e,
      );
    expect(denied?.$metadata?.httpStatusCode).toBe(403);
    expect(new TextDecoder().decode((await store.get(key))!)).toBe("{}");
  });
});
