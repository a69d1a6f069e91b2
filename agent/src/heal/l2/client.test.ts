import { afterAll, expect, test } from "bun:test";
import { httpPlanClient } from "./client.ts";

// The path's last segment is the status the loopback cloud answers with.
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: (req) => new Response(null, { status: Number(new URL(req.url).pathname.split("/").pop()) }),
});
afterAll(() => server.stop(true));
const client = httpPlanClient({ baseUrl: `http://127.0.0.1:${server.port}`, apiKey: "k", timeoutMs: 5_000 });

test.each([
  [200, true],
  [409, true],
  [400, true],
  [404, true],
  [401, false],
  [403, false],
  [408, false],
  [429, false],
  [500, false],
  [503, false],
])("deliver: HTTP %d counts as delivered = %p", async (status, delivered) => {
  expect(await client.deliver(`/agent/escrow/${status}`, { x: 1 })).toBe(delivered);
});

test("deliver: an unreachable cloud keeps the post for later", async () => {
  const offline = httpPlanClient({ baseUrl: "http://127.0.0.1:9", apiKey: "k", timeoutMs: 2_000 });
  expect(await offline.deliver("/agent/escrow", {})).toBe(false);
});
