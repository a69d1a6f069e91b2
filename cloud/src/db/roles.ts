import { sql } from "drizzle-orm";
import type { Db, Tx } from "./client.ts";
import { rowsOf } from "./rows.ts";

/**
 * Postgres roles. Migrations run as the owner role (it owns the tables, triggers and the trigger
 * function); the service connects as a role that holds only what it needs: SELECT and INSERT on
 * append-only tables, SELECT/INSERT/UPDATE/DELETE on the others, never TRUNCATE or TRIGGER, never
 * ownership or superuser. A table is append-only because it carries the `malachor_refuse_change()`
 * trigger (migration 0000_core.sql), so marking a table append-only in SQL is all it takes for the
 * service to lose UPDATE and DELETE on it at the next migrate. PGlite (one embedded process, one
 * built-in superuser) has no roles to separate; there the triggers are the guard.
 */

/** Role names the scripts create by default (cloud/src/db/setup-roles.ts). */
export const DEFAULT_OWNER_ROLE = "malachor_owner";
export const DEFAULT_SERVICE_ROLE = "malachor_service";

/** The function every append-only table's triggers call. */
const REFUSE_CHANGE = "malachor_refuse_change";

/** Quote a Postgres identifier (the standard "…" form with embedded quotes doubled). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The role this connection acts as. */
export async function currentRole(db: Db | Tx): Promise<string> {
  const [r] = rowsOf<{ role: string }>(await db.execute(sql`SELECT current_user AS role`));
  if (!r) throw new Error("database: could not read current_user");
  return r.role;
}

/** Tables in the current schema whose rows are evidence or audit (they carry the refuse-change trigger). */
export async function appendOnlyTables(db: Db | Tx): Promise<string[]> {
  const rows = rowsOf<{ name: string }>(
    await db.execute(sql`
      SELECT DISTINCT c.relname AS name
      FROM pg_trigger t
      JOIN pg_class c ON c.oid = t.tgrelid
      JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE c.relnamespace = current_schema()::regnamespace AND p.proname = ${REFUSE_CHANGE}
      ORDER BY 1`),
  );
  return rows.map((r) => r.name);
}

/** Every ordinary table in the current schema, and whether it is a partition of another. */
async function allTables(db: Db | Tx): Promise<{ name: string; partition: boolean }[]> {
  return rowsOf<{ name: string; partition: boolean }>(
    await db.execute(sql`
      SELECT c.relname AS name, c.relispartition AS partition FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
      ORDER BY 1`),
  );
}

/**
 * Give `role` exactly the service's rights on every table of the current schema, replacing any it
 * had: append-only tables and `schema_migrations` lose everything but reading (and inserting, for
 * the append-only ones the service writes), and partitions only reading. Run by the owner inside
 * the migration transaction.
 */
export async function grantServiceRights(tx: Tx, role: string): Promise<void> {
  const r = quoteIdent(role);
  const [here] = rowsOf<{ schema: string }>(await tx.execute(sql`SELECT current_schema() AS schema`));
  const schema = quoteIdent(here!.schema);
  const appendOnly = new Set(await appendOnlyTables(tx));
  await tx.execute(sql.raw(`GRANT USAGE ON SCHEMA ${schema} TO ${r}`));
  for (const { name: table, partition } of await allTables(tx)) {
    const t = quoteIdent(table);
    await tx.execute(sql.raw(`REVOKE ALL ON TABLE ${t} FROM ${r}`));
    // A partition is written through its parent only: the parent's statement triggers (the chain's
    // high-water check, migration 2800) do not fire for rows inserted into a partition by name.
    const rights =
      table === "schema_migrations" || OWNER_WRITTEN_TABLES.includes(table) || partition
        ? "SELECT"
        : appendOnly.has(table)
          ? "SELECT, INSERT"
          : "SELECT, INSERT, UPDATE, DELETE";
    await tx.execute(sql.raw(`GRANT ${rights} ON TABLE ${t} TO ${r}`));
  }
  // nextval for bigserial ids; not setval.
  await tx.execute(sql.raw(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${schema} FROM ${r}`));
  await tx.execute(sql.raw(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${r}`));
  // Functions that run as the owner (SECURITY DEFINER) are revoked from PUBLIC by their migration;
  // the service may call these, and no other.
  for (const fn of SERVICE_DEFINER_FUNCTIONS) {
    const [f] = rowsOf<{ ok: boolean }>(
      await tx.execute(sql`SELECT to_regprocedure(${fn}) IS NOT NULL AS ok`),
    );
    if (f?.ok) await tx.execute(sql.raw(`GRANT EXECUTE ON FUNCTION ${fn} TO ${r}`));
  }
}

/**
 * Append-only tables only the owner writes, the service reading them: retention floors, written by
 * the owner's partition drop (migration 2700).
 */
const OWNER_WRITTEN_TABLES = ["evidence_retention_floors"];

/** The owner's functions the service may execute: creating evidence partitions (migration 2600). */
const SERVICE_DEFINER_FUNCTIONS = ["malachor_evidence_partitions_ensure(timestamptz, timestamptz)"];

/**
 * Why the role of this connection is more powerful than the service may be ([] when it is fine):
 * superuser (can switch triggers off with session_replication_role), CREATEROLE or BYPASSRLS,
 * owner of a table or member of a role that owns one (can drop or disable triggers), or holding
 * UPDATE, DELETE, TRUNCATE or TRIGGER on an append-only table, or INSERT on one only the owner writes.
 */
export async function serviceRoleProblems(db: Db): Promise<string[]> {
  const [me] = rowsOf<{ role: string; superuser: boolean; createrole: boolean; bypassrls: boolean }>(
    await db.execute(sql`
      SELECT rolname AS role, rolsuper AS superuser, rolcreaterole AS createrole, rolbypassrls AS bypassrls
      FROM pg_roles WHERE rolname = current_user`),
  );
  if (!me) return ["the connection's role is not in pg_roles"];
  const problems: string[] = [];
  if (me.superuser) problems.push(`role "${me.role}" is a superuser`);
  if (me.createrole) problems.push(`role "${me.role}" has CREATEROLE`);
  if (me.bypassrls) problems.push(`role "${me.role}" has BYPASSRLS`);
  const owned = rowsOf<{ name: string; owner: string }>(
    await db.execute(sql`
      SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
        AND pg_has_role(current_user, c.relowner, 'MEMBER')
      ORDER BY 1 LIMIT 3`),
  );
  for (const o of owned) problems.push(`role "${me.role}" owns table ${o.name} (as "${o.owner}")`);
  for (const table of await appendOnlyTables(db)) {
    const [p] = rowsOf<{ writes: boolean }>(
      await db.execute(
        sql`SELECT has_table_privilege(current_user, ${quoteIdent(table)}, 'UPDATE, DELETE, TRUNCATE, TRIGGER') AS writes`,
      ),
    );
    if (p?.writes) problems.push(`role "${me.role}" may change append-only table ${table}`);
  }
  for (const table of OWNER_WRITTEN_TABLES) {
    const [p] = rowsOf<{ writes: boolean | null }>(
      await db.execute(
        sql`SELECT CASE WHEN to_regclass(${quoteIdent(table)}) IS NOT NULL
                   THEN has_table_privilege(current_user, ${quoteIdent(table)}, 'INSERT') END AS writes`,
      ),
    );
    if (p?.writes) problems.push(`role "${me.role}" may write ${table}, which only the owner writes`);
  }
  return problems;
}
