import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { describeIssues } from "../../protocol/common.ts";
import { buildApp } from "./app.ts";
import { bootstrapAdminToken } from "./auth/bootstrap.ts";
import { systemClock } from "./clock.ts";
import { type CloudConfig, defaultCloudConfig, MAX_RETENTION_DAYS } from "./config.ts";
import { openCloudDb } from "./db/prepare.ts";
import type { CloudDeps } from "./deps.ts";
import { evidenceOutboxJob } from "./evidence/outbox.ts";
import { parseTrustedProxies } from "./http/client-address.ts";
import type { Job } from "./jobs/job.ts";
import { startJobs } from "./jobs/runner.ts";
import { loadOrCreateCloudKeys } from "./keys/cloud-keys.ts";
import { jsonLogger, type Logger } from "./logger.ts";
import { Metrics } from "./metrics/registry.ts";
import { pruneRateLimits } from "./ratelimit/limiter.ts";
import { regulatoryJobsFromEnv } from "./regulatory/job.ts";
import { dirStore } from "./store/dir-store.ts";
import { ensureBucket, type S3Settings, s3Store } from "./store/s3-store.ts";
import { checkpointJob } from "./transparency/checkpoints.ts";
import { pruneWebAuthJob } from "./web/jobs.ts";

const Days = v.pipe(
  v.string(),
  v.transform(Number),
  v.integer(),
  v.minValue(1),
  v.maxValue(MAX_RETENTION_DAYS, `must be at most ${MAX_RETENTION_DAYS} days (6 years)`),
);

