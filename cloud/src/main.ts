import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { AlertRouting } from "./alerts/dispatch.ts";
import { alertsJob } from "./alerts/job.ts";
import { alertRouting } from "./alerts/settings.ts";
import { anchoringJobs } from "./anchoring/job.ts";
import { buildApp } from "./app.ts";
import { bootstrapAdminToken } from "./auth/bootstrap.ts";
import { systemClock } from "./clock.ts";
import { type CloudConfig, defaultCloudConfig } from "./config.ts";
import { pgErrorOf } from "./db/errors.ts";
import { openCloudDb } from "./db/prepare.ts";
import type { CloudDeps } from "./deps.ts";
import { evidenceBodies } from "./evidence/bodies.ts";
import { evidenceOutboxJob } from "./evidence/outbox.ts";
import { evidencePartitionsJob } from "./evidence/partitions.ts";
import { type Listener, serveHttp } from "./http/serve.ts";
import type { Job } from "./jobs/job.ts";
import { startJobs } from "./jobs/runner.ts";
import { loadOrCreateCloudKeys } from "./keys/cloud-keys.ts";
import {
  DEFAULT_OVERLAP_HOURS,
  finishRotation,
  registerCloudKey,
  rotateCloudKeyFile,
} from "./keys/keyring.ts";
import { jsonLogger, type Logger } from "./logger.ts";
import { Metrics } from "./metrics/registry.ts";
import { programRemindersJob } from "./program/reminders.ts";
import { pruneRateLimits } from "./ratelimit/limiter.ts";
import { rebuildEvidence } from "./recovery/rebuild.ts";
import { regulatoryJob } from "./regulatory/job.ts";
import { type CloudSettings, loadSettings } from "./settings.ts";
import { dirStore } from "./store/dir-store.ts";
import { ensureBucket, type S3Settings, s3Store } from "./store/s3-store.ts";
import { checkpointJob } from "./transparency/checkpoints.ts";
import { pruneWebAuthJob } from "./web/jobs.ts";
import type { Mailer } from "./web/mail/mailer.ts";
import { webOptions } from "./web/options.ts";

/** The cloud's scheduled jobs. Other areas add theirs with one line. */
export function cloudJobs(settings: CloudSettings, routing: AlertRouting, mailer: Mailer): Job[] {
  return [
    alertsJob(routing),
    evidenceOutboxJob,
    evidencePartitionsJob,
    { name: "prune-rate-limits", everyMs: 10 * 60_000, run: (d) => pruneRateLimits(d.db, d.clock) },
    ...(settings.regulatory ? [regulatoryJob(settings.regulatory)] : []),
    pruneWebAuthJob,
    programRemindersJob(() => mailer),
    checkpointJob,
    ...(settings.anchoring ? anchoringJobs(settings.anchoring) : []),
  ];
}

/** A running cloud: its URL and how to stop it. */
export interface RunningCloud {
  url: string;
  deps: CloudDeps;
  stop(): Promise<void>;
}

/** The cloud's dependencies opened from settings (database migrated, store ready), and how to close them. */
export interface OpenedCloud {
  deps: CloudDeps;
  close(): Promise<void>;
}

/** Where the cloud's signing key lives: CLOUD_KEY_FILE, else `<DATA_DIR>/cloud-key`. */
function cloudKeyFile(settings: CloudSettings): string {
  return settings.core.CLOUD_KEY_FILE ?? join(settings.core.DATA_DIR, "cloud-key");
}

/** Open the database and object store the settings name and migrate (what serving and commands share). */
export async function openCloud(settings: CloudSettings, logger: Logger): Promise<OpenedCloud> {
  const env = settings.core;
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
  const keys = loadOrCreateCloudKeys(cloudKeyFile(settings));
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
    alertSlaSec: settings.alerts.ALERT_SLA_MINUTES * 60,
    checkinIntervalSec: settings.alerts.ALERT_CHECKIN_INTERVAL_SEC,
    silentAfterIntervals: settings.alerts.ALERT_SILENT_INTERVALS,
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
    bodies: evidenceBodies(handle.db, store),
    clock: systemClock,
    keys,
    logger,
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
  return { deps, close: () => handle.close() };
}

