import { postgresReachable } from "./postgres.ts";
import { makeTestCloud, type TestCloud, type TestCloudOptions } from "./test-cloud.ts";

/** A cloud served over real HTTP on loopback for benchmarks, on Postgres when reachable. */
export interface BenchCloud {
  cloud: TestCloud;
  url: string;
  db: "postgres" | "pglite";
  stop(): Promise<void>;
}

/** Start a benchmark cloud (fresh database; agent limits lifted so throughput is what is measured). */
export async function startBenchCloud(opts: Omit<TestCloudOptions, "db"> = {}): Promise<BenchCloud> {
  const db = (await postgresReachable()) ? "postgres" : "pglite";
  const cloud = await makeTestCloud({ db, maxConnections: 32, ...opts });
  const rl = cloud.deps.config.rateLimits;
  rl.agent = { limit: 1_000_000_000, windowSec: 60 };
  // Sample chains are stamped one minute apart from 2026-11-25; keep long ones from looking future-dated.
  cloud.clock.set("2027-06-01T00:00:00.000Z");
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: cloud.app.fetch,
    maxRequestBodySize: 16 * 1024 * 1024,
  });
  return {
    cloud,
    url: `http://127.0.0.1:${server.port}`,
    db,
    async stop() {
      await server.stop(true);
      await cloud.close();
    },
  };
}

/** The p-th percentile (0–100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
