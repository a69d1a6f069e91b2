import { afterAll, beforeAll, describe } from "bun:test";
import { postgresReachable } from "./postgres.ts";
import { makeTestCloud, type TestCloud, type TestCloudOptions, type TestDbKind } from "./test-cloud.ts";

/** Whether the Postgres variant runs in this process (probed once at import). */
export const POSTGRES_AVAILABLE = await postgresReachable();
if (!POSTGRES_AVAILABLE) {
  console.warn("note: Postgres at 127.0.0.1:5432 is unreachable; cloud tests run on PGlite only");
}

/** The database kinds a suite runs on here. */
export const DB_KINDS: TestDbKind[] = POSTGRES_AVAILABLE ? ["pglite", "postgres"] : ["pglite"];

/**
 * Run the same suite on every available database: `body` gets a getter for the cloud built in
 * beforeAll (one fresh database per suite and kind) and the kind's name.
 */
export function describeEachDb(
  title: string,
  body: (cloud: () => TestCloud, kind: TestDbKind) => void,
  opts: Omit<TestCloudOptions, "db"> = {},
): void {
  for (const kind of ["pglite", "postgres"] as const) {
    describe.skipIf(!DB_KINDS.includes(kind))(`${title} [${kind}]`, () => {
      let cloud: TestCloud | undefined;
      beforeAll(async () => {
        cloud = await makeTestCloud({ ...opts, db: kind });
      }, 60_000);
      afterAll(async () => {
        await cloud?.close();
      });
      body(() => {
        if (!cloud) throw new Error("test cloud not built (beforeAll failed)");
        return cloud;
      }, kind);
    });
  }
}
