import { eq } from "drizzle-orm";
import { adminTokens } from "../db/schema/auth.ts";
import type { CloudDeps } from "../deps.ts";
import { hashSecret } from "./secrets.ts";

/**
 * Make the operator-supplied ADMIN_TOKEN a fleet-wide msp-admin token (idempotent), so a fresh
 * cloud can be administered without a chicken-and-egg step.
 */
export async function bootstrapAdminToken(deps: CloudDeps, secret: string): Promise<void> {
  const hash = hashSecret(secret);
  const [existing] = await deps.db.select().from(adminTokens).where(eq(adminTokens.hash, hash));
  if (existing) return;
  await deps.db
    .insert(adminTokens)
    .values({
      id: "tok_bootstrap",
      hash,
      name: "bootstrap (ADMIN_TOKEN)",
      role: "msp-admin",
      siteId: null,
      createdAt: deps.clock.now(),
    })
    .onConflictDoNothing();
}
