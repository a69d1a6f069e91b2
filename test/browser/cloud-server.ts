/**
 * A test cloud served over real HTTP on loopback for the browser: the app from makeTestCloud
 * behind Bun.serve, its public URL (used in sign-in links) set to the bound address.
 */
import { makeTestCloud, type TestCloud } from "../../cloud/src/testing/test-cloud.ts";

/** A cloud the browser can reach. */
export interface ServedCloud {
  cloud: TestCloud;
  url: string;
  close(): Promise<void>;
}

/** Start a PGlite-backed test cloud on 127.0.0.1 (random port). */
export async function serveTestCloud(): Promise<ServedCloud> {
  const cloud = await makeTestCloud();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req, srv) => cloud.app.fetch(req, srv),
  });
  const url = server.url.href.replace(/\/$/, "");
  cloud.deps.config.publicUrl = url;
  return {
    cloud,
    url,
    async close() {
      server.stop(true);
      await cloud.close();
    },
  };
}
