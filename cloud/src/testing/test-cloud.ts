import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { AGENT_API } from "../../../protocol/api.ts";
import { bundleHash, type EvidenceBundle } from "../../../protocol/evidence.ts";
import { generateKeyPair, type KeyPair } from "../../../protocol/sign.ts";
import { sampleChain } from "../../../protocol/testkit.ts";
import type { Actor, Role } from "../actor.ts";
import { type AppOptions, buildApp } from "../app.ts";
import { createAppliance } from "../appliances/create.ts";
import { ManualClock } from "../clock.ts";
import { type CloudConfig, defaultCloudConfig, type Tier } from "../config.ts";
import type { ServiceContext } from "../context.ts";
import { type Db, openDb } from "../db/client.ts";
import { openCloudDb } from "../db/prepare.ts";
import type { CloudDeps } from "../deps.ts";
import { evidenceBodies } from "../evidence/bodies.ts";
import type { AppEnv } from "../http/env.ts";
import { type CloudKeys, freshCloudKeys } from "../keys/cloud-keys.ts";
import { registerCloudKey } from "../keys/keyring.ts";
import { memoryLogger } from "../logger.ts";
import { Metrics } from "../metrics/registry.ts";
import type { ApiDoc } from "../openapi/doc.ts";
import { createSite } from "../sites/create.ts";
import { dirStore } from "../store/dir-store.ts";
import type { ObjectStore } from "../store/object-store.ts";
import { createToken } from "../tokens/create.ts";
import { logMailer } from "../web/mail/mailer.ts";
import { migratedPgliteImage } from "./pglite-image.ts";
import { createMigratedTestDatabase } from "./postgres-template.ts";

/** Which database a test cloud runs on. */
export type TestDbKind = "pglite" | "postgres";

export interface TestCloudOptions {
  db?: TestDbKind;
  config?: Partial<CloudConfig>;
  /** Replace the default temp-dir object store. */
  store?: ObjectStore;
  /** Postgres pool size (benchmarks raise it). */
  maxConnections?: number;
  /**
   * Another instance of an existing test cloud: same Postgres database, cloud key and object store,
   * its own connection pool and app (what N instances behind a load balancer look like).
   */
  sameDatabaseAs?: TestCloud;
  /** An existing Postgres database (service and owner URLs), e.g. one a test restored a dump into. */
  database?: { url: string; ownerUrl: string };
  /** The cloud's signing keys (default: the peer's, else fresh ones). */
  keys?: CloudKeys;
  /** Area settings for the app (the web mailer defaults to the log with links). */
  app?: AppOptions;
}

/** A test appliance: ids, its API key and identity key pair, and helpers to speak as it. */
export interface TestAppliance {
  siteId: string;
  applianceId: string;
  apiKey: string;
  key: KeyPair;
  headers: Record<string, string>;
  /** Next `n` signed bundles continuing this appliance's local chain (advances its local head). */
  nextBundles(n: number): EvidenceBundle[];
  /** The next `n` bundles without advancing the local head (for probes that will be refused). */
  peekBundles(n: number): EvidenceBundle[];
  /** The cloud's answer to this appliance posting `bundles` (well-formed or not) to the evidence endpoint. */
  upload(bundles: readonly unknown[]): Promise<Response>;
}

/** A cloud on a fresh database, plus helpers. Always `close()` it (afterAll). */
export interface TestCloud {
  app: Hono<AppEnv>;
  doc: ApiDoc;
  deps: CloudDeps;
  clock: ManualClock;
  dataDir: string;
  /** The Postgres URL of this cloud's database, as the restricted service role (null on PGlite). */
  databaseUrl: string | null;
  /** The same database as the owner role, which runs migrations (null on PGlite). */
  ownerDatabaseUrl: string | null;
  /** Run `fn` on an owner connection (on PGlite, the one connection there is). */
  withOwnerDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** The app's answer to a request (no socket). */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** JSON request with an optional bearer secret. */
  call(method: string, path: string, opts?: { bearer?: string; body?: unknown }): Promise<Response>;
  /** A context acting as the system (for calling services directly). */
  systemCtx(): ServiceContext;
  createSite(id: string, tier?: Tier): Promise<void>;
  createAppliance(siteId: string, id?: string): Promise<TestAppliance>;
  /** A fresh admin token secret of `role`, optionally scoped to one site. */
  adminToken(role: Role, siteId?: string): Promise<string>;
  close(): Promise<void>;
}

const SYSTEM: Actor = { type: "system", name: "test" };

