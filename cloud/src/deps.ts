import type { Clock } from "./clock.ts";
import type { CloudConfig } from "./config.ts";
import type { Db } from "./db/client.ts";
import type { EvidenceBodies } from "./evidence/bodies.ts";
import type { CloudKeys } from "./keys/cloud-keys.ts";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics/registry.ts";
import type { ApiDoc } from "./openapi/doc.ts";
import type { ObjectStore } from "./store/object-store.ts";

/** Everything the cloud needs from outside, injected at the top (main.ts, tests). */
export interface CloudDeps {
  db: Db;
  dbKind: "pglite" | "postgres";
  store: ObjectStore;
  /** Bundle bodies, read through one cache (evidence/bodies.ts). */
  bodies: EvidenceBodies;
  clock: Clock;
  keys: CloudKeys;
  logger: Logger;
  metrics: Metrics;
  config: CloudConfig;
}

/** What each route module's `registerX(app, deps)` receives: the deps plus the OpenAPI collector. */
export interface RouteDeps extends CloudDeps {
  doc: ApiDoc;
}
