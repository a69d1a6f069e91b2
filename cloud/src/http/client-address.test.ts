import { afterAll, expect, test } from "bun:test";
import { Hono } from "hono";
import { parseEnv } from "../settings.ts";
import { clientAddress, parseTrustedProxies, trustedProxies } from "./client-address.ts";

// A real loopback server: the peer address comes from the socket, as in production.
let trusted: string[] = [];
const app = new Hono();
app.get("/", (c) => c.text(clientAddress(c, trusted.length ? trustedProxies(trusted) : null)));
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req, s) => app.fetch(req, s) });
afterAll(() => server.stop(true));

test.each([
  ["no trusted proxies: the header is ignored", [], "203.0.113.9", "127.0.0.1"],
  ["the peer is a trusted proxy: the client it saw", ["127.0.0.1/32"], "203.0.113.9", "203.0.113.9"],
  [
    "a chain of trusted proxies is walked past",
    ["127.0.0.1", "10.0.0.0/8"],
    "203.0.113.9, 10.1.2.3",
    "203.0.113.9",
  ],
  [
    "what a client wrote itself (left of the proxy's entry) is ignored",
    ["127.0.0.1"],
    "6.6.6.6, 203.0.113.9",
    "203.0.113.9",
  ],
  ["a hop that is no address stops the walk at the last proxy", ["127.0.0.0/8"], "junk", "127.0.0.1"],
  ["IPv6 with brackets and port", ["127.0.0.1"], "[2001:db8::1]:443", "2001:db8::1"],
  ["IPv4 with a port", ["127.0.0.1"], "198.51.100.7:5000", "198.51.100.7"],
  ["a trusted proxy without the header", ["127.0.0.1"], null, "127.0.0.1"],
])("%s", async (_what, proxies, xff, want) => {
  trusted = proxies;
  const r = await fetch(`http://127.0.0.1:${server.port}/`, {
    headers: xff ? { "x-forwarded-for": xff } : {},
  });
  expect(await r.text()).toBe(want);
});

test("without a socket (app.request) the address is unknown", async () => {
  expect(await (await app.request("/")).text()).toBe("unknown");
});

test.each(["10.0.0.0/33", "nonsense", "10.0.0.0/8/1", "::1/129", "10.0.0.0/x"])(
  "TRUSTED_PROXIES refuses %s",
  (bad) => {
    expect(() => parseTrustedProxies(`127.0.0.1, ${bad}`)).toThrow(
      `"${bad}" is not an IP address or CIDR range`,
    );
    expect(() => parseEnv({ TRUSTED_PROXIES: bad })).toThrow(
      /TRUSTED_PROXIES: .* is not an IP address or CIDR range/,
    );
  },
);

test("TRUSTED_PROXIES parses into the config list; unset is none", () => {
  expect(parseEnv({ TRUSTED_PROXIES: "10.0.0.0/8, fd00::/8 ,192.0.2.1" }).TRUSTED_PROXIES).toEqual([
    "10.0.0.0/8",
    "fd00::/8",
    "192.0.2.1",
  ]);
  expect(parseEnv({}).TRUSTED_PROXIES).toEqual([]);
});
