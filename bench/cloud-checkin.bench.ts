import { sampleCheckin } from "../protocol/testkit.ts";
/**
 * Appliance check-ins over HTTP on loopback (real Postgres when reachable): requests/s and latency
 * percentiles with many appliances checking in concurrently. Each check-in authenticates the API
 * key, takes from the per-appliance rate limit, records health and answers versions, pending orders
 * and chain head. Target 1,667/s (100k appliances every 60 s) with p99 ≤ 50 ms.
 */

import { percentile, startBenchCloud } from "../cloud/src/testing/bench-cloud.ts";
import { AGENT_API } from "../protocol/api.ts";

const APPLIANCES = 200;
const CONCURRENCY = 32;
const DURATION_MS = 8_000;

const b = await startBenchCloud();
try {
  await b.cloud.createSite("bench");
  const apps = await Promise.all(
    Array.from({ length: APPLIANCES }, (_, i) => b.cloud.createAppliance("bench", `app-${i}`)),
  );
  const body = JSON.stringify(sampleCheckin());
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const deadline = performance.now() + DURATION_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const a = apps[next++ % apps.length]!;
        const t = performance.now();
        const r = await fetch(b.url + AGENT_API.checkin, { method: "POST", headers: a.headers, body });
        await r.arrayBuffer();
        latencies.push(performance.now() - t);
        if (r.status !== 200) errors++;
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  console.log(
    `cloud check-ins [${b.db}]: ${Math.round(latencies.length / secs)}/s over ${secs.toFixed(1)} s, ${CONCURRENCY} concurrent, ${APPLIANCES} appliances; ` +
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, errors ${errors} (target 1,667/s, p99 ≤ 50 ms)`,
  );
} finally {
  await b.stop();
}
