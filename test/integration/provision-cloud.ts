/**
 * Test support for provisioning: a fake sysfs tree, a removable medium, and the real cloud app
 * (cloud/src/testing, in-memory PGlite) served on a loopback port.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import * as v from "valibot";
import { appliances } from "../../cloud/src/db/schema/appliances.ts";
import { makeTestCloud, type TestCloud } from "../../cloud/src/testing/test-cloud.ts";

export { type FakeIface, fakeSysfs } from "../support/sysfs.ts";

import { ClaimList, ClaimView } from "../../protocol/provision.ts";

/** Put `malachor/config.toml` on a fake medium `<root>/<label>`. */
export function fakeMedium(root: string, label: string, configToml: string): string {
  const dir = join(root, label, "malachor");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.toml"), configToml);
  return join(dir, "config.toml");
}

/** The real cloud on a loopback port, with helpers for provisioning tests. */
export interface LoopbackCloud {
  url: string;
  cloud: TestCloud;
  cloudPublicKey: string;
  /** `METHOD /path` of every request the server received (tests may clear it). */
  requests: string[];
  /** Register a MAC for a site as an MSP technician would (replacing any earlier record); returns the one-time code. */
  register(mac: string, siteId: string): Promise<string>;
  /** Remove a MAC's provisioning record, if any. */
  unregister(mac: string): Promise<void>;
  /** Claims for a MAC, as a technician lists them. */
  claims(mac: string): Promise<ClaimView[]>;
  /**
   * Approve, as a technician would, the pending claim for `mac` whose key fingerprint is the one
   * the appliance shows; throws if there is none.
   */
  approve(mac: string, fingerprint: string): Promise<ClaimView>;
  /** The identity public key the cloud holds for an appliance. */
  keyOf(applianceId: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

/**
 * Serve a fresh test cloud on 127.0.0.1. The port is bound first so the cloud's public URL (which
 * it writes into provisioning records) is the address the agent really reaches it at.
 */
export async function startLoopbackCloud(): Promise<LoopbackCloud> {
  const requests: string[] = [];
  let handle: (req: Request, srv: unknown) => Response | Promise<Response> = () =>
    new Response("starting", { status: 503 });
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, srv) {
      requests.push(`${req.method} ${new URL(req.url).pathname}`);
      return handle(req, srv);
    },
  });
  const url = `http://127.0.0.1:${server.port}`;
  const cloud = await makeTestCloud({ config: { publicUrl: url } });
  // The server goes along as the app's env, as in cloud/src/main.ts: the cloud sees real peers.
  handle = (req, srv) => cloud.app.fetch(req, srv);
  const admin = await cloud.adminToken("msp-admin");
  const sites = new Set<string>();
  const claims = async (mac: string) => {
    const r = await cloud.call("GET", `/api/provision-claims?mac=${mac}`, { bearer: admin });
    if (r.status !== 200) throw new Error(`GET claims ${mac}: ${r.status} ${await r.text()}`);
    return v.parse(ClaimList, await r.json()).claims;
  };
  const unregister = async (mac: string) => {
    const r = await cloud.call("DELETE", `/api/provision/${mac}`, { bearer: admin });
    if (r.status !== 200 && r.status !== 404)
      throw new Error(`DELETE provision ${mac}: ${r.status} ${await r.text()}`);
  };
  return {
    url,
    cloud,
    cloudPublicKey: cloud.deps.keys.publicKey,
    requests,
    unregister,
    async register(mac, siteId) {
      if (!sites.has(siteId)) {
        await cloud.createSite(siteId);
        sites.add(siteId);
      }
      await unregister(mac);
      const r = await cloud.call("POST", `/api/provision/${mac}`, { bearer: admin, body: { siteId } });
      if (r.status !== 201) throw new Error(`POST provision ${mac}: ${r.status} ${await r.text()}`);
      return ((await r.json()) as { enrollCode: string }).enrollCode;
    },
    claims,
    async approve(mac, fingerprint) {
      const pending = (await claims(mac)).filter(
        (c) => c.state === "pending" && c.fingerprint === fingerprint,
      );
      if (pending.length !== 1)
        throw new Error(`no pending claim for ${mac} with fingerprint ${fingerprint}`);
      const r = await cloud.call("POST", `/api/provision-claims/${pending[0]!.id}/approve`, {
        bearer: admin,
        body: { fingerprint },
      });
      if (r.status !== 200) throw new Error(`approve claim ${pending[0]!.id}: ${r.status} ${await r.text()}`);
      return v.parse(ClaimView, await r.json());
    },
    async keyOf(applianceId) {
      const [row] = await cloud.deps.db
        .select({ publicKey: appliances.publicKey })
        .from(appliances)
        .where(eq(appliances.id, applianceId));
      return row?.publicKey;
    },
    async stop() {
      server.stop(true);
      await cloud.close();
    },
  };
}
