import { expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describeEachDb } from "../testing/each-db.ts";
import { pgErrorOf } from "./errors.ts";
import { migrate, migrationFiles, splitStatements } from "./migrate.ts";

test("splitStatements splits on breakpoint lines only and drops comment-only chunks", () => {
  const text =
    "-- header\nCREATE TABLE a (x int);\n--> statement-breakpoint\nCREATE FUNCTION f() AS $$ a; b $$;\n--> statement-breakpoint\n-- trailing comment\n";
  expect(splitStatements(text)).toEqual([
    "-- header\nCREATE TABLE a (x int);",
    "CREATE FUNCTION f() AS $$ a; b $$;",
  ]);
});

test("migration files are named NNNN_area.sql and sorted", () => {
  const files = migrationFiles();
  expect(files[0]).toBe("0000_core.sql");
  expect([...files].sort()).toEqual(files);
});

describeEachDb("migrations", (cloud) => {
  test("a second run applies nothing", async () => {
    expect(await cloud().withOwnerDb((db) => migrate(db))).toEqual([]);
  });

  test.each([
    ["UPDATE evidence_chain SET kind = 'x'"],
    ["DELETE FROM evidence_chain"],
    ["TRUNCATE evidence_chain"],
    ["UPDATE audit_log SET outcome = 'x'"],
    ["DELETE FROM audit_log"],
    ["TRUNCATE audit_log"],
    ["DELETE FROM evidence_alerts"],
    ["UPDATE evidence_alerts SET message = 'x'"],
    ["TRUNCATE evidence_alerts"],
    ["UPDATE evidence_verified SET through_seq = 0"],
    ["DELETE FROM evidence_verified"],
    ["TRUNCATE evidence_verified"],
    ["UPDATE program_chain SET record_type = 'x'"],
    ["DELETE FROM program_chain"],
    ["TRUNCATE program_chain"],
    ["UPDATE tlog_leaves SET bundle_hash = 'x'"],
    ["DELETE FROM tlog_leaves"],
    ["TRUNCATE tlog_leaves"],
    ["UPDATE tlog_nodes SET hash = 'x'"],
    ["DELETE FROM tlog_nodes"],
    ["TRUNCATE tlog_nodes"],
    ["UPDATE tlog_checkpoints SET note = 'x'"],
    ["DELETE FROM tlog_checkpoints"],
    ["TRUNCATE tlog_checkpoints"],
    ["UPDATE chain_heads SET seq = 0"],
    ["DELETE FROM chain_heads"],
    ["TRUNCATE chain_heads"],
    ["UPDATE checkpoint_anchors SET proof = 'x'"],
    ["DELETE FROM checkpoint_anchors"],
    ["TRUNCATE checkpoint_anchors"],
  ])("append-only trigger refuses, even the owner: %s", async (stmt) => {
    const db = cloud().deps.db;
    const now = new Date().toISOString();
    // Each number is stored once per appliance, in order (migration 2600): a new appliance per probe.
    const app = `worm-app-${randomUUID()}`;
    await db.execute(
      sql`INSERT INTO evidence_chain (appliance_id, seq, site_id, hash, prev_hash, key_id, kind, created_at, received_at, object_key, body)
          VALUES (${app}, 1, 's', 'h', 'p', 'k', 'event', ${now}, ${now}, 'o', '{}')`,
    );
    await db.execute(
      sql`INSERT INTO audit_log (at, actor, action, target, args_hash, outcome) VALUES (${now}, 'a', 'x', 't', 'h', 'ok')`,
    );
    await db.execute(
      sql`INSERT INTO evidence_alerts (site_id, appliance_id, kind, message, detail, created_at) VALUES ('s', 'a', 'gap', 'm', '{}', ${now})`,
    );
    await db.execute(
      sql`INSERT INTO evidence_verified (appliance_id, through_seq, site_id, from_seq, through_hash, verified_at, key_id, sig)
          VALUES (${app}, 1, 's', 1, 'h', ${now}, 'k', 's')`,
    );
    await db.execute(
      sql`INSERT INTO program_chain (site_id, seq, hash, prev_hash, key_id, record_type, created_at, body)
          VALUES ('s', ${Math.floor(Math.random() * 1e9)}, 'h', 'p', 'k', 'x', ${now}, '{}')`,
    );
    const idx = Math.floor(Math.random() * 1e9);
    await db.execute(
      sql`INSERT INTO tlog_leaves (site_id, idx, bundle_hash, appliance_id, seq) VALUES ('s', ${idx}, 'h', 'worm-app', ${idx})`,
    );
    await db.execute(sql`INSERT INTO tlog_nodes (site_id, level, idx, hash) VALUES ('s', 1, ${idx}, 'h')`);
    await db.execute(
      sql`INSERT INTO tlog_checkpoints (site_id, size, root, note, key_id, created_at) VALUES ('s', 1, 'r', 'n', 'k', ${now})`,
    );
    await db.execute(
      sql`INSERT INTO chain_heads (site_id, appliance_id, seq, hash, signed_at, envelope, received_at)
          VALUES ('s', 'worm-app', ${idx}, 'h', ${now}, '{}', ${now})`,
    );
    await db.execute(
      sql`INSERT INTO checkpoint_anchors (checkpoint_id, site_id, tree_size, kind, source, proof, complete, created_at)
          SELECT max(id), 's', 1, 'ots', 'opentimestamps', 'p', false, ${now} FROM tlog_checkpoints`,
    );
    // The owner holds every table right, so only the trigger stands in its way (the service role
    // is refused earlier, by missing rights: roles.test.ts).
    const err = await cloud()
      .withOwnerDb(async (owner) => owner.execute(sql.raw(stmt)))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(pgErrorOf(err).message).toMatch(/append-only: (UPDATE|DELETE|TRUNCATE) refused/);
  });
});
