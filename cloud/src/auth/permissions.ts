import { type Actor, ROLES, type Role } from "../actor.ts";
import { forbidden } from "../http/errors.ts";

/** True when `role` is at least as privileged as `min`. */
export function roleAtLeast(role: Role, min: Role): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(min);
}

/** Throw 403 unless the actor is an admin of at least role `min` (system actors pass). */
export function assertRole(actor: Actor, min: Role): void {
  if (actor.type === "system") return;
  if (actor.type !== "admin") throw forbidden(`this action needs an admin token (role ${min} or above)`);
  if (!roleAtLeast(actor.role, min)) {
    throw forbidden(`this action needs role ${min} or above; token "${actor.name}" has ${actor.role}`);
  }
}

/** Throw 403 unless the actor may act on `siteId` (appliances: own site; scoped tokens: their site). */
export function assertSiteAccess(actor: Actor, siteId: string): void {
  if (actor.type === "appliance" && actor.siteId !== siteId) {
    throw forbidden(`appliance ${actor.applianceId} belongs to another site`);
  }
  if (actor.type === "admin" && actor.siteId !== null && actor.siteId !== siteId) {
    throw forbidden(`token "${actor.name}" is scoped to site ${actor.siteId}`);
  }
}

/** Throw 403 unless the actor is an admin of at least role `min` who may act on `siteId`. */
export function assertSiteRole(actor: Actor, min: Role, siteId: string): void {
  assertRole(actor, min);
  assertSiteAccess(actor, siteId);
}

/** Throw 403 unless the actor is an admin token without site scope (fleet-wide actions). */
export function assertFleetWide(actor: Actor): void {
  if (actor.type === "system") return;
  if (actor.type !== "admin" || actor.siteId !== null) {
    throw forbidden("this action is fleet-wide and needs an admin token without a site scope");
  }
}
