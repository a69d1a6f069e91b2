import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryLogger } from "./logger.ts";
import { startCloud } from "./main.ts";
import { loadSettings, parseEnv } from "./settings.ts";
import { POSTGRES_AVAILABLE } from "./testing/each-db.ts";
import { createTestDatabase, POSTGRES_ADMIN_URL } from "./testing/postgres.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-main-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.each([
  [{ PORT: "http" }, /PORT/],
  [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL: must be a postgres:\/\/ URL/],
  [{ DATABASE_OWNER_URL: "sqlite:x" }, /DATABASE_OWNER_URL: must be a postgres:\/\/ URL/],
  [{ OBJECT_STORE: "ftp" }, /OBJECT_STORE/],
  [{ RETENTION_DAYS_ENTERPRISE: "3000" }, /at most 2192 days \(6 years\)/],
  [{ ADMIN_TOKEN: "short" }, /ADMIN_TOKEN: must be at least 24 characters/],
])("a bad environment stops start-up naming the variable: %o", (env, message) => {
  expect(() => parseEnv(env)).toThrow(message);
});

test("DATABASE_OWNER_URL without DATABASE_URL is refused", async () => {
  await expect(
    startCloud(
      loadSettings({ DATA_DIR: join(dir, "owner"), DATABASE_OWNER_URL: POSTGRES_ADMIN_URL, PORT: "0" }),
    ),
  ).rejects.toThrow(/DATABASE_OWNER_URL needs DATABASE_URL/);
});

test.skipIf(!POSTGRES_AVAILABLE)(
  "Postgres with two URLs: migrates as the owner, serves as the restricted role; one superuser URL is warned about",
  async () => {
    const pg = await createTestDatabase();
    try {
      const logger = memoryLogger();
      const env = { DATA_DIR: join(dir, "pg"), PORT: "0", DATABASE_URL: pg.url };
      const two = await startCloud(loadSettings({ ...env, DATABASE_OWNER_URL: pg.ownerUrl }), { logger });
      try {
        const health = (await (await fetch(`${two.url}/health`)).json()) as { ok: boolean; db: string };
        expect(health).toMatchObject({ ok: true, db: "postgres" });
        expect(logger.lines.filter((l) => l.level === "warn")).toEqual([]);
      } finally {
        await two.stop();
      }
      const single = new URL(pg.url);
      single.username = new URL(POSTGRES_ADMIN_URL).username;
      const warned = memoryLogger();
      const one = await startCloud(loadSettings({ ...env, DATABASE_URL: single.toString() }), {
        logger: warned,
      });
      await one.stop();
      expect(warned.lines.find((l) => l.level === "warn")).toMatchObject({
        msg: "database: DATABASE_URL's role could change or un-trigger evidence; set DATABASE_OWNER_URL",
        problems: expect.arrayContaining([expect.stringMatching(/is a superuser/)]),
      });
    } finally {
      await pg.drop();
    }
  },
  60_000,
);

test("OBJECT_STORE=s3 without credentials is refused", async () => {
  await expect(
    startCloud(loadSettings({ DATA_DIR: join(dir, "s3"), OBJECT_STORE: "s3", PORT: "0" })),
  ).rejects.toThrow(/S3_ACCESS_KEY_ID/);
});

test("serves on a port from PGlite in DATA_DIR; data and the cloud key survive a restart", async () => {
  const env = loadSettings({
    DATA_DIR: join(dir, "data"),
    PORT: "0",
    ADMIN_TOKEN: "admin-token-for-the-main-test-0123",
  });
  const first = await startCloud(env, { logger: memoryLogger() });
  let keyId: string;
  try {
    expect(((await (await fetch(`${first.url}/health`)).json()) as { ok: boolean; db: string }).db).toBe(
      "pglite",
    );
    const r = await fetch(`${first.url}/api/sites`, {
      method: "POST",
      headers: {
        authorization: "Bearer admin-token-for-the-main-test-0123",
        "content-type": "application/json",
      },
      body: JSON.stringify({ id: "site-main", name: "Main", tier: "enterprise" }),
    });
    expect(r.status).toBe(201);
    keyId = ((await (await fetch(`${first.url}/api/keys/cloud`)).json()) as { keyId: string }).keyId;
  } finally {
    await first.stop();
  }
  expect(statSync(join(dir, "data", "cloud-key")).mode & 0o777).toBe(0o600);
  const second = await startCloud(env, { logger: memoryLogger() });
  try {
    const sites = (await (
      await fetch(`${second.url}/api/sites`, {
        headers: { authorization: "Bearer admin-token-for-the-main-test-0123" },
      })
    ).json()) as { sites: { id: string }[] };
    expect(sites.sites.map((s) => s.id)).toEqual(["site-main"]);
    expect(((await (await fetch(`${second.url}/api/keys/cloud`)).json()) as { keyId: string }).keyId).toBe(
      keyId,
    );
  } finally {
    await second.stop();
  }
}, 60_000);

test.skipIf(!POSTGRES_AVAILABLE)(
  "two started instances on one Postgres serve the same state (stateless behind a load balancer)",
  async () => {
    const pg = await createTestDatabase();
    const token = "admin-token-for-two-instances-0123";
    const shared = {
      DATABASE_URL: pg.url,
      DATABASE_OWNER_URL: pg.ownerUrl,
      PORT: "0",
      ADMIN_TOKEN: token,
      CLOUD_KEY_FILE: join(dir, "two", "cloud-key"),
    };
    const a = await startCloud(loadSettings({ ...shared, DATA_DIR: join(dir, "two", "a") }), {
      logger: memoryLogger(),
    });
    const b = await startCloud(loadSettings({ ...shared, DATA_DIR: join(dir, "two", "b") }), {
      logger: memoryLogger(),
    });
    try {
      const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
      const made = await fetch(`${a.url}/api/sites`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ id: "site-lb", name: "Behind the balancer", tier: "professional" }),
      });
      expect(made.status).toBe(201);
      const seen = (await (await fetch(`${b.url}/api/sites/site-lb`, { headers: auth })).json()) as {
        id: string;
      };
      expect(seen.id).toBe("site-lb");
      const keyOf = async (url: string) =>
        ((await (await fetch(`${url}/api/keys/cloud`)).json()) as { keyId: string }).keyId;
      expect(await keyOf(a.url)).toBe(await keyOf(b.url));
      // The same site created again through the other instance is a conflict, not a second row.
      const again = await fetch(`${b.url}/api/sites`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ id: "site-lb", name: "Again", tier: "professional" }),
      });
      expect(again.status).toBe(409);
    } finally {
      await b.stop();
      await a.stop();
      await pg.drop();
    }
  },
  60_000,
);
