/**
 * Create the cloud's two Postgres roles, or bring existing ones back in line; safe to run any
 * number of times, also concurrently (an advisory lock serialises runs). Talks to the server as
 * a superuser (`--admin-url`, default postgres://postgres@127.0.0.1:5432/postgres):
 *
 *   bun cloud/src/db/setup-roles.ts [--admin-url URL] [--owner NAME] [--service NAME] [--database NAME]
 *
 * - the owner role (malachor_owner) runs migrations and owns the tables: LOGIN, nothing more;
 * - the service role (malachor_service) is what the cloud connects as: LOGIN, not superuser, no
 *   CREATEDB/CREATEROLE/REPLICATION/BYPASSRLS, not a member of the owner role. Its table rights
 *   are granted by `migrate` (db/roles.ts), run as the owner.
 * - `--database NAME` also creates that database owned by the owner role if it is missing.
 *
 * Passwords, for servers that ask for them, come from MALACHOR_OWNER_PASSWORD and
 * MALACHOR_SERVICE_PASSWORD (never from the command line, where `ps` would show them).
 */
import { parseArgs } from "node:util";
import { SQL } from "bun";
import * as v from "valibot";
import { describeIssues } from "../../../protocol/common.ts";
import { DEFAULT_OWNER_ROLE, DEFAULT_SERVICE_ROLE, quoteIdent } from "./roles.ts";

/** A role or database name we create: lowercase, no quoting surprises, not a reserved pg_ name. */
const Name = v.pipe(
  v.string(),
  v.regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be 1–63 of lowercase a-z 0-9 _, not starting with a digit"),
  v.check((s) => !s.startsWith("pg_") && s !== "postgres", "must not be a reserved name (pg_…, postgres)"),
);
const Password = v.pipe(
  v.string(),
  v.minLength(1),
  v.check((s) => !s.includes("\0"), "must not contain NUL"),
);

/** What to set up. */
export const RoleSetup = v.strictObject({
  adminUrl: v.pipe(v.string(), v.regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")),
  owner: v.optional(Name, DEFAULT_OWNER_ROLE),
  service: v.optional(Name, DEFAULT_SERVICE_ROLE),
  database: v.optional(Name),
  ownerPassword: v.optional(Password),
  servicePassword: v.optional(Password),
});
export type RoleSetup = v.InferInput<typeof RoleSetup>;

/** The default superuser URL on this machine kind. */
export const DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

const ROLE_LOCK = 727002;

/** A string literal for a utility statement (which takes no bind parameters); standard_conforming_strings is on. */
function quoteLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Create or fix the roles (and optionally the database); returns what it did, one line per change. */
export async function setupRoles(input: RoleSetup): Promise<string[]> {
  const parsed = v.safeParse(RoleSetup, input);
  if (!parsed.success) throw new Error(`setup-roles: ${describeIssues(parsed.issues)}`);
  const o = parsed.output;
  if (o.owner === o.service) throw new Error("setup-roles: the owner and service roles must differ");
  const done: string[] = [];
  const sql = new SQL({ url: o.adminUrl, max: 1 });
  try {
    await sql.unsafe("SET standard_conforming_strings = on");
    await sql.unsafe(`SELECT pg_advisory_lock(${ROLE_LOCK})`);
    const [me] = await sql.unsafe("SELECT rolname, rolsuper FROM pg_roles WHERE rolname = current_user");
    if (!me?.rolsuper) throw new Error("setup-roles: --admin-url must connect as a superuser");
    if (me.rolname === o.owner || me.rolname === o.service) {
      throw new Error(`setup-roles: ${me.rolname} is the superuser running this; name other roles`);
    }
    const roles: [string, string | undefined][] = [
      [o.owner, o.ownerPassword],
      [o.service, o.servicePassword],
    ];
    for (const [name, password] of roles) {
      const exists = (await sql.unsafe("SELECT 1 FROM pg_roles WHERE rolname = $1", [name])).length > 0;
      const attrs = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";
      await sql.unsafe(`${exists ? "ALTER" : "CREATE"} ROLE ${quoteIdent(name)} ${attrs}`);
      if (!exists) done.push(`created role ${name}`);
      if (password) await sql.unsafe(`ALTER ROLE ${quoteIdent(name)} PASSWORD ${quoteLiteral(password)}`);
    }
    // The service must not reach the owner's rights through membership, in either direction.
    const members = await sql.unsafe(
      `SELECT r.rolname AS role, m.rolname AS member FROM pg_auth_members a
       JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member
       WHERE m.rolname = $1`,
      [o.service],
    );
    for (const { role } of members as { role: string }[]) {
      await sql.unsafe(`REVOKE ${quoteIdent(role)} FROM ${quoteIdent(o.service)}`);
      done.push(`revoked membership of ${o.service} in ${role}`);
    }
    if (o.database) {
      const [db] = await sql.unsafe(
        "SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1",
        [o.database],
      );
      if (!db) {
        await sql.unsafe(`CREATE DATABASE ${quoteIdent(o.database)} OWNER ${quoteIdent(o.owner)}`);
        done.push(`created database ${o.database} owned by ${o.owner}`);
      } else if (db.owner !== o.owner) {
        throw new Error(
          `setup-roles: database ${o.database} exists and is owned by ${db.owner}, not ${o.owner}; ` +
            `move its objects first (ALTER DATABASE … OWNER TO ${o.owner}; REASSIGN OWNED BY ${db.owner} TO ${o.owner} inside it)`,
        );
      }
    }
    return done;
  } finally {
    await sql.close();
  }
}

if (import.meta.main) {
  try {
    const { values } = parseArgs({
      options: {
        "admin-url": { type: "string", default: DEFAULT_ADMIN_URL },
        owner: { type: "string" },
        service: { type: "string" },
        database: { type: "string" },
      },
      strict: true,
    });
    const done = await setupRoles({
      adminUrl: values["admin-url"],
      owner: values.owner,
      service: values.service,
      database: values.database,
      ownerPassword: process.env.MALACHOR_OWNER_PASSWORD || undefined,
      servicePassword: process.env.MALACHOR_SERVICE_PASSWORD || undefined,
    });
    process.stdout.write(done.length ? `${done.join("\n")}\n` : "roles already in place\n");
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
}
