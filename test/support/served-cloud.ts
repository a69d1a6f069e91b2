/**
 * The real cloud app (cloud/src/testing, PGlite) served on a loopback port, for tests that drive
 * it as a remote client would: the CLI's `--cloud` commands.
 */
import { makeTestCloud, type TestCloud } from "../../cloud/src/testing/test-cloud.ts";

/** A test cloud and the loopback URL it answers on. Always `stop()` it (afterAll). */
export interface ServedCloud {
  cloud: TestCloud;
  /** `http://127.0.0.1:<port>` */
  base: string;
  stop(): Promise<void>;
}

/** A test cloud on a fresh PGlite database, served on a free loopback port. */
export async function serveTestCloud(): Promise<ServedCloud> {
  const cloud = await makeTestCloud({ db: "pglite" });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: cloud.app.fetch });
  return {
    cloud,
    base: `http://127.0.0.1:${server.port}`,
    async stop() {
      server.stop(true);
      await cloud.close();
    },
  };
}

/** Run `fn` with `MALACHOR_ADMIN_TOKEN` set to `token` (how the CLI reads an admin token), then restore it. */
export async function withAdminToken<T>(token: string, fn: () => Promise<T>): Promise<T> {
  const prev = process.env.MALACHOR_ADMIN_TOKEN;
  process.env.MALACHOR_ADMIN_TOKEN = token;
  try {
    return await fn();
  } finally {
    if (prev === undefined) delete process.env.MALACHOR_ADMIN_TOKEN;
    else process.env.MALACHOR_ADMIN_TOKEN = prev;
  }
}
