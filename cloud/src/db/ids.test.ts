import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { ID_PATTERN } from "../../../protocol/common.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { pgErrorOf } from "./errors.ts";
import { MIGRATIONS_DIR } from "./migrate.ts";
import { rowsOf } from "./rows.ts";

const CHECKED = ["sites_id_pattern", "appliances_id_pattern"];

test("the database's id CHECKs spell protocol's ID_PATTERN exactly", () => {
  const text = readFileSync(join(MIGRATIONS_DIR, "0001_storage.sql"), "utf8");
  const checks = [...text.matchAll(/CONSTRAINT (\w+)\s+CHECK \(id ~ '([^']*)'\)/g)];
  expect(checks.map((m) => m[1])).toEqual(CHECKED);
  for (const m of checks) expect(m[2]).toBe(ID_PATTERN.source);
});

const SAMPLES = [
  "site-a",
  "A.b_c-1",
  "a".repeat(64),
  "a".repeat(65),
  "a..b",
  "..",
  "a.",
  ".a",
  "a/b",
  "-a",
  "a b",
];

describeEachDb("ids in the database", (cloud) => {
  test("Postgres's regex engine reads the pattern as JavaScript does", async () => {
    for (const id of SAMPLES) {
      const [r] = rowsOf<{ ok: boolean }>(
        await cloud().deps.db.execute(sql`SELECT ${id} ~ ${ID_PATTERN.source} AS ok`),
      );
      expect({ id, ok: r?.ok }).toEqual({ id, ok: ID_PATTERN.test(id) });
    }
  });

  test.each([["sites"], ["appliances"]])(
    "%s refuses an id outside the pattern, even written behind the API",
    async (table) => {
      const now = new Date().toISOString();
      const stmt =
        table === "sites"
          ? sql`INSERT INTO sites (id, name, tier, config, config_version, created_at) VALUES ('a..b', 'x', 'essential', '{}', 1, ${now})`
          : sql`INSERT INTO appliances (id, site_id, name, public_key, key_id, chain_head, created_at) VALUES ('a..b', 'nowhere', 'x', 'k', 'k', '', ${now})`;
      const err = await cloud()
        .deps.db.execute(stmt)
        .then(
          () => null,
          (e: unknown) => pgErrorOf(e),
        );
      expect(err?.code).toBe("23514");
      expect(err?.message).toContain(`${table}_id_pattern`);
    },
  );
});