/** Open the database and store the settings name, migrate, and serve (logs to stdout unless given a logger). */
export async function startCloud(
  settings: CloudSettings,
  opts: { logger?: Logger } = {},
): Promise<RunningCloud> {
  const env = settings.core;
  const logger = opts.logger ?? jsonLogger();
  const { deps, close } = await openCloud(settings, logger);
  const config = deps.config;
  // The key this instance signs with must be the database's current one (keys/keyring.ts).
  try {
    const finished = await finishRotation(deps.db, cloudKeyFile(settings));
    if (finished) deps.keys = finished.next;
    await registerCloudKey(deps.db, deps.keys, deps.clock.now());
  } catch (e) {
    await close();
    throw e;
  }
  if (env.ADMIN_TOKEN) await bootstrapAdminToken(deps, env.ADMIN_TOKEN);
  const web = webOptions(settings.web, logger);
  const { app } = buildApp(deps, {
    web,
    heal: { planner: settings.planner, learning: settings.learning },
    escrow: settings.escrow,
  });
  let server: Listener;
  try {
    server = serveHttp({
      port: env.PORT,
      hostname: env.HOST,
      fetch: app.fetch,
      maxRequestBodySize: 8 * 1024 * 1024,
      tls:
        env.TLS_CERT_FILE && env.TLS_KEY_FILE
          ? { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE }
          : undefined,
      logger,
    });
  } catch (e) {
    await close();
    throw e;
  }
  const jobs = startJobs(
    deps,
    cloudJobs(settings, alertRouting(settings.alerts, web.mailer, deps.clock), web.mailer),
  );
  const url = server.url;
  // With PORT=0 the real port is known only now.
  if (!env.PUBLIC_URL) config.publicUrl = url;
  deps.logger.info("cloud listening", {
    url,
    db: deps.dbKind,
    store: deps.store.kind,
    cloudKeyId: deps.keys.keyId,
  });
  return {
    url,
    deps,
    async stop() {
      await jobs.stop();
      await server.stop();
      await close();
    },
  };
}

/** `main.ts rebuild-evidence`: disaster recovery from the object store (see recovery/rebuild.ts). */
async function rebuildCommand(): Promise<number> {
  const { deps, close } = await openCloud(
    loadSettings(process.env),
    jsonLogger((l) => process.stderr.write(`${l}\n`)),
  );
  try {
    const report = await rebuildEvidence({
      ...deps,
      actor: { type: "system", name: "rebuild-evidence" },
      requestId: null,
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.problems.length === 0 && report.audits.every((a) => a.ok) ? 0 : 1;
  } finally {
    await close();
  }
}

/**
 * `main.ts keys rotate [--overlap-hours N]`: rotate the cloud's signing key (keys/keyring.ts). The
 * old key's signatures stay valid for the overlap (default 7 days); restart every instance within it
 * (docs/deploy.md).
 */
async function rotateCommand(args: string[]): Promise<number> {
  const i = args.indexOf("--overlap-hours");
  const hours = i >= 0 ? Number(args[i + 1]) : DEFAULT_OVERLAP_HOURS;
  if (args[0] !== "rotate" || !Number.isInteger(hours) || hours < 1 || hours > 24 * 365) {
    process.stderr.write("usage: main.ts keys rotate [--overlap-hours N (1–8760, default 168)]\n");
    return 2;
  }
  const settings = loadSettings(process.env);
  const { deps, close } = await openCloud(
    settings,
    jsonLogger((l) => process.stderr.write(`${l}\n`)),
  );
  try {
    const r = await rotateCloudKeyFile(deps.db, cloudKeyFile(settings), deps.clock.now(), hours * 3_600_000);
    process.stdout.write(
      `${JSON.stringify({
        previousKeyId: r.previous.keyId,
        keyId: r.next.keyId,
        publicKey: r.next.publicKey,
        previousValidUntil: r.rotation?.payload.previousValidUntil ?? null,
      })}\n`,
    );
    return 0;
  } finally {
    await close();
  }
}

/** A command's failure for its operator: the database's own message, not drizzle's echo of the query and its parameters. */
function failureOf(e: unknown): string {
  const { code, message } = pgErrorOf(e);
  return code ? `${message} (SQLSTATE ${code})` : message;
}

if (import.meta.main && process.argv[2] === "keys") {
  try {
    process.exit(await rotateCommand(process.argv.slice(3)));
  } catch (e) {
    process.stderr.write(`malachor cloud keys: ${failureOf(e)}\n`);
    process.exit(1);
  }
} else if (import.meta.main && process.argv[2] === "rebuild-evidence") {
  try {
    process.exit(await rebuildCommand());
  } catch (e) {
    process.stderr.write(`malachor cloud rebuild-evidence: ${failureOf(e)}\n`);
    process.exit(1);
  }
} else if (import.meta.main) {
  try {
    const running = await startCloud(loadSettings(process.env));
    const shutdown = () => void running.stop().then(() => process.exit(0));
    process.on("SIGINT", shutdown);
    process.on("SIGTERM", shutdown);
  } catch (e) {
    process.stderr.write(`malachor cloud: ${failureOf(e)}\n`);
    process.exit(1);
  }
}
