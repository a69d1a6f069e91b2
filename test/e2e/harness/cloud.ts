import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { migratedPgliteImage } from "../../../cloud/src/testing/pglite-image.ts";
import { freePort } from "../../support/ports.ts";
import { Service } from "./service.ts";
import { GiveUp, waitFor } from "./wait.ts";

const root = join(import.meta.dir, "..", "..", "..");

/** Thrown by `CloudProcess.api` for a non-2xx answer; carries the status and body. */
export class ApiCallError extends Error {
  override name = "ApiCallError";
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what} → HTTP ${status}: ${body.slice(0, 400)}`);
  }
}

/**
 * The real cloud (`bun cloud/src/main.ts`) as a child process on its embedded defaults (PGlite in
 * `dataDir`, local object store), with a bootstrap admin token. It keeps its port and data across
 * `stop()`/`start()`, so tests can take it away and bring it back.
 */
export class CloudProcess {
  readonly port = freePort();
  readonly url = `http://127.0.0.1:${this.port}`;
  readonly adminToken = `adm_${randomBytes(24).toString("hex")}`;
  service: Service | undefined;

  constructor(
    readonly dataDir: string,
    private readonly opts: { echo?: boolean; env?: Record<string, string> } = {},
  ) {}

  /**
   * Start (or restart) the process and wait until /health answers. A first start on PGlite finds
   * its database already migrated (cloud/src/testing/pglite-image.ts); a fresh data directory's
   * own initdb and migrations are covered by cloud/src/main.test.ts.
   */
  async start(timeoutMs = 60_000): Promise<void> {
    const pgliteDir = join(this.dataDir, "pglite");
    if (!this.opts.env?.DATABASE_URL && !existsSync(pgliteDir)) {
      mkdirSync(this.dataDir, { recursive: true });
      const image = await migratedPgliteImage();
      const seeded = new PGlite(pgliteDir, {
        loadDataDir: image.dataDir,
        pgliteWasmModule: image.wasmModule,
      });
      await seeded.waitReady;
      await seeded.close();
    }
    this.service = Service.start("cloud", [process.execPath, join(root, "cloud", "src", "main.ts")], {
      cwd: root,
      echo: this.opts.echo,
      env: {
        PORT: String(this.port),
        HOST: "127.0.0.1",
        DATA_DIR: this.dataDir,
        ADMIN_TOKEN: this.adminToken,
        PUBLIC_URL: this.url,
        ...this.opts.env,
      },
    });
    const svc = this.service;
    await waitFor(
      "the cloud's /health",
      async () => {
        if (!svc.running) throw new GiveUp(`cloud exited with ${await svc.exited}\n${svc.tail()}`);
        const r = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2_000) });
        return r.ok;
      },
      { timeoutMs },
    );
  }

  /** Graceful stop (SIGTERM). */
  async stop(): Promise<void> {
    await this.service?.stop();
  }

  /** An admin API call with the bootstrap token; JSON in and out. */
  async api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.adminToken}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new ApiCallError(res.status, text, `${method} ${path}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** Raw text of an admin GET (exports). */
  async text(path: string): Promise<string> {
    const res = await fetch(`${this.url}${path}`, {
      headers: { authorization: `Bearer ${this.adminToken}` },
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new ApiCallError(res.status, text, `GET ${path}`);
    return text;
  }
}
