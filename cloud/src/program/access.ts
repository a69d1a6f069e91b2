/**
 * Who may do what in the program: the MSP's technicians (admin tokens) record BAAs, assign
 * training and propose exceptions; the clinic's portal users acknowledge policies and attest
 * their training; the site's designated security official (a portal user) completes and signs the
 * risk assessment, adopts policies and accepts or declines exceptions.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { ProgramPerson } from "../../../protocol/program.ts";
import type { ProgramState } from "../../../protocol/program-state.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { sites } from "../db/schema/sites.ts";
import { portalUsers } from "../db/schema/web.ts";
import { forbidden } from "../http/errors.ts";

/** A signed-in portal user as a program record names them. */
export interface PortalPerson extends ProgramPerson {
  portalUserId: string;
}

const PORTAL_PREFIX = "portal:";

/** The portal user acting (their own site only), or a 403; `db` is the caller's transaction if in one. */
export async function portalUserOf(
  ctx: ServiceContext,
  siteId: string,
  db: Db = ctx.db,
): Promise<PortalPerson> {
  const a = ctx.actor;
  if (a.type !== "admin" || !a.tokenId.startsWith(PORTAL_PREFIX) || a.siteId !== siteId)
    throw forbidden("this action is taken by the clinic's people in the portal");
  const [u] = await db
    .select()
    .from(portalUsers)
    .where(
      and(
        eq(portalUsers.id, a.tokenId.slice(PORTAL_PREFIX.length)),
        eq(portalUsers.siteId, siteId),
        isNull(portalUsers.disabledAt),
      ),
    );
  if (!u) throw forbidden("portal user not found or disabled");
  return { portalUserId: u.id, name: u.name ?? u.email, email: u.email };
}

/** The acting portal user, who must be the site's designated security official. */
export async function officialOf(
  ctx: ServiceContext,
  siteId: string,
  state: ProgramState,
  what: string,
  db: Db = ctx.db,
): Promise<PortalPerson> {
  const me = await portalUserOf(ctx, siteId, db);
  const so = state.officials.get("security-official");
  if (!so || so.portalUserId !== me.portalUserId)
    throw forbidden(
      so
        ? `only the security official (${so.person.name}) may ${what}`
        : `no security official is designated for this site, so nobody may ${what} yet`,
    );
  return me;
}

/** An MSP technician (msp-tech or above) with access to the site. */
export function assertTechnician(ctx: ServiceContext, siteId: string): void {
  if (ctx.actor.type === "admin" && ctx.actor.tokenId.startsWith(PORTAL_PREFIX))
    throw forbidden("this action is the MSP technician's, not the portal's");
  assertSiteRole(ctx.actor, "msp-tech", siteId);
}

/** A site's config changed in what appliances must know (exceptions): bump its version so they re-sync. */
export async function bumpConfigVersion(tx: Db, siteId: string): Promise<void> {
  await tx
    .update(sites)
    .set({ configVersion: sql`${sites.configVersion} + 1` })
    .where(eq(sites.id, siteId));
}
