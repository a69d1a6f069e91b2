/**
 * MCP tools/call over loopback with the SDK's own Client (stateless Streamable HTTP: every call
 * is one POST with token check, audit row and a fresh server): latency per tool and calls/s with
 * 8 clients. Target: p95 of a read tool ≤ 50 ms; verify_chain of 500 bundles ≤ 500 ms.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { percentile, startBenchCloud } from "../cloud/src/testing/bench-cloud.ts";
import { AGENT_API } from "../protocol/api.ts";

const b = await startBenchCloud();
try {
  b.cloud.deps.config.rateLimits.admin = { limit: 1_000_000_000, windowSec: 60 };
  await b.cloud.createSite("bench");
  const app = await b.cloud.createAppliance("bench", "app-1");
  const bundles = app.nextBundles(500);
  for (let i = 0; i < bundles.length; i += 100) {
    const r = await fetch(b.url + AGENT_API.evidence, {
      method: "POST",
      headers: app.headers,
      body: JSON.stringify({ bundles: bundles.slice(i, i + 100) }),
    });
    if (r.status !== 200) throw new Error(`upload failed: ${r.status}`);
  }
  const token = await b.cloud.adminToken("read-only");
  const connect = async () => {
    const c = new Client({ name: "bench", version: "1" });
    await c.connect(
      new StreamableHTTPClientTransport(new URL(`${b.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    await c.listTools();
    return c;
  };
  const client = await connect();
  const cases: [string, Record<string, unknown>, number][] = [
    ["list_runbooks", {}, 200],
    ["list_sites", {}, 200],
    ["get_site_compliance", { siteId: "bench" }, 200],
    ["verify_chain", { siteId: "bench" }, 20],
  ];
  for (const [name, args, n] of cases) {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const r = await client.callTool({ name, arguments: args });
      if (r.isError) throw new Error(`${name}: ${JSON.stringify(r.content)}`);
      ms.push(performance.now() - t);
    }
    console.log(
      `mcp ${name} [${b.db}]: p50 ${percentile(ms, 50).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms (${n} calls)`,
    );
  }
  const clients = await Promise.all(Array.from({ length: 8 }, connect));
  const per = 100;
  const t = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      for (let i = 0; i < per; i++) await c.callTool({ name: "list_sites", arguments: {} });
    }),
  );
  const secs = (performance.now() - t) / 1000;
  console.log(
    `mcp list_sites, 8 clients [${b.db}]: ${Math.round((8 * per) / secs)} calls/s (target: read p95 ≤ 50 ms)`,
  );
  for (const c of [client, ...clients]) await c.close();
} finally {
  await b.stop();
}
