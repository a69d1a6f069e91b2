import type { Actor } from "../actor.ts";

/** The one site an actor is confined to, or null when it may see every site. */
export function scopedSite(actor: Actor): string | null {
  if (actor.type === "admin") return actor.siteId;
  if (actor.type === "appliance") return actor.siteId;
  return null;
}
