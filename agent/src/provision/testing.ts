/**
 * Test support for provisioning: a fake sysfs tree, a removable medium, and a loopback cloud that
 * speaks the provisioning part of the protocol (every body validated with protocol/ schemas).
 * Used until / unless the real cloud app is at hand; see auto.test.ts.
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import {
  EnrollRequest,
  type EnrollResponse,
  MacAddress,
  type ProvisionRecord,
  RekeyRequest,
  type RekeyResponse,
  rekeyMessage,
} from "../../../protocol/provision.ts";
import { keyIdOf, verify } from "../../../protocol/sign.ts";

/** One interface in a fake /sys. */
export interface FakeIface {
  name: string;
  mac: string;
  type?: number;
  virtual?: boolean;
  wireless?: boolean;
}

/** Build `<root>/class/net/*` the way the kernel lays it out (symlinks into devices/). */
export function fakeSysfs(root: string, ifaces: readonly FakeIface[]): string {
  mkdirSync(join(root, "class", "net"), { recursive: true });
  for (const i of ifaces) {
    const dev = i.virtual
      ? join(root, "devices", "virtual", "net", i.name)
      : join(root, "devices", "pci0000:00", "0000:00:1f.6", "net", i.name);
    mkdirSync(dev, { recursive: true });
    writeFileSync(join(dev, "address"), `${i.mac}\n`);
    writeFileSync(join(dev, "type"), `${i.type ?? 1}\n`);
    if (i.wireless) mkdirSync(join(dev, "wireless"));
    symlinkSync(dev, join(root, "class", "net", i.name));
  }
  return root;
}

/** Put `malachor/config.toml` on a fake medium `<root>/<label>`. */
export function fakeMedium(root: string, label: string, configToml: string): string {
  const dir = join(root, label, "malachor");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.toml"), configToml);
  return join(dir, "config.toml");
}

/** A loopback cloud for provisioning tests. */
export interface FakeCloud {
  url: string;
  cloudPublicKey: string;
  requests: string[];
  /** Register a MAC for a site; returns the one-time enroll code. */
  register(mac: string, siteId: string): string;
  /** Public key the cloud holds for an appliance. */
  keyOf(applianceId: string): string | undefined;
  stop(): void;
}

const CLOUD_PUBLIC_KEY = "a".repeat(64);

/** Start the loopback cloud on an ephemeral port. */
export function startFakeCloud(): FakeCloud {
  const records = new Map<string, ProvisionRecord>();
  const codes = new Map<string, { siteId: string; used: boolean }>();
  const appliances = new Map<
    string,
    { siteId: string; publicKey: string; previous?: string; apiKey: string }
  >();
  const requests: string[] = [];
  let n = 0;
  const error = (status: number, message: string) =>
    Response.json({ error: { code: "x", message, retryable: status >= 500, requestId: "t" } }, { status });
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      requests.push(`${req.method} ${path}`);
      if (req.method === "GET" && path.startsWith("/api/provision/")) {
        const mac = v.safeParse(MacAddress, decodeURIComponent(path.slice("/api/provision/".length)));
        if (!mac.success) return error(400, "bad MAC");
        const r = records.get(mac.output);
        return r ? Response.json(r) : error(404, "no record");
      }
      if (req.method === "POST" && path === AGENT_API.enroll) {
        const body = v.safeParse(EnrollRequest, await req.json());
        if (!body.success) return error(400, "malformed enroll request");
        const code = codes.get(body.output.enrollCode);
        if (!code || code.used) return error(401, "enroll code unknown or already used");
        code.used = true;
        const applianceId = `app-${++n}`;
        const apiKey = `mlk_${crypto.randomUUID()}`;
        appliances.set(applianceId, { siteId: code.siteId, publicKey: body.output.publicKey, apiKey });
        const out: EnrollResponse = {
          siteId: code.siteId,
          applianceId,
          apiKey,
          cloudPublicKey: CLOUD_PUBLIC_KEY,
        };
        return Response.json(out);
      }
      if (req.method === "POST" && path === AGENT_API.rekey) {
        const bearer = req.headers.get("authorization")?.replace(/^Bearer /, "");
        const entry = [...appliances.entries()].find(([, a]) => a.apiKey === bearer);
        if (!entry) return error(401, "bad API key");
        const [applianceId, a] = entry;
        const body = v.safeParse(RekeyRequest, await req.json());
        if (!body.success) return error(400, "malformed rekey request");
        const msg = rekeyMessage(applianceId, body.output.publicKey);
        const repeat = body.output.publicKey === a.publicKey && a.previous;
        const oldKey = repeat ? a.previous! : a.publicKey;
        if (
          !verify(msg, body.output.oldKeySignature, oldKey) ||
          !verify(msg, body.output.newKeySignature, body.output.publicKey)
        ) {
          return error(401, "rekey signatures do not verify");
        }
        if (!repeat)
          appliances.set(applianceId, { ...a, previous: a.publicKey, publicKey: body.output.publicKey });
        const out: RekeyResponse = { applianceId, keyId: keyIdOf(body.output.publicKey) };
        return Response.json(out);
      }
      return error(404, "no route");
    },
  });
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    cloudPublicKey: CLOUD_PUBLIC_KEY,
    requests,
    register(mac, siteId) {
      const code = `CODE-${String(++n).padStart(4, "0")}-ABCD-EFGH`;
      codes.set(code, { siteId, used: false });
      records.set(mac, { mac, siteId, cloudUrl: url, enrollCode: code });
      return code;
    },
    keyOf: (id) => appliances.get(id)?.publicKey,
    stop: () => server.stop(true),
  };
}
