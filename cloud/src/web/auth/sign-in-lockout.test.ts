import { afterEach, expect, test } from "bun:test";
import { describeEachDb } from "../../testing/each-db.ts";
import type { TestCloud } from "../../testing/test-cloud.ts";
import { WebClient } from "../testing/client.ts";

/**
 * Serve the test cloud on a loopback socket, so addresses come from the connection (and
 * X-Forwarded-For from trusted `proxies`), in a fresh rate-limit window (`hours` ahead).
 */
function serve(c: TestCloud, proxies: string[], hours: number) {
  c.clock.advance(hours * 3600_000);
  c.deps.config.trustedProxies = proxies;
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req, s) => c.app.fetch(req, s) });
  const base = `http://127.0.0.1:${server.port}`;
  c.deps.config.publicUrl = base;
  const browser = () =>
    new WebClient({ request: (url, init) => fetch(url, { ...init, redirect: "manual" }) }, base);
  return { server, browser };
}

/** Try one token from a client; `xff` is what the (trusted or not) proxy in front says the client is. */
async function signIn(w: WebClient, token: string, xff: string): Promise<number> {
  await w.get("/dashboard/login");
  return (await w.post("/dashboard/login", { token }, { headers: { "x-forwarded-for": xff } })).status;
}

const wrong = (prefix: string, i: number) => `mla_${prefix}${"x".repeat(30)}${i}`;

describeEachDb("dashboard sign-in: wrong tokens never lock out a right one", (cloud) => {
  let stop: (() => void) | null = null;
  afterEach(() => stop?.());

  test("behind a trusted proxy: one client's wrong tokens slow that client only; the right token works from anywhere", async () => {
    const c = cloud();
    const { server, browser } = serve(c, ["127.0.0.1/32"], 1);
    stop = () => server.stop(true);
    const attacker = browser();
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push(await signIn(attacker, wrong(`a${i}`, i), "203.0.113.9"));
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    const admin = browser();
    // Another client behind the same proxy is counted apart.
    expect(await signIn(admin, wrong("b", 0), "198.51.100.7")).toBe(401);
    const token = await c.adminToken("msp-admin");
    expect(await signIn(admin, token, "198.51.100.7")).toBe(303);
    // Even from the hammered address the right token signs in.
    expect(await signIn(browser(), token, "203.0.113.9")).toBe(303);
  });

  test("without TRUSTED_PROXIES, X-Forwarded-For is ignored: forged addresses do not escape the limit", async () => {
    const c = cloud();
    const { server, browser } = serve(c, [], 2);
    stop = () => server.stop(true);
    const w = browser();
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push(await signIn(w, wrong(`c${i}`, i), `203.0.113.${i + 1}`));
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    expect(await signIn(w, await c.adminToken("read-only"), "203.0.113.99")).toBe(303);
  });

  test("wrong tokens aimed at one prefix are limited per prefix, from any address", async () => {
    const c = cloud();
    const { server, browser } = serve(c, ["127.0.0.0/8"], 3);
    stop = () => server.stop(true);
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push(await signIn(browser(), wrong("SAMEPFX", i), `192.0.2.${i + 1}`));
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    expect(await signIn(browser(), wrong("OTHER", 0), "192.0.2.200")).toBe(401);
  });

  test("dead sign-in links count the same way (per address and prefix)", async () => {
    const c = cloud();
    c.clock.advance(14_400_000);
    const w = new WebClient(c);
    await w.get("/portal/login");
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push((await w.post("/portal/magic", { token: `${i}`.padEnd(43, "A") })).status);
    }
    expect(codes).toEqual([410, 410, 410, 410, 410, 429]);
  });
});