/** Build a cloud for tests on PGlite (in memory) or on a fresh database on the machine's Postgres. */
export async function makeTestCloud(opts: TestCloudOptions = {}): Promise<TestCloud> {
  const dataDir = mkdtempSync(join(tmpdir(), "malachor-cloud-"));
  const peer = opts.sameDatabaseAs;
  if (peer && !peer.databaseUrl) throw new Error("sameDatabaseAs needs a cloud on Postgres");
  const pg = !peer && !opts.database && opts.db === "postgres" ? await createMigratedTestDatabase() : null;
  const url = peer?.databaseUrl ?? opts.database?.url ?? pg?.url ?? null;
  const ownerUrl = peer?.ownerDatabaseUrl ?? opts.database?.ownerUrl ?? pg?.ownerUrl ?? null;
  // Postgres: migrate as the owner, serve as the restricted role (as production does).
  const { handle } = await openCloudDb(
    url
      ? { url, maxConnections: opts.maxConnections ?? 8 }
      : { memory: true, image: await migratedPgliteImage() },
    ownerUrl ? { ownerUrl } : {},
  ).catch(async (e) => {
    await pg?.drop();
    throw e;
  });
  const clock = new ManualClock(new Date());
  const store = opts.store ?? peer?.deps.store ?? dirStore(join(dataDir, "objects"));
  const deps: CloudDeps = {
    db: handle.db,
    dbKind: handle.kind,
    store,
    bodies: evidenceBodies(handle.db, store),
    clock,
    keys: opts.keys ?? peer?.deps.keys ?? freshCloudKeys(),
    logger: memoryLogger(),
    metrics: new Metrics(),
    config: defaultCloudConfig(opts.config),
  };
  await registerCloudKey(handle.db, deps.keys, clock.now());
  // Tests read sign-in links from the log, as the demo does (MAIL_LOG_LINKS=dev).
  const { app, doc } = buildApp(deps, {
    web: { mailer: logMailer(deps.logger, { logLinks: true }) },
    ...opts.app,
  });
  const systemCtx = (): ServiceContext => ({ ...deps, actor: SYSTEM, requestId: null });
  const request = async (path: string, init?: RequestInit) => app.request(path, init);
  return {
    app,
    doc,
    deps,
    clock,
    dataDir,
    databaseUrl: url,
    ownerDatabaseUrl: ownerUrl,
    async withOwnerDb(fn) {
      if (!ownerUrl) return fn(handle.db);
      const owner = await openDb({ url: ownerUrl, maxConnections: 1 });
      try {
        return await fn(owner.db);
      } finally {
        await owner.close();
      }
    },
    request,
    call(method, path, o = {}) {
      const headers: Record<string, string> = {};
      if (o.bearer) headers.authorization = `Bearer ${o.bearer}`;
      if (o.body !== undefined) headers["content-type"] = "application/json";
      return request(path, {
        method,
        headers,
        body: o.body === undefined ? undefined : typeof o.body === "string" ? o.body : JSON.stringify(o.body),
      });
    },
    systemCtx,
    async createSite(id, tier = "professional") {
      await createSite({ ctx: systemCtx(), input: { id, name: `Clinic ${id}`, tier } });
    },
    async createAppliance(siteId, id) {
      const key = generateKeyPair();
      const r = await createAppliance({
        ctx: systemCtx(),
        input: { siteId, id, name: `appliance ${id ?? ""}`.trim(), publicKey: key.publicKey },
      });
      let head = { seq: 0, hash: "" };
      const after = (n: number) =>
        sampleChain(head.seq + n, { key, siteId, applianceId: r.applianceId }).bundles.slice(head.seq);
      const headers = { authorization: `Bearer ${r.apiKey}`, "content-type": "application/json" };
      return {
        siteId,
        applianceId: r.applianceId,
        apiKey: r.apiKey,
        key,
        headers,
        nextBundles(n) {
          const out = after(n);
          const last = out[out.length - 1];
          if (last) head = { seq: last.seq, hash: bundleHash(last) };
          return out;
        },
        peekBundles: after,
        upload: (bundles) =>
          request(AGENT_API.evidence, { method: "POST", headers, body: JSON.stringify({ bundles }) }),
      };
    },
    async adminToken(role, siteId) {
      const t = await createToken({
        ctx: systemCtx(),
        input: { name: `${role}${siteId ? `@${siteId}` : ""}`, role, siteId },
      });
      return t.token;
    },
    async close() {
      await handle.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
