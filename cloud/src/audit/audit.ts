import { canonicalHash } from "../../../protocol/hash.ts";
import { actorLabel } from "../actor.ts";
import type { ServiceContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { auditLog } from "../db/schema/audit.ts";

/** One audit entry; `args` is hashed (canonical JSON, SHA-256), never stored in clear. */
export interface AuditEntry {
  action: string;
  target: string;
  siteId?: string | null;
  args?: unknown;
  outcome?: "ok" | "denied" | "failed";
}

/**
 * Write an audit row. Pass the transaction of the action itself so the row exists exactly when
 * the action happened.
 */
export async function writeAudit(tx: Db, ctx: ServiceContext, e: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    at: ctx.clock.now(),
    actor: actorLabel(ctx.actor),
    siteId: e.siteId ?? null,
    action: e.action,
    target: e.target,
    argsHash: canonicalHash(e.args ?? null),
    outcome: e.outcome ?? "ok",
    requestId: ctx.requestId,
  });
}
