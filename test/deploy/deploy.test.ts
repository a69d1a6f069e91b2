import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSettings } from "../../cloud/src/settings.ts";

const root = join(import.meta.dir, "..", "..");

type Service = { environment?: Record<string, string>; depends_on?: Record<string, unknown> };
const compose = Bun.YAML.parse(readFileSync(join(root, "compose.yaml"), "utf8")) as {
  services: Record<string, Service>;
};

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?message}` with the values an operator's .env gives. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_]+)(?::[-?][^}]*)?\}/g, (_m, name: string) => vars[name] ?? "");
}

test("compose: the cloud's environment is a configuration the cloud accepts", () => {
  const dotEnv = {
    POSTGRES_PASSWORD: "pg-secret",
    MALACHOR_OWNER_PASSWORD: "owner-secret",
    MALACHOR_SERVICE_PASSWORD: "service-secret",
    S3_ACCESS_KEY_ID: "malachor",
    S3_SECRET_ACCESS_KEY: "minio-secret-key",
    PUBLIC_URL: "https://cloud.msp.example:8443",
    ADMIN_TOKEN: "a-long-enough-admin-token-0123456789",
  };
  const env = Object.fromEntries(
    Object.entries(compose.services.cloud!.environment!).map(([k, v]) => [k, interpolate(String(v), dotEnv)]),
  );
  const s = loadSettings(env);
  expect(s.core).toMatchObject({
    OBJECT_STORE: "s3",
    S3_OBJECT_LOCK: "on",
    TLS_CERT_FILE: "/run/tls/cert.pem",
  });
  expect(s.core.DATABASE_URL).toBe("postgres://malachor_service:service-secret@db:5432/malachor");
});

test("compose: Postgres, an object store, role set-up before the cloud, and a backup job", () => {
  expect(Object.keys(compose.services).sort()).toEqual(["backup", "cloud", "db", "objects", "roles"]);
  expect(compose.services.cloud!.depends_on).toMatchObject({
    roles: { condition: "service_completed_successfully" },
  });
});

test("Containerfile copies only folders that exist, and runs the cloud's entry point", () => {
  const text = readFileSync(join(root, "Containerfile"), "utf8");
  for (const m of text.matchAll(/^COPY (.+) \S+$/gm)) {
    for (const src of m[1]!.split(" ")) expect(existsSync(join(root, src))).toBe(true);
  }
  expect(text).toContain('ENTRYPOINT ["node_modules/.bin/bun", "cloud/src/main.ts"]');
  expect(existsSync(join(root, "cloud/src/main.ts"))).toBe(true);
});
