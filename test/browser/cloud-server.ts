/**
 * A test cloud served over real HTTP on loopback for the browser: the app from makeTestCloud
 * behind Bun.serve, its public URL (used in sign-in links) set to the bound address.
 */
import { createSite } from "../../cloud/src/sites/create.ts";
import type { SiteCreate } from "../../cloud/src/sites/schemas.ts";
import { makeTestCloud, type TestAppliance, type TestCloud } from "../../cloud/src/testing/test-cloud.ts";

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

/** A site a browser suite starts from, with the ids of its appliances. */
export type SeededSite = SiteCreate & { appliances: string[] };

/**
 * serveTestCloud holding these sites, then their appliances (in the order given; the clock set
 * to `now` first when given). `apps` are the appliances in that order.
 */
export async function serveSites(
  seeded: SeededSite[],
  now?: Date | string,
): Promise<{ s: ServedCloud; apps: TestAppliance[] }> {
  const s = await serveTestCloud();
  if (now) s.cloud.clock.set(now);
  for (const { appliances: _, ...input } of seeded) await createSite({ ctx: s.cloud.systemCtx(), input });
  const apps: TestAppliance[] = [];
  for (const site of seeded)
    for (const id of site.appliances) apps.push(await s.cloud.createAppliance(site.id, id));
  return { s, apps };
}
