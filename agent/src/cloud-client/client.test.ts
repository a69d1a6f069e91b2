import { afterAll, describe, expect, test } from "bun:test";
import { verifyEnvelope } from "../../../protocol/signed.ts";
import { sampleChain, sampleCheckin } from "../../../protocol/testkit.ts";
import { CloudClient } from "./client.ts";
import { CloudError, parseRetryAfter } from "./errors.ts";
import { startFakeCloud } from "./fake-cloud.fixture.ts";

const cloud = startFakeCloud();
// A server that breaks the contract or never answers, for the error paths.
const odd = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (req) =>
    new URL(req.url).pathname === "/slow/agent/sync"
      ? new Promise<Response>(() => {})
      : Response.json({ nope: 1 }),
});
afterAll(async () => {
  await cloud.stop();
  await odd.stop(true);
});
const client = (over: Partial<ConstructorParameters<typeof CloudClient>[0]> = {}) =>
  new CloudClient({ baseUrl: `${cloud.url}/`, apiKey: cloud.apiKey, timeoutMs: 2_000, ...over });

const checkin = sampleCheckin();

async function failure(p: Promise<unknown>): Promise<CloudError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CloudError);
    return e as CloudError;
  }
  throw new Error("expected a CloudError");
}

describe("cloud client against a loopback cloud", () => {
  test("checkin, sync (signed by the order key) and evidence upload", async () => {
    const r = await client().checkin(checkin);
    expect(r.chainSeq).toBe(0);
    expect(cloud.state.checkins).toHaveLength(1);
    const s = await client().sync();
    expect(verifyEnvelope(s.config, cloud.orderKey.publicKey)).toEqual({ ok: true });
    const { bundles } = sampleChain(3);
    const up = await client().uploadEvidence(bundles.map((b) => JSON.stringify(b)));
    expect(up).toEqual({ headSeq: 3, results: [1, 2, 3].map((seq) => ({ seq, status: "stored" })) });
  });

  test.each([
    ["401", { status: 401 }, "unauthorized", false, /api_key_file/],
    ["429 with Retry-After", { status: 429, retryAfter: "7" }, "rate-limited", true, /429/],
    ["500", { status: 500 }, "server", true, /→ 500: injected 500/],
    ["400", { status: 400 }, "rejected", false, /→ 400/],
  ] as const)("%s becomes a typed error", async (_n, failWith, kind, retryable, msg) => {
    cloud.failWith = failWith;
    try {
      const e = await failure(client().orders());
      expect(e.kind).toBe(kind);
      expect(e.retryable).toBe(retryable);
      expect(e.message).toMatch(msg);
      if (kind === "rate-limited") expect(e.retryAfterMs).toBe(7_000);
    } finally {
      cloud.failWith = undefined;
    }
  });

  test("a wrong API key is a 401", async () => {
    expect((await failure(client({ apiKey: "wrong" }).sync())).kind).toBe("unauthorized");
  });

  test("nobody listening is 'unreachable'", async () => {
    const e = await failure(client({ baseUrl: "http://127.0.0.1:9" }).sync());
    expect(e.kind).toBe("unreachable");
    expect(e.message).toMatch(/cloud unreachable: GET http:\/\/127\.0\.0\.1:9\/agent\/sync/);
  });

  test("no answer within the timeout is 'unreachable'", async () => {
    const e = await failure(client({ baseUrl: `http://127.0.0.1:${odd.port}/slow`, timeoutMs: 200 }).sync());
    expect(e.kind).toBe("unreachable");
    expect(e.message).toMatch(/no answer within 200 ms/);
  });

  test("a response that breaks the contract is a protocol error naming the field", async () => {
    const e = await failure(client({ baseUrl: `http://127.0.0.1:${odd.port}` }).checkin(checkin));
    expect(e.kind).toBe("protocol");
    expect(e.message).toMatch(/response breaks the protocol/);
  });

  test("an invalid request is refused before it leaves", async () => {
    const before = cloud.state.requests;
    await expect(client().checkin({ ...checkin, hostname: "bad host!" })).rejects.toThrow(
      /invalid checkin request: hostname: must be a host name/,
    );
    expect(cloud.state.requests).toBe(before);
  });

  test.each([
    ["12", 12_000],
    ["Wed, 25 Nov 2026 10:00:30 GMT", 30_000],
    ["soon", undefined],
    [null, undefined],
  ] as const)("Retry-After %p", (value, ms) => {
    expect(parseRetryAfter(value, Date.parse("2026-11-25T10:00:00Z"))).toBe(ms);
  });
});
