/** Who acts on the cloud: admin roles and the actor union. Imports nothing, so any module may use it. */

/** Admin roles, from most to least privileged. */
export const ROLES = ["msp-admin", "msp-tech", "read-only"] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting. Services take it explicitly so audit rows and permission checks never guess. */
export type Actor =
  | { type: "admin"; tokenId: string; name: string; role: Role; siteId: string | null }
  | { type: "appliance"; applianceId: string; siteId: string; apiKeyId: string }
  | { type: "system"; name: string };

/** A stable text form of an actor for audit rows and `issuedBy` fields. */
export function actorLabel(a: Actor): string {
  switch (a.type) {
    case "admin":
      return `admin:${a.tokenId}(${a.name})`;
    case "appliance":
      return `appliance:${a.applianceId}`;
    case "system":
      return `system:${a.name}`;
  }
}
