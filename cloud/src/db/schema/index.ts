/** The cloud's drizzle schema: one file per area, re-exported here. Add your area with one line. */
export * from "./alerts.ts";
export * from "./appliances.ts";
export * from "./audit.ts";
export * from "./auth.ts";
export * from "./escrow.ts";
export * from "./evidence.ts";
export * from "./heal.ts";
export * from "./orders.ts";
export * from "./program.ts";
export * from "./provisioning.ts";
export * from "./regulatory.ts";
export * from "./rules.ts";
export * from "./runtime.ts";
export * from "./sites.ts";
export * from "./targets.ts";
export * from "./transparency.ts";
export * from "./web.ts";
