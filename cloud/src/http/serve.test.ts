import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { requirement } from "../../../test/support/requirement.ts";
import { memoryLogger } from "../logger.ts";
import { startCloud } from "../main.ts";
import { loadSettings } from "../settings.ts";
import { POSTGRES_AVAILABLE } from "../testing/each-db.ts";
import { createTestDatabase, type TestDatabase } from "../testing/postgres.ts";
import { HSTS_VALUE } from "./hsts.ts";
import { serveHttp } from "./serve.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-tls-"));
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const d of databases) await d.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Start a whole cloud: on the machine's Postgres when it answers (PGlite takes long to open on a busy machine). */
async function cloudWith(name: string, env: Record<string, string>) {
  let db: Record<string, string> = {};
  if (POSTGRES_AVAILABLE) {
    const d = await createTestDatabase();
    databases.push(d);
    db = { DATABASE_URL: d.url, DATABASE_OWNER_URL: d.ownerUrl };
  }
  return startCloud(loadSettings({ DATA_DIR: join(dir, name), PORT: "0", ...db, ...env }), {
    logger: memoryLogger(),
  });
}

const hasOpenssl =
  Bun.spawnSync(["openssl", "version"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;

/** A self-signed P-256 certificate for 127.0.0.1 named `cn`, as PEM files. */
function makeCert(cn: string): { cert: string; key: string } {
  const out = join(dir, `gen-${cn}`);
  const r = Bun.spawnSync(
    [
      "openssl",
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      `${out}.key`,
      "-out",
      `${out}.crt`,
      "-days",
      "2",
      "-subj",
      `/CN=${cn}`,
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stderr: "pipe" },
  );
  if (r.exitCode !== 0) throw new Error(`openssl: ${r.stderr.toString()}`);
  return { cert: `${out}.crt`, key: `${out}.key` };
}

/** Replace a file the way certbot and cert-manager do: write beside it, then rename over it. */
function swapIn(from: string, to: string) {
  writeFileSync(`${to}.new`, readFileSync(from));
  renameSync(`${to}.new`, to);
}

/** The CN of the certificate a TLS server on 127.0.0.1:port presents (one retry: a reset at the switch). */
async function servedName(port: number): Promise<string> {
  return handshake(port).catch(() => handshake(port));
}

function handshake(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      resolve(String(s.getPeerCertificate().subject.CN));
      s.end();
    });
    s.on("error", reject);
  });
}

describe.skipIf(!requirement("openssl", hasOpenssl, "apt-get install openssl"))("TLS", () => {
  test("the cloud on its own TLS: https URL, HSTS, Secure cookies", async () => {
    const a = makeCert("cloud-a");
    const cloud = await cloudWith("cloud", { TLS_CERT_FILE: a.cert, TLS_KEY_FILE: a.key });
    try {
      expect(cloud.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = await Bun.file(a.cert).text();
      const health = await fetch(`${cloud.url}/health`, { tls: { ca } });
      expect(health.status).toBe(200);
      expect(health.headers.get("strict-transport-security")).toBe(HSTS_VALUE);
      const login = await fetch(`${cloud.url}/dashboard/login`, { tls: { ca } });
      const cookies = login.headers.getSetCookie();
      expect(cookies.length).toBeGreaterThan(0);
      for (const c of cookies) expect(c).toMatch(/; Secure/);
      // A client that does not trust the certificate is refused by TLS itself.
      await expect(fetch(`${cloud.url}/health`)).rejects.toThrow();
    } finally {
      await cloud.stop();
    }
  }, 180_000);

  test("plain HTTP on loopback (development): no HSTS, no Secure cookies", async () => {
    const cloud = await cloudWith("plain", {});
    try {
      const r = await fetch(`${cloud.url}/dashboard/login`);
      expect(r.headers.get("strict-transport-security")).toBeNull();
      for (const c of r.headers.getSetCookie()) expect(c).not.toMatch(/Secure/);
    } finally {
      await cloud.stop();
    }
  }, 180_000);

  test("a renewed certificate is served without a restart; a broken one is refused and the old one kept", async () => {
    const a = makeCert("first");
    const b = makeCert("renewed");
    const live = { certFile: join(dir, "live.crt"), keyFile: join(dir, "live.key") };
    swapIn(a.cert, live.certFile);
    swapIn(a.key, live.keyFile);
    const logger = memoryLogger();
    const l = serveHttp({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => new Response("ok"),
      maxRequestBodySize: 1024,
      tls: live,
      logger,
      pollMs: 100,
    });
    try {
      expect(await servedName(l.port)).toBe("first");
      swapIn(b.key, live.keyFile);
      swapIn(b.cert, live.certFile);
      const until = Date.now() + 5_000;
      while ((await servedName(l.port)) !== "renewed" && Date.now() < until) await Bun.sleep(100);
      expect(await servedName(l.port)).toBe("renewed");
      expect(logger.lines.some((x) => x.msg === "tls: certificate reloaded")).toBe(true);
      // A certificate whose key does not match: refused, the renewed pair keeps serving.
      swapIn(a.cert, live.certFile);
      const waited = Date.now() + 5_000;
      while (!logger.lines.some((x) => x.level === "error") && Date.now() < waited) await Bun.sleep(100);
      expect(logger.lines.find((x) => x.level === "error")?.msg).toBe(
        "tls: new certificate refused; still serving the previous one",
      );
      expect(await servedName(l.port)).toBe("renewed");
    } finally {
      await l.stop();
    }
  }, 30_000);

  test("half a TLS configuration is refused naming both keys", () => {
    expect(() => loadSettings({ TLS_CERT_FILE: "/x.crt" })).toThrow(
      /TLS_CERT_FILE and TLS_KEY_FILE go together/,
    );
  });
});
