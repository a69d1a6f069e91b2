import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ListObjectVersionsCommand } from "@aws-sdk/client-s3";
import { sql } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import { evidenceChain, evidenceOutbox } from "../db/schema/evidence.ts";
import { startJobs } from "../jobs/runner.ts";
import type { ObjectStore } from "../store/object-store.ts";
import { ensureBucket, s3Client, s3Store } from "../store/s3-store.ts";
import { POSTGRES_AVAILABLE } from "../testing/each-db.ts";
import { motoAvailable, startMoto, type TestS3 } from "../testing/s3-servers.ts";
import { makeTestCloud, type TestCloud } from "../testing/test-cloud.ts";
import { evidenceOutboxJob } from "./outbox.ts";

const APPLIANCES = 4;
const PER_APPLIANCE = 150;

/**
 * Two cloud instances (one Postgres database, one S3 bucket with Object Lock on moto_server) both
 * running the evidence-outbox job, whose passes take longer than its lease: the lease is renewed,
 * so they never write at the same time, and each object gets exactly one locked version.
 */
describe.skipIf(!POSTGRES_AVAILABLE || !motoAvailable())(
  "evidence outbox on two instances (Postgres + moto)",
  () => {
    let s3: TestS3;
    let one: TestCloud;
    let two: TestCloud;
    beforeAll(async () => {
      s3 = await startMoto("fleet");
      await ensureBucket(s3.settings);
      one = await makeTestCloud({ db: "postgres", store: s3Store(s3.settings) });
      two = await makeTestCloud({ sameDatabaseAs: one, store: s3Store(s3.settings) });
    }, 60_000);
    afterAll(async () => {
      await two?.close();
      await one?.close();
      await s3?.stop();
    });

    test(`${APPLIANCES * PER_APPLIANCE} bundles: one version per object, and the instances never write at the same time`, async () => {
      await one.createSite("site-f");
      for (let i = 0; i < APPLIANCES; i++) {
        const a = await one.createAppliance("site-f", `f${i}`);
        for (let done = 0; done < PER_APPLIANCE; done += 50) {
          const r = await a.upload(a.nextBundles(50));
          expect(r.status).toBe(200);
        }
      }
      // Each instance with its own S3 client, counting its writes in flight.
      const inFlight = [0, 0];
      let overlaps = 0;
      const watched = (me: number, store: ObjectStore): ObjectStore => ({
        ...store,
        async put(key, body, opts) {
          inFlight[me]!++;
          if (inFlight[1 - me]! > 0) overlaps++;
          try {
            return await store.put(key, body, opts);
          } finally {
            inFlight[me]!--;
          }
        },
      });
      // A pass of 500 objects on moto takes seconds: far longer than this lease unless it is renewed.
      const job = { ...evidenceOutboxJob, everyMs: 50, leaseMs: 1500 };
      const runners = [one, two].map((c, i) =>
        startJobs({ ...c.deps, clock: systemClock, store: watched(i, c.deps.store) }, [job]),
      );
      try {
        const deadline = Date.now() + 150_000;
        for (;;) {
          const [left] = await one.deps.db.select({ n: sql<number>`count(*)::int` }).from(evidenceOutbox);
          if (Number(left?.n) === 0) break;
          if (Date.now() > deadline) throw new Error(`outbox not drained: ${left?.n} left`);
          await Bun.sleep(200);
        }
      } finally {
        await Promise.all(runners.map((r) => r.stop()));
      }

      const client = s3Client(s3.settings);
      const versions = new Map<string, number>();
      let keyMarker: string | undefined;
      let versionMarker: string | undefined;
      do {
        const page = await client.send(
          new ListObjectVersionsCommand({
            Bucket: "fleet",
            Prefix: "site-f/",
            KeyMarker: keyMarker,
            VersionIdMarker: versionMarker,
          }),
        );
        for (const v of page.Versions ?? []) versions.set(v.Key!, (versions.get(v.Key!) ?? 0) + 1);
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
      } while (keyMarker);
      const keys = (await one.deps.db.select({ k: evidenceChain.objectKey }).from(evidenceChain)).map(
        (r) => r.k,
      );
      expect(keys).toHaveLength(APPLIANCES * PER_APPLIANCE);
      expect([...versions.keys()].sort()).toEqual([...keys].sort());
      expect([...versions.values()].filter((n) => n !== 1)).toEqual([]);
      expect(overlaps).toBe(0);
    }, 240_000);
  },
);
