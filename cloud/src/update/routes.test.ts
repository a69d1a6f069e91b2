import { beforeAll, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { verifyEnvelope } from "../../../protocol/signed.ts";
import type { SignedUpdate } from "../../../protocol/update.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestAppliance } from "../testing/test-cloud.ts";
import { RELEASE_CHUNK_SIZE } from "./schemas.ts";

const binary = new Uint8Array(randomBytes(RELEASE_CHUNK_SIZE * 2 + 1234));
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describeEachDb("agent releases and GET /agent/update", (cloud) => {
  let admin: string;
  let reader: string;
  let app: TestAppliance;
  const json = (r: Response) => r.json() as Promise<Record<string, unknown>>;
  const upload = (version: string, i: number, body: Uint8Array<ArrayBuffer>) =>
    cloud().request(`/api/releases/${version}/chunks/${i}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/octet-stream" },
      body,
    });
  async function release(version: string, bytes: Uint8Array<ArrayBuffer>, expiresInSec?: number) {
    const c = await cloud().call("POST", "/api/releases", {
      bearer: admin,
      body: {
        version,
        sha256: sha256(bytes),
        size: bytes.byteLength,
        ...(expiresInSec ? { expiresInSec } : {}),
      },
    });
    expect(c.status).toBe(201);
    const { chunks } = (await c.json()) as { chunks: number };
    for (let i = 0; i < chunks; i++) {
      const r = await upload(
        version,
        i,
        bytes.subarray(i * RELEASE_CHUNK_SIZE, (i + 1) * RELEASE_CHUNK_SIZE),
      );
      expect(r.status).toBe(200);
    }
    return cloud().call("POST", `/api/releases/${version}/publish`, { bearer: admin });
  }

  beforeAll(async () => {
    admin = await cloud().adminToken("msp-admin");
    reader = await cloud().adminToken("read-only");
    await cloud().createSite("site-u");
    app = await cloud().createAppliance("site-u", "app-u");
  });

  test("no release published → 404", async () => {
    const r = await cloud().call("GET", "/agent/update", { bearer: app.apiKey });
    expect(r.status).toBe(404);
  });

  test("announce, upload in chunks, publish: appliances get cloud-signed metadata and the exact binary", async () => {
    const p = await release("0.2.0", binary, 3600);
    expect(p.status).toBe(200);
    expect(await json(p)).toMatchObject({ version: "0.2.0", state: "published", chunks: 3 });
    const r = await cloud().call("GET", "/agent/update", { bearer: app.apiKey });
    expect(r.status).toBe(200);
    const signed = (await r.json()) as SignedUpdate;
    expect(verifyEnvelope(signed, cloud().deps.keys.publicKey)).toEqual({ ok: true });
    expect(signed.payload).toMatchObject({
      version: "0.2.0",
      sha256: sha256(binary),
      size: binary.byteLength,
      url: "/agent/update/binary/0.2.0",
      platform: "linux-x64",
    });
    expect(Date.parse(signed.payload.expiresAt) - cloud().clock.now().getTime()).toBe(3600_000);
    const bin = await cloud().call("GET", signed.payload.url, { bearer: app.apiKey });
    expect(bin.status).toBe(200);
    expect(bin.headers.get("content-length")).toBe(String(binary.byteLength));
    expect(sha256(new Uint8Array(await bin.arrayBuffer()))).toBe(sha256(binary));
  });

  test("the most recently published release is offered, even an older version (the agent refuses it)", async () => {
    const older = new Uint8Array(randomBytes(100));
    cloud().clock.advance(1_000);
    expect((await release("0.1.5", older)).status).toBe(200);
    const signed = (await (
      await cloud().call("GET", "/agent/update", { bearer: app.apiKey })
    ).json()) as SignedUpdate;
    expect(signed.payload.version).toBe("0.1.5");
    // Re-signing 0.2.0 with a fresh expiry makes it current again.
    cloud().clock.advance(60_000);
    const rs = await cloud().call("POST", "/api/releases/0.2.0/sign", {
      bearer: admin,
      body: { expiresInSec: 60 },
    });
    expect(rs.status).toBe(200);
    const again = (await (
      await cloud().call("GET", "/agent/update", { bearer: app.apiKey })
    ).json()) as SignedUpdate;
    expect(again.payload.version).toBe("0.2.0");
    expect(again.payload.expiresAt).toBe(new Date(cloud().clock.now().getTime() + 60_000).toISOString());
    const list = (await json(await cloud().call("GET", "/api/releases", { bearer: reader })))
      .releases as unknown[];
    expect(list).toHaveLength(2);
  });

  test.each([
    [
      "a chunk of the wrong length",
      async () => upload("0.3.0", 0, new Uint8Array(10)),
      400,
      /must be 4194304 bytes, got 10/,
    ],
    ["a chunk index past the end", async () => upload("0.3.0", 7, new Uint8Array(10)), 400, /has 3 chunks/],
    [
      "publishing with chunks missing",
      async () => cloud().call("POST", "/api/releases/0.3.0/publish", { bearer: admin }),
      409,
      /chunk 0 of 3 has not been uploaded/,
    ],
    [
      "the same version with another binary",
      async () =>
        cloud().call("POST", "/api/releases", {
          bearer: admin,
          body: { version: "0.2.0", sha256: "a".repeat(64), size: 5 },
        }),
      409,
      /already exists with another binary/,
    ],
    [
      "a bad version",
      async () => cloud().call("POST", "/api/releases/1.x/publish", { bearer: admin }),
      400,
      /version: must be MAJOR/,
    ],
    [
      "an unknown release binary",
      async () => cloud().call("GET", "/agent/update/binary/9.9.9", { bearer: app.apiKey }),
      404,
      /no published release 9.9.9/,
    ],
  ] as const)("%s is refused", async (_n, act, status, msg) => {
    await cloud().call("POST", "/api/releases", {
      bearer: admin,
      body: { version: "0.3.0", sha256: sha256(binary), size: binary.byteLength },
    });
    const r = await act();
    expect(r.status).toBe(status);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(msg);
  });

  test("a binary whose bytes differ from the announced digest is never published", async () => {
    const bytes = new Uint8Array(randomBytes(50));
    await cloud().call("POST", "/api/releases", {
      bearer: admin,
      body: { version: "0.4.0", sha256: sha256(new Uint8Array(50)), size: 50 },
    });
    expect((await upload("0.4.0", 0, bytes)).status).toBe(200);
    const p = await cloud().call("POST", "/api/releases/0.4.0/publish", { bearer: admin });
    expect(p.status).toBe(409);
    expect(((await p.json()) as { error: { message: string } }).error.message).toMatch(
      /uploaded 50 bytes with SHA-256/,
    );
  });

  test.each([
    ["no key", undefined, "GET", "/agent/update", 401],
    ["an admin token on the agent route", "admin", "GET", "/agent/update", 401],
    ["an appliance key on the admin route", "appliance", "GET", "/api/releases", 401],
    ["a read-only admin announcing", "reader", "POST", "/api/releases", 403],
  ] as const)("%s → %d", async (_n, who, method, path, status) => {
    const bearer =
      who === "admin" ? admin : who === "reader" ? reader : who === "appliance" ? app.apiKey : undefined;
    const r = await cloud().call(method, path, {
      bearer,
      body: method === "POST" ? { version: "0.9.0", sha256: "a".repeat(64), size: 1 } : undefined,
    });
    expect(r.status).toBe(status);
  });
});
