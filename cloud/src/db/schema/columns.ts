import { timestamp } from "drizzle-orm/pg-core";

/** A `timestamptz` column read as a Date: how every table of this schema stores a point in time. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
