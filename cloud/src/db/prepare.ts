import { type DbHandle, type DbTarget, openDb } from "./client.ts";
import { migrate } from "./migrate.ts";
import { currentRole, serviceRoleProblems } from "./roles.ts";

/** An open, migrated cloud database and what is wrong with the service's role, if anything. */
export interface CloudDb {
  handle: DbHandle;
  /** Postgres without an owner URL: why the single role is more powerful than it should be. */
  roleWarnings: string[];
}

/**
 * Open the service's database and bring its schema up to date. With `ownerUrl` (Postgres), the
 * migrations run over that owner connection, which then grants the service's role exactly its
 * rights; start-up is refused if the service's role could still change evidence (superuser,
 * owner, TRUNCATE…). Without it, the service's own connection migrates (PGlite, or a single-role
 * Postgres set-up, which is reported in `roleWarnings`).
 */
export async function openCloudDb(target: DbTarget, opts: { ownerUrl?: string } = {}): Promise<CloudDb> {
  const handle = await openDb(target);
  try {
    if (!opts.ownerUrl) {
      await migrate(handle.db);
      return { handle, roleWarnings: handle.kind === "postgres" ? await serviceRoleProblems(handle.db) : [] };
    }
    if (handle.kind !== "postgres") {
      throw new Error("database roles: an owner URL (DATABASE_OWNER_URL) needs a Postgres DATABASE_URL");
    }
    const serviceRole = await currentRole(handle.db);
    const owner = await openDb({ url: opts.ownerUrl, maxConnections: 1 });
    try {
      await migrate(owner.db, { serviceRole });
    } finally {
      await owner.close();
    }
    const problems = await serviceRoleProblems(handle.db);
    if (problems.length > 0) {
      throw new Error(`database roles: DATABASE_URL must use a restricted role: ${problems.join("; ")}`);
    }
    return { handle, roleWarnings: [] };
  } catch (e) {
    await handle.close();
    throw e;
  }
}
