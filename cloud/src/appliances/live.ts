import { and, eq, isNull, type SQL } from "drizzle-orm";
import { appliances } from "../db/schema/appliances.ts";

/**
 * A site's appliances that are not deleted (delete.ts retires, never removes, a row), narrowed by
 * any further conditions: the rows listings, orders and sealing work on.
 */
export function siteLiveAppliances(siteId: string, ...more: (SQL | undefined)[]): SQL | undefined {
  return and(eq(appliances.siteId, siteId), isNull(appliances.deletedAt), ...more);
}
