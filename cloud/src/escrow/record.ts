import type { escrowKeys } from "../db/schema/escrow.ts";
import type { EscrowEntry } from "./schemas.ts";

type Row = typeof escrowKeys.$inferSelect;

/** The associated data that binds a sealed recovery key to its record. */
export function escrowAad(r: Pick<Row, "id" | "siteId" | "host" | "volume" | "protectorId">): string {
  return [r.id, r.siteId, r.host, r.volume, r.protectorId].join("\n");
}

/** A row as shown to admins, without any key material. */
export function escrowEntry(r: Row): EscrowEntry {
  return {
    id: r.id,
    siteId: r.siteId,
    applianceId: r.applianceId,
    host: r.host,
    volume: r.volume,
    protectorId: r.protectorId,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