/** Environment variables the cloud reads (validated; a bad value stops start-up naming it). */
export const CloudEnv = v.object({
  PORT: v.optional(
    v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(0), v.maxValue(65535)),
    "8080",
  ),
  HOST: v.optional(v.string(), "127.0.0.1"),
  DATABASE_URL: v.optional(v.pipe(v.string(), v.regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL"))),
  DATABASE_OWNER_URL: v.optional(
    v.pipe(v.string(), v.regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")),
  ),
  DATA_DIR: v.optional(v.string(), ".data/cloud"),
  OBJECT_STORE: v.optional(v.picklist(["dir", "s3"]), "dir"),
  S3_ENDPOINT: v.optional(v.pipe(v.string(), v.url())),
  S3_REGION: v.optional(v.string(), "us-east-1"),
  S3_BUCKET: v.optional(v.string(), "malachor-evidence"),
  S3_ACCESS_KEY_ID: v.optional(v.string()),
  S3_SECRET_ACCESS_KEY: v.optional(v.string()),
  S3_OBJECT_LOCK: v.optional(v.picklist(["on", "off"]), "on"),
  S3_CONDITIONAL_WRITES: v.optional(v.picklist(["on", "off"]), "on"),
  CLOUD_KEY_FILE: v.optional(v.string()),
  PUBLIC_URL: v.optional(v.pipe(v.string(), v.url())),
  ADMIN_TOKEN: v.optional(v.pipe(v.string(), v.minLength(24, "must be at least 24 characters"))),
  RETENTION_DAYS_ESSENTIAL: v.optional(Days),
  RETENTION_DAYS_PROFESSIONAL: v.optional(Days),
  RETENTION_DAYS_ENTERPRISE: v.optional(Days),
  CHECKPOINT_MINUTES: v.optional(
    v.pipe(
      v.string(),
      v.transform(Number),
      v.integer(),
      v.minValue(1),
      v.maxValue(1440, "must be at most 1440 (a day)"),
    ),
  ),
  TRUSTED_PROXIES: v.optional(
    v.pipe(
      v.string(),
      v.rawTransform(({ dataset, addIssue, NEVER }) => {
        try {
          return parseTrustedProxies(dataset.value);
        } catch (e) {
          addIssue({ message: (e as Error).message });
          return NEVER;
        }
      }),
    ),
    "",
  ),
});
export type CloudEnv = v.InferOutput<typeof CloudEnv>;

/** Parse the environment, throwing one message naming every bad variable. */
export function parseEnv(env: Record<string, string | undefined>): CloudEnv {
  const r = v.safeParse(CloudEnv, env);
  if (!r.success) throw new Error(`cloud configuration: ${describeIssues(r.issues)}`);
  return r.output;
}

/** The cloud's scheduled jobs. Other areas add theirs with one line. */
export function cloudJobs(env: Record<string, string | undefined>): Job[] {
  return [
    evidenceOutboxJob,
    { name: "prune-rate-limits", everyMs: 10 * 60_000, run: (d) => pruneRateLimits(d.db, d.clock) },
    ...regulatoryJobsFromEnv(env),
    pruneWebAuthJob,
    checkpointJob,
  ];
}

/** A running cloud: its URL and how to stop it. */
export interface RunningCloud {
  url: string;
  deps: CloudDeps;
  stop(): Promise<void>;
}

/** Open the database and store named by `env`, migrate, and serve (logs to stdout unless given a logger). */
export async function startCloud(env: CloudEnv, opts: { logger?: Logger } = {}): Promise<RunningCloud> {
  // Check the whole configuration before opening anything, so a mistake fails fast and leaks nothing.
  if (env.DATABASE_OWNER_URL && !env.DATABASE_URL) {
    throw new Error(
      "cloud configuration: DATABASE_OWNER_URL needs DATABASE_URL (the service's restricted role)",
    );
  }
  let s3: S3Settings | null = null;
  if (env.OBJECT_STORE === "s3") {
    if (!env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY) {
      throw new Error("cloud configuration: OBJECT_STORE=s3 needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY");
    }
    s3 = {
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      bucket: env.S3_BUCKET,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      objectLock: env.S3_OBJECT_LOCK === "on",
      conditionalWrites: env.S3_CONDITIONAL_WRITES === "on",
    };
  }
  mkdirSync(env.DATA_DIR, { recursive: true });
  const keys = loadOrCreateCloudKeys(env.CLOUD_KEY_FILE ?? join(env.DATA_DIR, "cloud-key"));
  let store: CloudDeps["store"];
  if (s3) {
    await ensureBucket(s3);
    store = s3Store(s3);
  } else {
    store = dirStore(join(env.DATA_DIR, "objects"));
  }
  // Postgres: migrations run as the owner (DATABASE_OWNER_URL), the service as a restricted role.
  const { handle, roleWarnings } = await openCloudDb(
    env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: join(env.DATA_DIR, "pglite") },
    env.DATABASE_OWNER_URL ? { ownerUrl: env.DATABASE_OWNER_URL } : {},
  );
  const defaults = defaultCloudConfig();
  const config: CloudConfig = {
    ...defaults,
    publicUrl: env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`,
    retentionDays: {
      essential: env.RETENTION_DAYS_ESSENTIAL ?? defaults.retentionDays.essential,
      professional: env.RETENTION_DAYS_PROFESSIONAL ?? defaults.retentionDays.professional,
      enterprise: env.RETENTION_DAYS_ENTERPRISE ?? defaults.retentionDays.enterprise,
    },
    trustedProxies: env.TRUSTED_PROXIES,
    checkpointEveryMin: env.CHECKPOINT_MINUTES ?? defaults.checkpointEveryMin,
  };
  const deps: CloudDeps = {
    db: handle.db,
    dbKind: handle.kind,
    store,
    clock: systemClock,
    keys,
    logger: opts.logger ?? jsonLogger(),
    metrics: new Metrics(),
    config,
  };
  if (roleWarnings.length > 0) {
    deps.logger.warn(
      "database: DATABASE_URL's role could change or un-trigger evidence; set DATABASE_OWNER_URL",
      {
        problems: roleWarnings,
      },
    );
  }
  if (env.ADMIN_TOKEN) await bootstrapAdminToken(deps, env.ADMIN_TOKEN);
  const { app } = buildApp(deps);
  const server = Bun.serve({
    port: env.PORT,
    hostname: env.HOST,
    fetch: app.fetch,
    maxRequestBodySize: 8 * 1024 * 1024,
  });
  const jobs = startJobs(deps, cloudJobs(process.env));
  const url = `http://${env.HOST}:${server.port}`;
  // With PORT=0 the real port is known only now.
  if (!env.PUBLIC_URL) config.publicUrl = url;
  deps.logger.info("cloud listening", {
    url,
    db: handle.kind,
    store: store.kind,
    cloudKeyId: deps.keys.keyId,
  });
  return {
    url,
    deps,
    async stop() {
      await jobs.stop();
      await server.stop(true);
      await handle.close();
    },
  };
}

if (import.meta.main) {
  try {
    const running = await startCloud(parseEnv(process.env));
    const shutdown = () => void running.stop().then(() => process.exit(0));
    process.on("SIGINT", shutdown);
    process.on("SIGTERM", shutdown);
  } catch (e) {
    process.stderr.write(`malachor cloud: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
